"""The mall floor in DynamoDB: ticket numbers, tickets, the waiting queue and the counters.

Every guarantee is one conditional write or one transaction:
- a number is taken by one atomic ADD on the agency's day item; for a walk-in the same
  write counts it against the service's daily quota and fails when the quota is used up;
- a booking checks in once: its code item takes a ticket only while `booked` without one;
- a ticket is called by one counter: its waiting entry is deleted, on condition that it
  still exists, in the transaction that hands it to the counter;
- a counter holds one ticket at a time: its day item changes only at the version read;
- a no-show is put back in line once: its ticket changes only while a no-show, never
  re-queued, and within the grace time;
- a citizen is nudged once: the ticket's `nudged_at` is set only while unset and waiting.
Transactions raise `TransactionFailed` naming the steps whose condition failed.
"""
from __future__ import annotations

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.operand import Path

from chalicelib.store import stats
from chalicelib.store.bookings import (
    TransactionFailed,
    citizen_state_key,
    count_no_show,
    forget_at,
    run,
)
from chalicelib.store.kiosks import Kiosk, still_registered
from chalicelib.store.models import (
    BackEntry,
    Booking,
    CitizenState,
    CodeClaim,
    FloorAgency,
    FloorCounter,
    Item,
    StatsDay,
    Ticket,
    WaitingEntry,
)

ANNOUNCEMENTS_KEPT = 10  # distinct numbers per counter; the display merges them into "recent calls"

__all__ = ["TransactionFailed", "QuotaFull"]


class QuotaFull(Exception):
    """The service's walk-in quota for the day is used up."""


def floor_pk(mall_id: str, day: str) -> str:
    return f"FLOOR#{mall_id}#{day}"


def back_sk(ticket_number: str) -> str:
    return f"BACK#{ticket_number}"


def entry_sk(service_id: str, ticket_id: str) -> str:
    return f"W#{service_id}#T#{ticket_id}"


def _waiting(service_id: str) -> Path:
    return Path([f"waiting:{service_id}"])


def _walkins(service_id: str) -> Path:
    return Path([f"walkins:{service_id}"])


# --- numbers --------------------------------------------------------------------------------


def take_number(mall_id: str, day: str, agency_id: str, service_id: str,
                walkin_quota: int | None = None, atomic: bool = True) -> tuple[int, int]:
    """Take the agency's next ticket number of the day and join the service's queue count.

    With `walkin_quota` the same write counts a walk-in, only while fewer than the quota
    were issued (QuotaFull otherwise). Returns (number, tickets waiting before this one).
    `atomic=False` (read, then write) exists only for the race test's canary.
    """
    item = FloorAgency(pk=floor_pk(mall_id, day), sk=f"N#{agency_id}")
    if not atomic:
        try:
            seen = int(FloorAgency.get(item.pk, item.sk, consistent_read=True).seq)
        except FloorAgency.DoesNotExist:
            seen = 0
        item.update(actions=[FloorAgency.seq.set(seen + 1), FloorAgency.type.set(FloorAgency)])
        return seen + 1, 0
    actions = [FloorAgency.seq.add(1), FloorAgency.type.set(FloorAgency),
               _waiting(service_id).add(1)]
    condition = None
    if walkin_quota is not None:
        actions.append(_walkins(service_id).add(1))
        condition = _walkins(service_id).does_not_exist() | (_walkins(service_id) < walkin_quota)
    try:
        data = item.update(actions=actions, condition=condition)
    except UpdateError as e:
        if e.cause_response_code == "ConditionalCheckFailedException":
            raise QuotaFull() from e
        raise
    waiting = int(data["Attributes"][f"waiting:{service_id}"]["N"])
    return int(item.seq), max(waiting - 1, 0)


def give_back(mall_id: str, day: str, agency_id: str, service_id: str,
              walkin: bool = False) -> None:
    """Undo `take_number`'s counts when the ticket could not be written (the number itself
    stays skipped, as a torn-off paper ticket would)."""
    actions = [_waiting(service_id).add(-1)]
    if walkin:
        actions.append(_walkins(service_id).add(-1))
    FloorAgency(pk=floor_pk(mall_id, day), sk=f"N#{agency_id}").update(actions=actions)


