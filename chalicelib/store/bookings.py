"""Bookings and seats. Every capacity rule is a condition inside one transaction:

- the slot counter is incremented only while `booked < capacity`;
- a guard item allows one active booking per citizen (NIK) per service per date;
- the citizen's active-bookings map changes only at the version that was read;
- the booking code is claimed once; the idempotency key is claimed once.
If any condition fails, nothing is written.
"""
from __future__ import annotations

from dataclasses import dataclass

from pynamodb.exceptions import TransactWriteError

from chalicelib.store.accounts import account_pk, citizen_pk
from chalicelib.store import stats
from chalicelib.store.catalog import catalog_unchanged
from chalicelib.store.db import failed_steps, steps
from chalicelib.store import outbox
from chalicelib.store.models import (
    AssistedDay,
    AssistedRef,
    Booking,
    BookingGuard,
    CitizenState,
    CodeClaim,
    IdempotencyRecord,
    Item,
    OutboxMail,
    SlotCounter,
)

IDEMPOTENCY_TTL_SECONDS = 24 * 3600


class TransactionFailed(Exception):
    """A transaction was cancelled; `failed` names the steps that caused it."""

    def __init__(self, failed: set[str]):
        super().__init__(", ".join(sorted(failed)) or "unknown")
        self.failed = failed


def slots_pk(mall_id: str, service_id: str, day: str) -> str:
    return f"SLOTS#{mall_id}#{service_id}#{day}"


def guard_key(mall_id: str, service_id: str, day: str) -> str:
    return f"GUARD#{mall_id}#{service_id}#{day}"


@dataclass(frozen=True)
class SeatRef:
    mall_id: str
    service_id: str
    date: str
    start: str

    @property
    def counter(self) -> SlotCounter:
        return SlotCounter(pk=slots_pk(self.mall_id, self.service_id, self.date), sk=self.start)


def _take_seat(s, name: str, seat: SeatRef, capacity: int, enforce_capacity: bool = True):
    condition = None
    if enforce_capacity:
        condition = (SlotCounter.booked < capacity) | SlotCounter.booked.does_not_exist()
    s.update(name, seat.counter,
             actions=[SlotCounter.booked.add(1), SlotCounter.type.set(SlotCounter)],
             condition=condition)


def forget_at(end_epoch: int) -> int:
    """When DynamoDB's TTL removes a booking's personal data (its items), counted from the
    end of its slot; the statistics, which hold none, stay."""
    from chalicelib import config

    return int(end_epoch) + 86400 * config.get().retention_days


def arrival_keys(mall_id: str, day: str, booking_id: str, deadline_epoch: int) -> tuple[str, str]:
    """The booking's keys in the sparse `due` index while it is expected at the mall: the
    no-show sweep Queries ARRIVE#<mall>#<date> for deadlines that have passed."""
    return f"ARRIVE#{mall_id}#{day}", f"{deadline_epoch:010d}#{booking_id}"


def _claim(booking: Booking) -> CodeClaim:
    return CodeClaim(pk=f"CODE#{booking.code}", sk="CODE")


def _release_seat(s, name: str, seat: SeatRef):
    s.update(name, seat.counter, actions=[SlotCounter.booked.add(-1)],
             condition=SlotCounter.booked > 0)


def run(build):
    """Run `build(steps)` as one transaction; raise TransactionFailed naming what failed."""
    s = None
    try:
        with steps() as s:
            build(s)
    except TransactWriteError as e:
        raise TransactionFailed(failed_steps(e, s.names if s else [])) from e


# --- reads ---------------------------------------------------------------------------------


def seats_taken(mall_id: str, service_id: str, day: str) -> dict[str, int]:
    """start (HH:MM) -> seats taken, for every slot of the day: one Query."""
    return {c.sk: int(c.booked) for c in
            SlotCounter.query(slots_pk(mall_id, service_id, day), consistent_read=True)}


