"""The waitlist in DynamoDB. Holding and releasing a seat are conditional writes like
booking: an offer takes the freed seat in the slot's counter (only while below capacity),
so nobody else can book it until the offer is accepted (the booking then takes no seat
again) or lapses (the seat is given back, in the same transaction that ends the offer).
"""
from __future__ import annotations

from chalicelib.store.accounts import account_pk, citizen_pk
from chalicelib.store.bookings import SeatRef, TransactionFailed, guard_key, run
from chalicelib.store.catalog import catalog_unchanged
from chalicelib.store import outbox
from chalicelib.store.models import (
    BookingGuard,
    CitizenState,
    Item,
    OutboxMail,
    SlotCounter,
    WaitlistEntry,
)

__all__ = ["TransactionFailed"]


def queue_pk(mall_id: str, service_id: str, day: str) -> str:
    return f"WAITQ#{mall_id}#{service_id}#{day}"


def offers_pk(mall_id: str) -> str:
    return f"OFFERS#{mall_id}"


def wait_guard(nik_hash: str, mall_id: str, service_id: str, day: str) -> BookingGuard:
    return BookingGuard(pk=citizen_pk(nik_hash), sk=f"WAIT#{mall_id}#{service_id}#{day}")


def get(account_id: str, waitlist_id: str) -> WaitlistEntry | None:
    try:
        return WaitlistEntry.get(account_pk(account_id), f"WAITLIST#{waitlist_id}",
                                 consistent_read=True)
    except WaitlistEntry.DoesNotExist:
        return None


def of_account(account_id: str, limit: int = 50) -> list[WaitlistEntry]:
    return list(WaitlistEntry.query(account_pk(account_id), Item.sk.startswith("WAITLIST#"),
                                    scan_index_forward=False, limit=limit))


def waiting(mall_id: str, service_id: str, day: str, limit: int | None = None
            ) -> list[WaitlistEntry]:
    """Who waits for that service and day, first come first: a Query on the `due` index."""
    return list(WaitlistEntry.due.query(queue_pk(mall_id, service_id, day), limit=limit))


def lapsed(mall_id: str, now_epoch: int, limit: int = 50) -> list[WaitlistEntry]:
    return list(WaitlistEntry.due.query(offers_pk(mall_id),
                                        WaitlistEntry.due_sk <= f"{now_epoch:010d}#~",
                                        limit=limit))


def join(entry: WaitlistEntry, state: CitizenState, waiting: dict) -> None:
    """Queue the citizen, once per service and day, unless they already booked it, writing
    their new map of waiting entries (`waiting`, pruned, with this one) only at the version
    of the state that was read. Failed steps: waiting (already on this waitlist), booked
    (already has a booking), citizen (the state changed meanwhile: decide again)."""
    entry.counted = True

    def build(s):
        s.check("booked", BookingGuard, citizen_pk(entry.nik_hash),
                guard_key(entry.mall_id, entry.service_id, entry.date),
                BookingGuard.pk.does_not_exist())
        guard = wait_guard(entry.nik_hash, entry.mall_id, entry.service_id, entry.date)
        guard.booking_id = entry.waitlist_id
        s.save("waiting", guard, condition=Item.pk.does_not_exist())
        s.save("entry", entry, condition=Item.pk.does_not_exist())
        s.update("citizen", CitizenState(pk=citizen_pk(entry.nik_hash), sk="STATE"),
                 actions=[CitizenState.waiting.set(waiting), CitizenState.version.add(1)],
                 condition=CitizenState.version == int(state.version))

    run(build)


def _uncount(s, entry: WaitlistEntry) -> None:
    """The entry leaves its citizen's map of waiting entries (entries from before the map
    was kept are in none)."""
    if entry.counted:
        s.update("citizen", CitizenState(pk=citizen_pk(entry.nik_hash), sk="STATE"),
                 actions=[CitizenState.waiting[entry.waitlist_id].remove()])


def offer(entry: WaitlistEntry, mall, seat: SeatRef, capacity: int, expires_at: int,
          mail: OutboxMail | None, enforce_capacity: bool = True) -> None:
    """Hold the seat for the first waiting citizen. Failed steps: seat (taken meanwhile),
    entry (not waiting any more), catalog (changed), booked (the citizen booked that
    service and day meanwhile: they could not accept)."""
    def build(s):
        catalog_unchanged(s, mall)
        s.check("booked", BookingGuard, citizen_pk(entry.nik_hash),
                guard_key(entry.mall_id, entry.service_id, entry.date),
                BookingGuard.pk.does_not_exist())
        s.update("seat", seat.counter, actions=[SlotCounter.booked.add(1),
                                                 SlotCounter.type.set(SlotCounter)],
                 condition=((SlotCounter.booked < capacity)
                            | SlotCounter.booked.does_not_exist()) if enforce_capacity
                 else None)
        s.update("entry", entry, actions=[
            WaitlistEntry.status.set("offered"), WaitlistEntry.offer_start.set(seat.start),
            WaitlistEntry.offer_expires_at.set(expires_at),
            WaitlistEntry.due_pk.set(offers_pk(entry.mall_id)),
            WaitlistEntry.due_sk.set(f"{expires_at:010d}#{entry.waitlist_id}")],
            condition=WaitlistEntry.status == "waiting")
        outbox.saved(s, mail)

    run(build)


def end(entry: WaitlistEntry, status: str, release: SeatRef | None, extra=None) -> None:
    """End the entry (left, expired or accepted) and, for an offer not taken, give its seat
    back. Failed step: entry (its state changed meanwhile)."""
    def build(s):
        s.update("entry", entry, actions=[
            WaitlistEntry.status.set(status), WaitlistEntry.due_pk.remove(),
            WaitlistEntry.due_sk.remove()],
            condition=WaitlistEntry.status == entry.status)
        s.delete("waiting", wait_guard(entry.nik_hash, entry.mall_id, entry.service_id,
                                       entry.date))
        _uncount(s, entry)
        if release is not None:
            s.update("seat", release.counter, actions=[SlotCounter.booked.add(-1)],
                     condition=SlotCounter.booked > 0)
        if extra is not None:
            extra(s)

    run(build)


def accepted_step(entry: WaitlistEntry, booking_id: str, now_epoch: int):
    """A booking-transaction step: the offer becomes this booking, while it is still valid."""
    def step(s):
        s.update("entry", entry, actions=[
            WaitlistEntry.status.set("accepted"), WaitlistEntry.booking_id.set(booking_id),
            WaitlistEntry.due_pk.remove(), WaitlistEntry.due_sk.remove()],
            condition=(WaitlistEntry.status == "offered")
            & (WaitlistEntry.offer_expires_at > now_epoch))
        s.delete("waiting", wait_guard(entry.nik_hash, entry.mall_id, entry.service_id,
                                       entry.date))
        # the entry leaves the citizen's `waiting` map in the booking's own update of the
        # citizen's state (see `uncounted`): one item is written once per transaction

    return step


def uncounted(entry: WaitlistEntry) -> list:
    """Actions on the citizen's state that take the entry out of its `waiting` map."""
    return [CitizenState.waiting[entry.waitlist_id].remove()] if entry.counted else []