def agency_counts(mall_id: str, day: str) -> dict[str, dict[str, int]]:
    """Per service: {"walkins": issued today, "waiting": waiting now}. One Query."""
    raw = Item._get_connection().query(floor_pk(mall_id, day),
                                       range_key_condition=Item.sk.startswith("N#"),
                                       consistent_read=True)
    counts: dict[str, dict[str, int]] = {}
    for item in raw.get("Items", []):
        for name, value in item.items():
            kind, _, service_id = name.partition(":")
            if kind in ("walkins", "waiting") and service_id and "N" in value:
                counts.setdefault(service_id, {"walkins": 0, "waiting": 0})[kind] = \
                    int(value["N"])
    return counts


# --- reads ----------------------------------------------------------------------------------


def get_ticket(ticket_id: str) -> Ticket | None:
    try:
        return Ticket.get(f"TICKET#{ticket_id}", "TICKET", consistent_read=True)
    except Ticket.DoesNotExist:
        return None


def back_entries(mall_id: str, day: str) -> list[BackEntry]:
    """The day's no-shows that may be put back in line: one Query (BACK#...)."""
    return list(BackEntry.query(floor_pk(mall_id, day), Item.sk.startswith("BACK#"),
                                consistent_read=True))


def back_entry(mall_id: str, day: str, ticket_number: str) -> BackEntry | None:
    try:
        return BackEntry.get(floor_pk(mall_id, day), back_sk(ticket_number),
                             consistent_read=True)
    except BackEntry.DoesNotExist:
        return None


def get_claim(code: str) -> CodeClaim | None:
    try:
        return CodeClaim.get(f"CODE#{code}", "CODE", consistent_read=True)
    except CodeClaim.DoesNotExist:
        return None


def counters_today(mall_id: str, day: str) -> list[FloorCounter]:
    """Every counter that has called today: what the TV shows. One Query."""
    return list(FloorCounter.query(floor_pk(mall_id, day), Item.sk.startswith("C#"),
                                   consistent_read=True))


def counter_and_queue(mall_id: str, day: str, counter_id: str
                      ) -> tuple[FloorCounter | None, list[WaitingEntry]]:
    """This counter's day and every waiting ticket of the mall: one Query over the key
    range that starts at the counter's item (C#<id> sorts before N# and W#)."""
    state, waiting = None, []
    for item in Item.query(floor_pk(mall_id, day), Item.sk >= f"C#{counter_id}",
                           consistent_read=True):
        if isinstance(item, WaitingEntry):
            waiting.append(item)
        elif isinstance(item, FloorCounter) and item.counter_id == counter_id:
            state = item
    return state, waiting


def floor_now(mall_id: str, day: str) -> tuple[list[FloorCounter], list[WaitingEntry]]:
    """The counters' day items and every waiting ticket of the mall (what the TV shows):
    one Query over the range from C# (C# sorts before N# and W#)."""
    counters, waiting = [], []
    for item in Item.query(floor_pk(mall_id, day), Item.sk >= "C#", consistent_read=True):
        if isinstance(item, WaitingEntry):
            waiting.append(item)
        elif isinstance(item, FloorCounter):
            counters.append(item)
    return counters, waiting


def service_queue(mall_id: str, day: str, service_id: str) -> list[WaitingEntry]:
    """A service's waiting tickets: one Query (W#<service>#...)."""
    return [item for item in Item.query(floor_pk(mall_id, day),
                                        Item.sk.startswith(f"W#{service_id}#"),
                                        consistent_read=True)
            if isinstance(item, WaitingEntry)]


def floor_day(mall_id: str, day: str) -> tuple[list[FloorCounter], list[WaitingEntry]]:
    """The mall's floor today: every counter's day and every waiting ticket, in one Query
    over the floor partition (C#, N# and W# items)."""
    counters, waiting = [], []
    for item in Item.query(floor_pk(mall_id, day), consistent_read=True):
        if isinstance(item, WaitingEntry):
            waiting.append(item)
        elif isinstance(item, FloorCounter):
            counters.append(item)
    return counters, waiting


def service_days(mall_id: str, day: str, service_ids) -> dict[str, StatsDay]:
    """Several services' statistics of the day, by service id: one BatchGetItem."""
    keys = [stats.key(mall_id, day, sid) for sid in sorted(set(service_ids))]
    if not keys:
        return {}
    return {item.service_id: item
            for item in StatsDay.batch_get(keys, consistent_read=True)}