def get(account_id: str, booking_id: str) -> Booking | None:
    try:
        return Booking.get(account_pk(account_id), f"BOOKING#{booking_id}", consistent_read=True)
    except Booking.DoesNotExist:
        return None


def holds_day(nik_hash: str, mall_id: str, service_id: str, day: str) -> bool:
    """Whether the citizen holds a booking of the service on that day (its guard exists):
    what a move there would fail on. One GetItem."""
    try:
        BookingGuard.get(citizen_pk(nik_hash), guard_key(mall_id, service_id, day),
                         consistent_read=True)
        return True
    except BookingGuard.DoesNotExist:
        return False


def get_many(keys: list[tuple[str, str]]) -> list[Booking]:
    """Bookings by (account_id, booking_id): BatchGetItem (PynamoDB pages by 100)."""
    if not keys:
        return []
    return list(Booking.batch_get([(account_pk(a), f"BOOKING#{b}") for a, b in keys],
                                  consistent_read=True))


def list_for(account_id: str, limit: int = 100) -> list[Booking]:
    """The account's bookings, newest first (booking ids are ULIDs: sorted by creation)."""
    return list(Booking.query(account_pk(account_id), Item.sk.startswith("BOOKING#"),
                              scan_index_forward=False, limit=limit))


def expected_on(mall_id: str, day: str) -> list[Booking]:
    """Every booking of that mall and day still expected (booked, not checked in): Queries
    on the sparse `due` index, all pages."""
    pk, _ = arrival_keys(mall_id, day, "", 0)
    return list(Booking.due.query(pk))


def count_no_show(s, nik_hash: str | None, at: int, mall_id: str) -> None:
    """Add to a transaction: the citizen's no-show at that mall, for its no-show policy."""
    if nik_hash:
        s.update("no_shows", CitizenState(pk=citizen_pk(nik_hash), sk="STATE"), actions=[
            CitizenState.mall_no_shows.set(
                (CitizenState.mall_no_shows | []).append([f"{mall_id}#{int(at)}"]))])


def no_shows_by_mall(state: CitizenState | None) -> dict[str, list[int]]:
    """mall_id -> when (epoch) the citizen did not show up there."""
    found: dict[str, list[int]] = {}
    for mark in (state.mall_no_shows or []) if state is not None else []:
        mall_id, _, at = str(mark).rpartition("#")
        if mall_id and at.isdigit():
            found.setdefault(mall_id, []).append(int(at))
    return found


def late_arrivals(mall_id: str, day: str, now_epoch: int, limit: int = 100) -> list[Booking]:
    """Bookings of that mall and day still expected whose check-in deadline has passed:
    a Query on the sparse `due` index."""
    pk, _ = arrival_keys(mall_id, day, "", 0)
    return list(Booking.due.query(pk, Booking.due_sk <= f"{now_epoch:010d}#~", limit=limit))


def remind_once(booking: Booking, mail: OutboxMail, reminded_at: str) -> bool:
    """Queue the booking's reminder, once: False if it was reminded, or changed, already."""
    def build(s):
        s.update("booking", booking, actions=[Booking.reminded_at.set(reminded_at)],
                 condition=Booking.reminded_at.does_not_exist() & (Booking.status == "booked")
                 & (Booking.date == booking.date) & (Booking.start == booking.start))
        outbox.saved(s, mail)

    try:
        run(build)
        return True
    except TransactionFailed:
        return False


def mark_no_show(booking: Booking, updated_at: str) -> bool:
    """A booking nobody checked in for becomes a no-show; False if it changed meanwhile."""
    def build(s):
        s.update("booking", booking, actions=[
            Booking.status.set("no_show"), Booking.updated_at.set(updated_at),
            Booking.due_pk.remove(), Booking.due_sk.remove()],
            condition=(Booking.status == "booked") & (Booking.due_sk == booking.due_sk))
        s.update("code", _claim(booking), actions=[CodeClaim.status.set("no_show")],
                 condition=CodeClaim.status == "booked")
        stats.step(s, booking.mall_id, booking.date, booking.service_id, no_shows=1)
        count_no_show(s, booking.nik_hash, int(booking.start_at), booking.mall_id)

    try:
        run(build)
        return True
    except TransactionFailed:
        return False