def service_day(mall_id: str, day: str, service_id: str) -> StatsDay | None:
    """The service's statistics of the day (its served count and service time)."""
    try:
        return StatsDay.get(*stats.key(mall_id, day, service_id), consistent_read=True)
    except StatsDay.DoesNotExist:
        return None


# --- writes ---------------------------------------------------------------------------------


def _entry_for(ticket: Ticket, **fields) -> WaitingEntry:
    entry = WaitingEntry(
        pk=floor_pk(ticket.mall_id, ticket.date), sk=entry_sk(ticket.service_id, ticket.ticket_id),
        ticket_id=ticket.ticket_id, ticket_number=ticket.ticket_number,
        number=ticket.number, service_id=ticket.service_id, agency_id=ticket.agency_id,
        kind=ticket.kind, priority=ticket.priority, arrived_at=ticket.arrived_at,
        slot_start_at=ticket.slot_start_at, issued_at=ticket.issued_at,
        booking_id=ticket.booking_id)
    for name, value in fields.items():
        setattr(entry, name, value)
    return entry


def _new_ticket(s, ticket: Ticket) -> None:
    ticket.expires_at = forget_at(int(ticket.issued_at))  # the statistics keep the numbers
    s.save("ticket", ticket, condition=Item.pk.does_not_exist())
    s.save("entry", _entry_for(ticket))


def check_in_once(ticket: Ticket, claim: CodeClaim, kiosk: Kiosk, updated_at: str,
                  once: bool = True, hour: int | None = None) -> None:
    """The booking behind `claim` becomes checked in with this new ticket, or nothing.

    Failed steps: code (already checked in, or changed since it was read), booking (changed
    meanwhile), kiosk (revoked), ticket (id collision). `once=False` drops the conditions
    that make it once; it exists only for the race test's canary.
    """
    def build(s):
        still_registered(s, kiosk)
        same = ((CodeClaim.status == "booked") & CodeClaim.ticket_id.does_not_exist()
                & (CodeClaim.date == claim.date) & (CodeClaim.start == claim.start))
        s.update("code", CodeClaim(pk=claim.pk, sk=claim.sk), actions=[
            CodeClaim.status.set("checked_in"), CodeClaim.ticket_id.set(ticket.ticket_id)],
            condition=same if once else None)
        s.update("booking", Booking(pk=f"ACCOUNT#{claim.account_id}",
                                    sk=f"BOOKING#{claim.booking_id}"), actions=[
            Booking.status.set("checked_in"), Booking.ticket_id.set(ticket.ticket_id),
            Booking.updated_at.set(updated_at), Booking.due_pk.remove(), Booking.due_sk.remove()],
            condition=((Booking.status == "booked") & (Booking.date == claim.date)
                       & (Booking.start == claim.start)) if once else None)
        _new_ticket(s, ticket)
        stats.step(s, ticket.mall_id, ticket.date, ticket.service_id, checkins=1, hour=hour)

    run(build)


def walk_in(ticket: Ticket, kiosk: Kiosk | None, extra=None, hour: int | None = None) -> None:
    """Write a walk-in's ticket and queue entry (the quota was taken with the number);
    `extra(steps)` adds writes of the same walk-in (a hall QR token's use)."""
    def build(s):
        if kiosk is not None:
            still_registered(s, kiosk)
        if extra is not None:
            extra(s)
        _new_ticket(s, ticket)
        stats.step(s, ticket.mall_id, ticket.date, ticket.service_id, walkins=1, hour=hour)

    run(build)


def _announced(state: FloorCounter | None, entry: dict) -> list[dict]:
    """The counter's last announcements with `entry` last: a recall replaces the number's
    earlier announcement, so the list holds distinct numbers (the TV's earlier calls)."""
    kept = list(state.announcements) if state is not None and state.announcements else []
    kept = [a for a in kept if a.get("number") != entry["number"]]
    return (kept + [entry])[-ANNOUNCEMENTS_KEPT:]


def _counter_item(mall_id: str, day: str, counter_id: str) -> FloorCounter:
    return FloorCounter(pk=floor_pk(mall_id, day), sk=f"C#{counter_id}")