# --- bookings staff make for citizens --------------------------------------------------------


def staff_pk(mall_id: str, staff_id: str) -> str:
    return f"ASSISTED#{mall_id}#{staff_id}"


def assisted_steps(booking: Booking, mall_id: str, staff_id: str, day: str,
                   per_day: int):
    """Steps of an assisted booking's transaction: the staff member's count for the day,
    raised only below `per_day` (failed step: assisted_limit), and the booking's references
    under its NIK and its staff member."""
    def add(s):
        s.update("assisted_limit", AssistedDay(pk=staff_pk(mall_id, staff_id), sk=f"DAY#{day}"),
                 actions=[AssistedDay.type.set(AssistedDay), AssistedDay.count.add(1),
                          AssistedDay.expires_at.set(int(booking.start_at) + 7 * 86400)],
                 condition=AssistedDay.count.does_not_exist() | (AssistedDay.count < per_day))
        for name, pk, sk in (("nik_ref", citizen_pk(booking.nik_hash),
                              f"ASSISTED#{booking.booking_id}"),
                             ("staff_ref", staff_pk(mall_id, staff_id),
                              f"BOOKING#{booking.booking_id}")):
            s.save(name, AssistedRef(pk=pk, sk=sk, booking_id=booking.booking_id,
                                     owner_id=booking.account_id,
                                     expires_at=booking.expires_at),
                   condition=Item.pk.does_not_exist())

    return add


def _referenced(refs) -> list[Booking]:
    keys = [(account_pk(r.owner_id), f"BOOKING#{r.booking_id}") for r in refs]
    found = {b.booking_id: b for b in Booking.batch_get(keys)} if keys else {}
    return [found[r.booking_id] for r in refs if r.booking_id in found]


def assisted_by_staff(mall_id: str, staff_id: str, limit: int = 50) -> list[Booking]:
    """The bookings this staff member made for citizens, newest first: one Query and one
    BatchGetItem."""
    refs = list(AssistedRef.query(staff_pk(mall_id, staff_id), Item.sk.startswith("BOOKING#"),
                                  scan_index_forward=False, limit=limit))
    return _referenced(refs)


def assisted_for_nik(nik_hash: str, limit: int = 50) -> list[Booking]:
    """The bookings staff made for this NIK, newest first: one Query (nearly always empty)
    and, if any, one BatchGetItem."""
    refs = list(AssistedRef.query(citizen_pk(nik_hash), Item.sk.startswith("ASSISTED#"),
                                  scan_index_forward=False, limit=limit))
    return _referenced(refs)


def assisted_one_for_nik(nik_hash: str, booking_id: str) -> Booking | None:
    """One booking staff made for this NIK, by its id: two GetItems (none if not theirs)."""
    try:
        ref = AssistedRef.get(citizen_pk(nik_hash), f"ASSISTED#{booking_id}",
                              consistent_read=True)
    except AssistedRef.DoesNotExist:
        return None
    booking = get(ref.owner_id, booking_id)
    return booking if booking is not None and booking.nik_hash == nik_hash else None


def citizen_state_key(nik_hash: str) -> tuple[str, str]:
    return citizen_pk(nik_hash), "STATE"


def citizen_state(nik_hash: str) -> CitizenState | None:
    try:
        return CitizenState.get(*citizen_state_key(nik_hash), consistent_read=True)
    except CitizenState.DoesNotExist:
        return None


def idempotency_key(account_id: str, key: str) -> tuple[str, str]:
    return f"IDEMP#{account_id}#{key}", "IDEMP"


def idempotency_record(account_id: str, key: str) -> IdempotencyRecord | None:
    try:
        return IdempotencyRecord.get(*idempotency_key(account_id, key), consistent_read=True)
    except IdempotencyRecord.DoesNotExist:
        return None


# --- writes --------------------------------------------------------------------------------


def book_if_free(booking: Booking, mall, capacity: int, state: CitizenState | None,
                 active: dict, mail: OutboxMail | None,
                 idempotency: IdempotencyRecord | None = None,
                 enforce_capacity: bool = True, held: bool = False, extra=None,
                 citizen_actions=(), nik_key: str | None = None) -> None:
    """Take a seat and record the booking, all or nothing.

    `active` is the citizen's new active map (pruned, with this booking); it is written only
    if the state is still at the version that was read. `state` None: the NIK has no state
    yet (a citizen without an account, booked for by staff), so it is created here, only if
    it still does not exist. `mall` is the catalog the decision used (its version is
    checked). `held`: the seat is already counted (a waitlist offer holds it), so none is
    taken; `extra(steps)` adds writes of the same booking, `citizen_actions` changes of the
    citizen's state (an accepted waitlist entry leaves its map), `nik_key` the id of the NIK
    key of a state created here. Step names in a failure: catalog, seat, guard, citizen,
    code, booking, idempotency.
    """
    seat = SeatRef(booking.mall_id, booking.service_id, booking.date, booking.start)

    booking.expires_at = forget_at(booking.end_at)

    def build(s):
        catalog_unchanged(s, mall)
        if not held:
            _take_seat(s, "seat", seat, capacity, enforce_capacity)
        s.save("guard", BookingGuard(pk=citizen_pk(booking.nik_hash),
                                     sk=guard_key(seat.mall_id, seat.service_id, seat.date),
                                     booking_id=booking.booking_id,
                                     expires_at=booking.expires_at),
               condition=Item.pk.does_not_exist())
        citizen = CitizenState(pk=citizen_pk(booking.nik_hash), sk="STATE")
        if state is None:
            s.update("citizen", citizen, actions=[
                CitizenState.type.set(CitizenState), CitizenState.active.set(active),
                CitizenState.version.set(1),
                *([CitizenState.nik_key.set(nik_key)] if nik_key else [])],
                condition=Item.pk.does_not_exist())
        else:
            s.update("citizen", citizen,
                     actions=[CitizenState.active.set(active), CitizenState.version.add(1),
                              *citizen_actions],
                     condition=CitizenState.version == int(state.version))
        s.save("code", CodeClaim(pk=f"CODE#{booking.code}", sk="CODE",
                                 booking_id=booking.booking_id, account_id=booking.account_id,
                                 mall_id=booking.mall_id, service_id=booking.service_id,
                                 date=booking.date, start=booking.start,
                                 start_at=booking.start_at, status="booked",
                                 nik_hash=booking.nik_hash, expires_at=booking.expires_at),
               condition=Item.pk.does_not_exist())
        s.save("booking", booking, condition=Item.pk.does_not_exist())
        stats.step(s, booking.mall_id, booking.date, booking.service_id, bookings=1)
        outbox.saved(s, mail)
        if idempotency is not None:
            s.save("idempotency", idempotency, condition=Item.pk.does_not_exist())
        if extra is not None:
            extra(s)

    run(build)