def _at_version(state: FloorCounter | None):
    if state is None:
        return FloorCounter.pk.does_not_exist()
    return FloorCounter.version == int(state.version)


def call(mall_id: str, day: str, counter_id: str, state: FloorCounter | None,
         entry: WaitingEntry, agency_id: str, now: int, streak: int, announcement: dict,
         once: bool = True, hour: int | None = None) -> None:
    """Hand the waiting ticket to the counter: one transaction.

    Failed steps: entry (another counter called it first), counter (this counter changed
    since it was read, e.g. a double click), ticket (not waiting any more). `once=False`
    drops the conditions that make a ticket called once: only for the race test's canary.
    """
    def build(s):
        s.delete("entry", entry, condition=Item.pk.exists() if once else None)
        s.update("ticket", Ticket(pk=f"TICKET#{entry.ticket_id}", sk="TICKET"), actions=[
            Ticket.status.set("called"), Ticket.counter_id.set(counter_id),
            Ticket.called_at.set(now), Ticket.last_called_at.set(now), Ticket.recalls.set(0)],
            condition=(Ticket.status == "waiting") if once else None)
        s.update("counter", _counter_item(mall_id, day, counter_id), actions=[
            FloorCounter.type.set(FloorCounter), FloorCounter.counter_id.set(counter_id),
            FloorCounter.current_ticket_id.set(entry.ticket_id),
            FloorCounter.current_number.set(entry.ticket_number),
            FloorCounter.current_service_id.set(entry.service_id),
            FloorCounter.current_status.set("called"), FloorCounter.called_at.set(now),
            FloorCounter.recalls.set(0), FloorCounter.streak.set(streak),
            FloorCounter.announcements.set(_announced(state, announcement)),
            FloorCounter.version.set(int(state.version) + 1 if state else 1)],
            condition=_at_version(state))
        s.update("agency", FloorAgency(pk=floor_pk(mall_id, day), sk=f"N#{agency_id}"),
                 actions=[_waiting(entry.service_id).add(-1)])
        stats.step(s, mall_id, day, entry.service_id,
                   timings={"wait": now - int(entry.arrived_at)}, hour=hour)

    run(build)


def recall(ticket: Ticket, state: FloorCounter, now: int, announcement: dict) -> None:
    """Announce the called ticket again. Failed steps: ticket (not called at this counter),
    counter (changed meanwhile)."""
    def build(s):
        s.update("ticket", ticket, actions=[Ticket.recalls.add(1),
                                            Ticket.last_called_at.set(now)],
                 condition=(Ticket.status == "called") & (Ticket.counter_id == ticket.counter_id))
        s.update("counter", state, actions=[
            FloorCounter.recalls.add(1), FloorCounter.called_at.set(now),
            FloorCounter.announcements.set(_announced(state, announcement)),
            FloorCounter.version.add(1)],
            condition=(FloorCounter.version == int(state.version))
            & (FloorCounter.current_ticket_id == ticket.ticket_id))

    run(build)


def staff_counter(mall_id: str, day: str, counter_id: str, staff_id: str,
                  staff_name: str, now: int) -> None:
    """Staff open the counter (their name on the picker), taking it over from whoever held
    it. One update; the version moves so that a call read before it reads again."""
    _counter_item(mall_id, day, counter_id).update(actions=[
        FloorCounter.type.set(FloorCounter), FloorCounter.counter_id.set(counter_id),
        FloorCounter.version.add(1), FloorCounter.staff_id.set(staff_id),
        FloorCounter.staff_name.set(staff_name), FloorCounter.opened_at.set(now)])


def leave_counter_of(mall_id: str, day: str, counter_id: str, staff_id: str) -> bool:
    """The staff member leaves the counter, which is free again: one conditional update,
    only while they hold it (or nobody does), so leaving a counter another member has
    taken over meanwhile does not take their name off it. False when someone else holds it."""
    try:
        _counter_item(mall_id, day, counter_id).update(
            actions=[FloorCounter.type.set(FloorCounter), FloorCounter.counter_id.set(counter_id),
                     FloorCounter.version.add(1), FloorCounter.staff_id.remove(),
                     FloorCounter.staff_name.remove(), FloorCounter.opened_at.remove(),
                     FloorCounter.on_break.set(False), FloorCounter.break_since.remove()],
            condition=FloorCounter.staff_id.does_not_exist() | (FloorCounter.staff_id == staff_id))
    except UpdateError as e:
        if e.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    return True