def cancel_and_release(booking: Booking, now_epoch: int, updated_at: str,
                       mail: OutboxMail | None, extra=None) -> None:
    """Mark the booking cancelled and free its seat, if it is still booked and not started.
    `extra(steps)` adds writes of the same change (a closure's counts)."""
    seat = SeatRef(booking.mall_id, booking.service_id, booking.date, booking.start)

    def build(s):
        s.update("booking", booking, actions=[
            Booking.status.set("cancelled"), Booking.sequence.add(1),
            Booking.updated_at.set(updated_at), Booking.due_pk.remove(), Booking.due_sk.remove()],
            condition=(Booking.status == "booked") & (Booking.start_at > now_epoch)
            & (Booking.start == booking.start) & (Booking.date == booking.date))
        s.update("code", _claim(booking), actions=[CodeClaim.status.set("cancelled")])
        _release_seat(s, "seat", seat)
        s.delete("guard", BookingGuard(pk=citizen_pk(booking.nik_hash),
                                       sk=guard_key(seat.mall_id, seat.service_id, seat.date)),
                 condition=BookingGuard.booking_id == booking.booking_id)
        s.update("citizen", CitizenState(pk=citizen_pk(booking.nik_hash), sk="STATE"),
                 actions=[CitizenState.active[booking.booking_id].remove(),
                          CitizenState.version.add(1)])
        stats.step(s, booking.mall_id, booking.date, booking.service_id, cancellations=1)
        outbox.saved(s, mail)
        if extra is not None:
            extra(s)

    run(build)


def move_if_free(booking: Booking, mall, new: SeatRef, new_start_at: int, new_end_at: int,
                 new_end: str, capacity: int, now_epoch: int, updated_at: str,
                 mail: OutboxMail | None, arrival: tuple[str, str], extra=None,
                 why: str = "rescheduled") -> None:
    """Move a booking to another slot: take the new seat and free the old one, or nothing.

    Step names in a failure: catalog (changed since the decision), booking (changed or
    started meanwhile), seat (new slot full), guard (already booked that service on the
    new date). `extra(steps)` adds writes of the same move (a closure's counts); `why`
    names the old day's statistic (rescheduled or moved_by_closure).
    """
    old = SeatRef(booking.mall_id, booking.service_id, booking.date, booking.start)

    def build(s):
        catalog_unchanged(s, mall)
        s.update("booking", booking, actions=[
            Booking.date.set(new.date), Booking.start.set(new.start), Booking.end.set(new_end),
            Booking.start_at.set(new_start_at), Booking.end_at.set(new_end_at),
            Booking.sequence.add(1), Booking.updated_at.set(updated_at),
            Booking.due_pk.set(arrival[0]), Booking.due_sk.set(arrival[1]),
            Booking.expires_at.set(forget_at(new_end_at))],
            condition=(Booking.status == "booked") & (Booking.start_at > now_epoch)
            & (Booking.start == old.start) & (Booking.date == old.date))
        s.update("code", _claim(booking), actions=[
            CodeClaim.date.set(new.date), CodeClaim.start.set(new.start),
            CodeClaim.start_at.set(new_start_at), CodeClaim.expires_at.set(forget_at(new_end_at))])
        _take_seat(s, "seat", new, capacity)
        _release_seat(s, "old_seat", old)
        if new.date != old.date:
            s.delete("old_guard", BookingGuard(
                pk=citizen_pk(booking.nik_hash), sk=guard_key(old.mall_id, old.service_id,
                                                              old.date)),
                condition=BookingGuard.booking_id == booking.booking_id)
            s.save("guard", BookingGuard(pk=citizen_pk(booking.nik_hash),
                                         sk=guard_key(new.mall_id, new.service_id, new.date),
                                         booking_id=booking.booking_id,
                                         expires_at=forget_at(new_end_at)),
                   condition=Item.pk.does_not_exist())
        s.update("citizen", CitizenState(pk=citizen_pk(booking.nik_hash), sk="STATE"),
                 actions=[CitizenState.active[booking.booking_id].set(new_end_at)])
        moved_in = {"moved": 1} if why == "moved_by_closure" else {}
        if new.date == old.date:
            stats.step(s, old.mall_id, old.date, old.service_id, bookings=1, **{why: 1},
                       **moved_in)
        else:
            stats.step(s, old.mall_id, new.date, old.service_id, "stats_new", bookings=1,
                       **moved_in)
            stats.step(s, old.mall_id, old.date, old.service_id, "stats_old", **{why: 1})
        outbox.saved(s, mail)
        if extra is not None:
            extra(s)

    run(build)