def set_break(mall_id: str, day: str, counter_id: str, on: bool, now: int) -> bool:
    """A break starts only while the counter holds no ticket (one conditional update);
    False when it holds one."""
    item = _counter_item(mall_id, day, counter_id)
    actions = [FloorCounter.type.set(FloorCounter), FloorCounter.counter_id.set(counter_id),
               FloorCounter.on_break.set(on), FloorCounter.version.add(1)]
    if not on:
        item.update(actions=actions + [FloorCounter.break_since.remove()])
        return True
    try:
        item.update(actions=actions + [FloorCounter.break_since.set(now)],
                    condition=FloorCounter.current_ticket_id.does_not_exist())
    except UpdateError as e:
        if e.cause_response_code != "ConditionalCheckFailedException":
            raise
        return False
    return True


def start(ticket: Ticket, now: int) -> None:
    def build(s):
        s.update("ticket", ticket, actions=[Ticket.status.set("serving"),
                                            Ticket.started_at.set(now)],
                 condition=Ticket.status == "called")
        s.update("counter", _counter_item(ticket.mall_id, ticket.date, ticket.counter_id),
                 actions=[FloorCounter.current_status.set("serving"), FloorCounter.version.add(1)],
                 condition=FloorCounter.current_ticket_id == ticket.ticket_id)

    run(build)


def _free_counter(s, ticket: Ticket, now: int) -> None:
    s.update("counter", _counter_item(ticket.mall_id, ticket.date, ticket.counter_id), actions=[
        FloorCounter.current_ticket_id.remove(), FloorCounter.current_number.remove(),
        FloorCounter.current_service_id.remove(), FloorCounter.current_status.remove(),
        FloorCounter.freed_at.set(now),
        FloorCounter.version.add(1)],
        condition=FloorCounter.current_ticket_id == ticket.ticket_id)


def _booking_becomes(s, ticket: Ticket, status: str, updated_at: str) -> None:
    if ticket.booking_id and ticket.account_id:
        s.update("booking", Booking(pk=f"ACCOUNT#{ticket.account_id}",
                                    sk=f"BOOKING#{ticket.booking_id}"),
                 actions=[Booking.status.set(status), Booking.updated_at.set(updated_at)],
                 condition=Booking.status == "checked_in")
        if status == "no_show":
            count_no_show(s, ticket.nik_hash, int(ticket.called_at or ticket.issued_at),
                          ticket.mall_id)


def finish(ticket: Ticket, now: int, updated_at: str) -> None:
    def build(s):
        s.update("ticket", ticket, actions=[Ticket.status.set("done"),
                                            Ticket.finished_at.set(now)],
                 condition=Ticket.status == "serving")
        _free_counter(s, ticket, now)
        stats.step(s, ticket.mall_id, ticket.date, ticket.service_id, served=1,
                   timings={"serve": now - int(ticket.started_at or now)},
                   desk=ticket.counter_id)
        _booking_becomes(s, ticket, "served", updated_at)

    run(build)


def no_show(ticket: Ticket, now: int, min_recalls: int, updated_at: str) -> None:
    def build(s):
        s.update("ticket", ticket, actions=[Ticket.status.set("no_show"),
                                            Ticket.finished_at.set(now)],
                 condition=(Ticket.status == "called") & (Ticket.recalls >= min_recalls))
        _free_counter(s, ticket, now)
        stats.step(s, ticket.mall_id, ticket.date, ticket.service_id, no_shows=1)
        _booking_becomes(s, ticket, "no_show", updated_at)
        if not ticket.requeued_at:  # it may come back once: the counter and kiosk find it
            s.save("back", BackEntry(
                pk=floor_pk(ticket.mall_id, ticket.date), sk=back_sk(ticket.ticket_number),
                ticket_id=ticket.ticket_id, ticket_number=ticket.ticket_number,
                service_id=ticket.service_id, no_show_at=now, expires_at=now + 86400))

    run(build)


def no_show_mark(ticket: Ticket) -> str:
    """The mark `no_show` left in the citizen's no-show list (services.queue's policy)."""
    return f"{ticket.mall_id}#{int(ticket.called_at or ticket.issued_at)}"


def requeue(ticket: Ticket, now: int, not_before: int, booking: Booking | None,
            mark_at: int | None) -> None:
    """Put a no-show back in line, behind everyone waiting now, or nothing: the ticket
    waits again (only while a no-show, never re-queued, marked at or after `not_before`),
    its new waiting entry arrives `now`, the day counts it `requeued` and no longer a
    no-show, and a booked citizen's booking and no-show mark (its index `mark_at` in the
    citizen's list, `None` when there is none) are undone.

    Failed steps: ticket (not a no-show, re-queued already, or too late), booking (changed
    meanwhile), no_shows (the citizen's list changed since it was read)."""
    def build(s):
        s.update("ticket", ticket, actions=[
            Ticket.status.set("waiting"), Ticket.requeued_at.set(now),
            Ticket.counter_id.remove(), Ticket.finished_at.remove(), Ticket.nudged_at.remove()],
            condition=(Ticket.status == "no_show") & Ticket.requeued_at.does_not_exist()
            & (Ticket.finished_at >= not_before))
        s.delete("back", BackEntry(pk=floor_pk(ticket.mall_id, ticket.date),
                                   sk=back_sk(ticket.ticket_number)))
        s.save("entry", _entry_for(ticket, arrived_at=now, requeued=True))
        s.update("agency", FloorAgency(pk=floor_pk(ticket.mall_id, ticket.date),
                                       sk=f"N#{ticket.agency_id}"),
                 actions=[_waiting(ticket.service_id).add(1)])
        stats.step(s, ticket.mall_id, ticket.date, ticket.service_id, no_shows=-1, requeued=1)
        if booking is not None:
            s.update("booking", booking, actions=[Booking.status.set("checked_in")],
                     condition=Booking.status == "no_show")
        if mark_at is not None:
            path = CitizenState.mall_no_shows[mark_at]
            s.update("no_shows", CitizenState(*citizen_state_key(ticket.nik_hash)),
                     actions=[path.remove()], condition=path == no_show_mark(ticket))

    run(build)


def nudge_once(ticket_id: str, mall_id: str, day: str, service_id: str, now: int,
               mail=None) -> bool:
    """Record that the citizen was told their turn is near, with the SMS to send (an outbox
    item whose id the ticket gives, so it is written once however often this runs): one
    transaction, only while the ticket waits and was not nudged. False when it was, or was
    called meanwhile; an SMS written before (a re-queued ticket's) is not written again."""
    def build(s, with_mail):
        s.update("ticket", Ticket(pk=f"TICKET#{ticket_id}", sk="TICKET"),
                 actions=[Ticket.nudged_at.set(now)],
                 condition=(Ticket.status == "waiting") & Ticket.nudged_at.does_not_exist())
        s.update("entry", WaitingEntry(pk=floor_pk(mall_id, day),
                                       sk=entry_sk(service_id, ticket_id)),
                 actions=[WaitingEntry.nudged.set(True)], condition=Item.pk.exists())
        if with_mail:
            s.save("mail", mail, condition=Item.pk.does_not_exist())

    try:
        run(lambda s: build(s, mail is not None))
        return True
    except TransactionFailed as e:
        if mail is None or e.failed != {"mail"}:
            return False
    try:
        run(lambda s: build(s, False))
        return True
    except TransactionFailed:
        return False


def transfer(ticket: Ticket, new: Ticket, counted: bool) -> None:
    """End `ticket` as transferred and queue `new` in its place, or nothing. `counted`:
    the new service's waiting count was already raised (a number was taken for it)."""
    def build(s):
        s.update("ticket", ticket, actions=[
            Ticket.status.set("transferred"), Ticket.transferred_to.set(new.ticket_id),
            Ticket.finished_at.set(new.issued_at)],
            condition=Ticket.status.is_in("called", "serving"))
        _free_counter(s, ticket, int(new.issued_at))
        _new_ticket(s, new)
        if not counted:
            s.update("agency", FloorAgency(pk=floor_pk(new.mall_id, new.date),
                                           sk=f"N#{new.agency_id}"),
                     actions=[_waiting(new.service_id).add(1)])

    run(build)
