"""The queue on the mall floor: counters call tickets, staff move them along, the TV shows
the calls, a citizen follows a ticket on the phone, and a sweep marks the no-shows.

Which ticket a counter calls is `domain.queue`'s decision; that each ticket is called by
exactly one counter is `store.floor.call`'s (one conditional transaction).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
import re
import secrets
from datetime import datetime, timedelta

from chalicelib import config
from chalicelib.domain import queue, schedule, waits
from chalicelib.errors import (
    Busy,
    CounterBusy,
    NotFound,
    RequeueNotNoShow,
    RequeueTooLate,
    RequeueUsed,
    TicketNotChangeable,
)
from chalicelib.i18n import Text
from chalicelib.services.auth import Principal, require_role
from chalicelib.services import nudge
from chalicelib.services.catalog import catalog_of, refuse_retired
from chalicelib.store import bookings as booking_store
from chalicelib.store import catalog as catalog_store
from chalicelib.store import floor as store
from chalicelib.store.bookings import TransactionFailed
from chalicelib.store.models import FloorCounter, Ticket, WaitingEntry

log = logging.getLogger(__name__)

CALL_ATTEMPTS = 12  # candidates tried when other counters take them first
RECENT_CALLS = 10
_TICKET_ID = re.compile(r"[A-Za-z0-9_-]{16,40}")


def new_ticket_id() -> str:
    """Unguessable (128 random bits): the id alone opens the ticket's page, without login."""
    return secrets.token_urlsafe(16)


def is_ticket_id(value: str) -> bool:
    return bool(_TICKET_ID.fullmatch(value or ""))


def iso(epoch, mall) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(int(epoch), mall.tz).isoformat(timespec="seconds")


def today(mall, now: datetime) -> str:
    return schedule.local_today(mall, now).isoformat()


# --- the ticket as answered to kiosks, staff and the citizen ---------------------------------


def requeue_until(ticket: Ticket, mall, now: datetime | None = None) -> int | None:
    """Until when (epoch) this no-show may be put back in line, or None: never re-queued
    before, within the mall's grace time (as of `now` when given)."""
    if ticket.status != "no_show" or ticket.requeued_at or not ticket.finished_at \
            or mall.requeue_grace_minutes <= 0:
        return None
    until = int(ticket.finished_at) + 60 * mall.requeue_grace_minutes
    return None if now is not None and int(now.timestamp()) > until else until


def ticket_view(ticket: Ticket, catalog, wait: waits.Estimate | None = None,
                now: datetime | None = None) -> dict:
    mall = catalog.mall
    service = catalog.services.get(ticket.service_id)
    agency = catalog.agencies.get(ticket.agency_id)
    counter = catalog.counters.get(ticket.counter_id) if ticket.counter_id else None
    waiting = ticket.status == "waiting"
    return {
        "ticket_id": ticket.ticket_id, "ticket_number": ticket.ticket_number,
        "service_id": ticket.service_id, "service_name": service.name if service else "",
        "agency_name": agency.name if agency else "", "status": ticket.status,
        "people_ahead": wait.ahead if waiting and wait else 0,
        "estimated_wait_minutes": wait.low_minutes if waiting and wait else None,
        "estimated_wait_max_minutes": wait.high_minutes if waiting and wait else None,
        "estimated_call_at": iso(wait.called_at, mall) if waiting and wait else None,
        # no staffed counter serves this service now: no estimate, and the page says why
        "no_counter_open": bool(waiting and wait and wait.called_at is None),
        "slot_start": iso(ticket.slot_start_at, mall),
        # booked and early: called from the slot's start, which the ticket says
        "waits_for_slot": bool(waiting and wait and wait.for_slot),
        "counter_id": ticket.counter_id, "counter_name": counter.name if counter else None,
        "recalls": int(ticket.recalls or 0),
        "booking_id": ticket.booking_id, "kind": ticket.kind, "priority": bool(ticket.priority),
        "mall_id": ticket.mall_id, "mall_name": mall.name, "date": ticket.date,
        "issued_at": iso(ticket.issued_at, mall), "called_at": iso(ticket.called_at, mall),
        "transferred_to": ticket.transferred_to, "follow_url": follow_url(ticket.ticket_id),
        # told once that its turn is near (the page's banner, sound and title)
        "nudge": bool(waiting and ticket.nudged_at),
        "requeued": bool(ticket.requeued_at),
        "requeue_until": iso(requeue_until(ticket, mall, now), mall),
    }


def named(view: dict, lang: str) -> dict:
    """A ticket view with its service named for a reader of `lang` (English where the
    catalog has it), as the service list and the walk-in services are."""
    if view and lang != "id":
        service = catalog_of(view["mall_id"]).services.get(view["service_id"])
        if service is not None:
            view["service_name"] = service.name_in(lang)
    return view


def follow_url(ticket_id: str) -> str:
    """The ticket's page, which the QR printed on the ticket opens."""
    return f"{config.get().public_base_url.rstrip('/')}/ticket#{ticket_id}"


def ticket_qr(ticket_id: str) -> str:
    from chalicelib.mail.qr import qr_svg

    if not is_ticket_id(ticket_id) or store.get_ticket(ticket_id) is None:
        raise NotFound("ticket.not_found")
    return qr_svg(follow_url(ticket_id))


def _waiting(entries: list[WaitingEntry]) -> list[queue.Waiting]:
    return [queue.Waiting(e.ticket_id, e.service_id, e.kind, bool(e.priority),
                          int(e.arrived_at), int(e.slot_start_at) if e.slot_start_at else None,
                          e.ticket_number, int(e.number), bool(e.requeued))
            for e in entries]


STAFFED_IDLE_MINUTES = 30  # a counter that neither called nor finished for this long is unstaffed
CALL_SECONDS = 90  # a call's own time before service starts: walking up, recalls, a no-show


def _service_seconds(stats, service, counters: int) -> float:
    """One citizen's time at a counter, call included: today's mean service time once three
    citizens were served; before that, what the catalog's capacity implies per counter."""
    if stats is not None and int(stats.serve_count) >= 3:
        return int(stats.serve_seconds) / int(stats.serve_count) + CALL_SECONDS
    return waits.prior_service_seconds(service.slot_minutes, service.capacity, counters)


def _desks(catalog, states: list[FloorCounter], now: int,
           seconds: dict[str, float]) -> list[waits.Desk]:
    """The counters staffed now, each free when its current ticket should be done."""
    desks = []
    for state in states:
        counter = catalog.counters.get(state.counter_id)
        # on a break: nobody calls from it until it resumes (the TV says so too)
        last_active = max(int(state.called_at or 0), int(state.freed_at or 0),
                          int(state.opened_at or 0) if state.staff_id else 0) or None
        if counter is None or state.on_break or not waits.staffed(
                last_active, bool(state.current_ticket_id), now, STAFFED_IDLE_MINUTES):
            continue
        free_at = now
        if state.current_ticket_id and state.called_at:
            free_at = int(state.called_at) + int(seconds.get(state.current_service_id, 0))
        desks.append(waits.Desk(counter.counter_id, frozenset(counter.service_ids),
                                max(free_at, now), int(state.streak or 0)))
    return desks


def floor_now(mall_id: str, day: str, catalog,
              now: datetime) -> Callable[[str], waits.Estimate]:
    """Estimates for the tickets of a floor from one read of it: one Query of the floor
    partition and one BatchGetItem of the day figures of the services its counters may
    call; each estimate after that is pure (the nudge after a call estimates several)."""
    epoch = int(now.timestamp())
    states, entries = store.floor_day(mall_id, day)
    waiting = _waiting(entries)
    services = {w.service_id for w in waiting} | {
        s.current_service_id for s in states if s.current_service_id}
    services = {sid for sid in services if sid in catalog.services}
    days = store.service_days(mall_id, day, services)
    seconds = {sid: _service_seconds(days.get(sid), catalog.services[sid],
                                     len(catalog.counters_serving(sid)))
               for sid in services}
    desks = _desks(catalog, states, epoch, seconds)
    return lambda ticket_id: waits.estimate(ticket_id, waiting, desks, seconds, epoch)


def wait_of(ticket: Ticket, catalog, now: datetime) -> waits.Estimate:
    """The ticket's estimate from the whole floor (`floor_now`'s two reads)."""
    return floor_now(ticket.mall_id, ticket.date, catalog, now)(ticket.ticket_id)


def follow(ticket_id: str, now: datetime, ticket: Ticket | None = None) -> dict:
    """A ticket with the people ahead and an estimated wait (public: the id is the secret).
    A GetItem (unless the ticket is given) and, while it waits, `wait_of`'s two reads."""
    if ticket is None:
        ticket = store.get_ticket(ticket_id) if is_ticket_id(ticket_id) else None
    if ticket is None:
        raise NotFound("ticket.not_found")
    catalog = catalog_of(ticket.mall_id)
    if ticket.status != "waiting":
        return ticket_view(ticket, catalog, now=now)
    wait = wait_of(ticket, catalog, now)
    if not ticket.nudged_at and nudge.tell_if_near(
            ticket.ticket_id, ticket.service_id, ticket.date, bool(ticket.booking_id), catalog,
            wait, now, ticket):
        ticket.nudged_at = int(now.timestamp())
    return ticket_view(ticket, catalog, wait=wait, now=now)


# --- counters --------------------------------------------------------------------------------


def _staff_catalog(principal: Principal):
    require_role(principal, "staff", "admin")
    return catalog_of(principal.mall_id)


def _counter(catalog, counter_id: str):
    counter = catalog.counters.get(counter_id)
    if counter is None:
        raise NotFound("counter.not_found")
    return counter


def _staffing(state: FloorCounter | None, principal: Principal, mall) -> dict:
    """Who works at a counter today and whether they are on a break (the picker, the desk)."""
    staffed = state is not None and bool(state.staff_id)
    return {"staff_name": state.staff_name if staffed else None,
            "mine": staffed and state.staff_id == principal.account_id,
            "opened_at": iso(state.opened_at, mall) if staffed else None,
            "on_break": bool(state is not None and state.on_break),
            "break_since": iso(state.break_since, mall) if state is not None else None}


def counters(principal: Principal, now: datetime) -> list[dict]:
    """The mall's counters, each with who works there today and whether on a break: the
    catalog and one Query of the counters' day items."""
    catalog = _staff_catalog(principal)
    states = {c.counter_id: c for c in store.counters_today(catalog.mall.mall_id,
                                                              today(catalog.mall, now))}
    return [{"counter_id": c.counter_id, "name": c.name, "service_ids": list(c.service_ids),
             **_staffing(states.get(c.counter_id), principal, catalog.mall)}
            for c in catalog.counters.values()]


def open_counter(principal: Principal, counter_id: str, now: datetime) -> dict:
    """Staff start working at this counter: the picker shows their name on it."""
    catalog = _staff_catalog(principal)
    counter = _counter(catalog, counter_id)
    account = principal.account
    name = (getattr(account, "name", "") or "") if account is not None else ""
    store.staff_counter(catalog.mall.mall_id, today(catalog.mall, now), counter.counter_id,
                        principal.account_id, name or principal.account_id, int(now.timestamp()))
    return counter_state(principal, counter_id, now)


def leave_counter(principal: Principal, counter_id: str, now: datetime) -> dict:
    """Staff leave this counter (another counter, or logging out): it is free again,
    unless another member holds it now."""
    catalog = _staff_catalog(principal)
    counter = _counter(catalog, counter_id)
    # someone who took the counter over meanwhile keeps it (the answer says who holds it)
    store.leave_counter_of(catalog.mall.mall_id, today(catalog.mall, now), counter.counter_id,
                           principal.account_id)
    return counter_state(principal, counter_id, now)


def set_break(principal: Principal, counter_id: str, on: bool, now: datetime) -> dict:
    """A break (the TV says so, call-next is refused) or the end of one. A counter holding
    a ticket finishes it first."""
    catalog = _staff_catalog(principal)
    counter = _counter(catalog, counter_id)
    if not store.set_break(catalog.mall.mall_id, today(catalog.mall, now), counter.counter_id,
                           on, int(now.timestamp())):
        state = next((c for c in store.counters_today(catalog.mall.mall_id,
                                                      today(catalog.mall, now))
                      if c.counter_id == counter.counter_id), None)
        raise CounterBusy("counter.busy", number=state.current_number if state else "")
    return counter_state(principal, counter_id, now)


QUEUE_SHOWN = 10


def _queued(w: queue.Waiting, catalog, now: int, lang: str) -> dict:
    """A waiting ticket as the counter lists it: how long it has waited and what it is."""
    service = catalog.services.get(w.service_id)
    return {"ticket_number": w.ticket_number, "service_id": w.service_id,
            "service_name": service.name_in(lang) if service else "",
            "kind": w.kind, "priority": w.priority,
            "slot_start": (datetime.fromtimestamp(w.slot_start_at, catalog.mall.tz)
                           .strftime("%H:%M") if w.slot_start_at else None),
            "arrived_at": iso(w.arrived_at, catalog.mall),
            "waited_minutes": max(now - w.arrived_at, 0) // 60}


def counter_state(principal: Principal, counter_id: str, now: datetime,
                  lang: str = "id") -> dict:
    """What the counter page shows: the counter's current ticket and who waits for it."""
    catalog = _staff_catalog(principal)
    counter = _counter(catalog, counter_id)
    day = today(catalog.mall, now)
    state, entries = store.counter_and_queue(catalog.mall.mall_id, day, counter_id)
    waiting = [w for w in _waiting(entries) if w.service_id in counter.service_ids]
    current = None
    if state is not None and state.current_ticket_id:
        ticket = store.get_ticket(state.current_ticket_id)
        current = named(ticket_view(ticket, catalog), lang) if ticket else None
    epoch = int(now.timestamp())
    ordered = queue.in_order(waiting, epoch)
    return {"counter_id": counter.counter_id, "name": counter.name,
            "service_ids": list(counter.service_ids), "date": day, "current": current,
            "waiting": len(waiting),
            "waiting_by_service": {sid: sum(1 for w in waiting if w.service_id == sid)
                                   for sid in counter.service_ids},
            "next": [w.ticket_number for w in ordered[:5]],
            "queue": [_queued(w, catalog, epoch, lang)
                      for w in ordered[:QUEUE_SHOWN]],
            # the page offers "no-show" once the ticket was recalled this often
            "recalls_before_no_show": catalog.mall.recalls_before_no_show,
            **_staffing(state, principal, catalog.mall)}


def _announcement(counter_id: str, state: FloorCounter | None, number: str, now: int,
                  kind: str) -> dict:
    version = int(state.version) + 1 if state is not None else 1
    return {"id": f"{counter_id}.{now}.{version}", "number": number, "at": now, "kind": kind}


def call_next(principal: Principal, counter_id: str, now: datetime,
              once: bool = True) -> dict | None:
    """Call the next ticket for this counter (`domain.queue` decides which), or None when
    nobody waits for its services. When another counter takes the chosen ticket first, the
    next candidate is tried; a counter still holding a ticket must finish it first.
    `once=False` exists only for the race test's canary."""
    catalog = _staff_catalog(principal)
    counter = _counter(catalog, counter_id)
    mall_id, day, epoch = catalog.mall.mall_id, today(catalog.mall, now), int(now.timestamp())
    attempts = 0
    while attempts < CALL_ATTEMPTS:
        state, entries = store.counter_and_queue(mall_id, day, counter_id)
        if state is not None and state.current_ticket_id:
            raise CounterBusy("counter.busy", number=state.current_number)
        if state is not None and state.on_break:
            raise CounterBusy("counter.on_break", counter=counter.name)
        by_id = {e.ticket_id: e for e in entries}
        waiting, streak = _waiting(entries), int(state.streak) if state else 0
        while attempts < CALL_ATTEMPTS:
            chosen = queue.next_ticket(waiting, counter.service_ids, epoch, streak)
            if chosen is None:
                return None
            attempts += 1
            entry = by_id[chosen.ticket_id]
            service = catalog.services.get(entry.service_id)
            try:
                store.call(mall_id, day, counter_id, state, entry,
                           service.agency_id if service else "", epoch,
                           queue.streak_after(chosen, streak),
                           _announcement(counter_id, state, entry.ticket_number, epoch, "call"),
                           once, hour=datetime.fromtimestamp(epoch, catalog.mall.tz).hour)
            except TransactionFailed as e:
                if "counter" in e.failed or any(":" in step for step in e.failed):
                    break  # this counter changed (or a conflict): read again
                waiting = [w for w in waiting if w.ticket_id != chosen.ticket_id]
                continue  # another counter took it: try the next one
            called = ticket_view(_called(entry, mall_id, day, counter_id, epoch), catalog)
            _nudge_pool(catalog, counter, [e for e in entries if e is not entry], day, now)
            return called
    raise Busy()


def _nudge_pool(catalog, counter, entries: list[WaitingEntry], day: str,
                now: datetime) -> None:
    """After a call, tell the first few waiting citizens of this counter's pool whose turn
    is near (services.nudge). Bounded: `nudge.lookahead` tickets in calling order, those
    nudged already skipped without a read, and it stops at the first whose turn is not near.
    A failure here never fails the call."""
    by_id = {e.ticket_id: e for e in entries}
    pool = [w for w in _waiting(entries) if w.service_id in counter.service_ids]
    try:
        first = [w for w in queue.in_order(pool, int(now.timestamp()))[
            :nudge.lookahead(catalog.mall)] if not by_id[w.ticket_id].nudged]
        if not first:
            return  # everyone near the front was told already: no read at all
        estimate = floor_now(catalog.mall.mall_id, day, catalog, now)  # one read for them all
        for w in first:
            entry = by_id[w.ticket_id]
            wait = estimate(w.ticket_id)
            if not nudge.near(wait, catalog.mall, now):
                break
            nudge.tell_if_near(w.ticket_id, w.service_id, day, bool(entry.booking_id),
                               catalog, wait, now)
    except Exception:  # the call is made; the ticket's next view nudges instead
        log.exception("nudging after a call at %s failed", counter.counter_id)


def _called(entry: WaitingEntry, mall_id: str, day: str, counter_id: str, now: int) -> Ticket:
    """The ticket as the call left it, from its waiting entry (no read needed)."""
    return Ticket(ticket_id=entry.ticket_id, mall_id=mall_id, date=day,
                  agency_id=entry.agency_id, service_id=entry.service_id,
                  number=int(entry.number), ticket_number=entry.ticket_number,
                  kind=entry.kind, priority=bool(entry.priority), status="called",
                  booking_id=entry.booking_id, counter_id=counter_id, recalls=0,
                  arrived_at=int(entry.arrived_at), slot_start_at=entry.slot_start_at,
                  issued_at=int(entry.issued_at or entry.arrived_at), called_at=now)


def _staff_ticket(principal: Principal, ticket_id: str):
    catalog = _staff_catalog(principal)
    ticket = store.get_ticket(ticket_id) if is_ticket_id(ticket_id) else None
    if ticket is None or ticket.mall_id != catalog.mall.mall_id:
        raise NotFound("ticket.not_found")
    return catalog, ticket


def _not_changeable(ticket: Ticket) -> TicketNotChangeable:
    return TicketNotChangeable("ticket.not_changeable", number=ticket.ticket_number,
                               status=Text(f"ticket_status.{ticket.status}"))


def _change(principal, ticket_id, allowed: tuple[str, ...], write,
            result: str | None = None) -> dict:
    """Apply `write(catalog, ticket)` to a ticket in one of the `allowed` states; a ticket
    that moved on meanwhile answers 409 with its new state. A ticket already in the
    `result` state answers as if this had done it: the same press again (after an answer
    lost on the way, or a double tap) is not an error."""
    catalog, ticket = _staff_ticket(principal, ticket_id)
    if result is not None and ticket.status == result:
        return ticket_view(ticket, catalog)
    if ticket.status not in allowed:
        raise _not_changeable(ticket)
    try:
        result = write(catalog, ticket)
    except TransactionFailed:
        fresh = store.get_ticket(ticket_id)
        raise _not_changeable(fresh or ticket) from None
    return result or ticket_view(store.get_ticket(ticket_id), catalog)


def recall(principal: Principal, ticket_id: str, now: datetime) -> dict:
    epoch = int(now.timestamp())

    def write(catalog, ticket):
        state = next((c for c in store.counters_today(ticket.mall_id, ticket.date)
                      if c.counter_id == ticket.counter_id), None)
        if state is None:
            raise _not_changeable(ticket)
        store.recall(ticket, state, epoch,
                     _announcement(ticket.counter_id, state, ticket.ticket_number, epoch, "recall"))

    return _change(principal, ticket_id, ("called",), write)


def start(principal: Principal, ticket_id: str, now: datetime) -> dict:
    return _change(principal, ticket_id, ("called",),
                   lambda catalog, ticket: store.start(ticket, int(now.timestamp())),
                   result="serving")


def finish(principal: Principal, ticket_id: str, now: datetime) -> dict:
    return _change(principal, ticket_id, ("serving",), lambda catalog, ticket: store.finish(
        ticket, int(now.timestamp()), now.isoformat(timespec="seconds")), result="done")


def no_show(principal: Principal, ticket_id: str, now: datetime) -> dict:
    def write(catalog, ticket):
        needed = catalog.mall.recalls_before_no_show
        if int(ticket.recalls) < needed:
            raise TicketNotChangeable("ticket.recall_first", number=ticket.ticket_number,
                                      count=needed)
        store.no_show(ticket, int(now.timestamp()), needed, now.isoformat(timespec="seconds"))

    return _change(principal, ticket_id, ("called",), write, result="no_show")


def transfer(principal: Principal, ticket_id: str, service_id: str, now: datetime) -> dict:
    """End this ticket at the counter and queue the citizen for another service, keeping
    their place by arrival time. Within one agency the number stays; another agency's
    queue gives a number with that agency's letter. Answers the new, waiting ticket."""
    def write(catalog, ticket):
        target = catalog.services.get(service_id)
        if target is None:
            raise NotFound("service.not_found")
        if target.service_id == ticket.service_id:
            raise TicketNotChangeable("ticket.same_service")
        refuse_retired(target)  # no counter is meant to serve it any more
        new = Ticket(pk="", sk="TICKET", ticket_id=new_ticket_id(), mall_id=ticket.mall_id,
                     date=ticket.date, agency_id=target.agency_id, service_id=target.service_id,
                     number=ticket.number, ticket_number=ticket.ticket_number, kind=ticket.kind,
                     priority=ticket.priority, source="transfer", status="waiting",
                     booking_id=ticket.booking_id, account_id=ticket.account_id,
                     nik_hash=ticket.nik_hash, arrived_at=ticket.arrived_at,
                     slot_start_at=ticket.slot_start_at,
                     issued_at=int(now.timestamp()), transferred_from=ticket.ticket_id)
        new.pk = f"TICKET#{new.ticket_id}"
        counted = target.agency_id != ticket.agency_id
        if counted:
            agency = catalog.agencies[target.agency_id]
            new.number, _ = store.take_number(ticket.mall_id, ticket.date, agency.agency_id,
                                              target.service_id)
            new.ticket_number = ticket_number(agency.letter, new.number)
        try:
            store.transfer(ticket, new, counted)
        except TransactionFailed:
            if counted:
                store.give_back(ticket.mall_id, ticket.date, target.agency_id, target.service_id)
            raise
        return follow(new.ticket_id, now)

    return _change(principal, ticket_id, ("called", "serving"), write)


# --- a no-show put back in line ----------------------------------------------------------------


REQUEUE_ATTEMPTS = 3


def requeue_ticket(catalog, ticket: Ticket, now: datetime) -> dict:
    """Put a no-show back in line once, within the mall's grace time, behind everyone
    waiting now (`domain.queue`); the TV announces it only when a counter calls it again.
    A booked citizen's booking is checked in again and their no-show mark for the pause
    policy is taken back: a citizen who came back is not a no-show. One transaction
    (`store.floor.requeue`) after at most three reads by key; 409 when it is not a
    no-show, was put back before, or the grace time has passed."""
    mall = catalog.mall
    for _ in range(REQUEUE_ATTEMPTS):
        epoch = int(now.timestamp())
        if ticket.status != "no_show":
            raise RequeueNotNoShow("requeue.not_no_show", number=ticket.ticket_number,
                                   status=Text(f"ticket_status.{ticket.status}"))
        if ticket.requeued_at:
            raise RequeueUsed("requeue.used", number=ticket.ticket_number)
        if requeue_until(ticket, mall, now) is None or ticket.date != today(mall, now):
            raise RequeueTooLate("requeue.too_late", number=ticket.ticket_number,
                                 minutes=mall.requeue_grace_minutes)
        booking, mark_at = None, None
        if ticket.booking_id and ticket.account_id:
            found = booking_store.get(ticket.account_id, ticket.booking_id)
            booking = found if found is not None and found.status == "no_show" else None
        if ticket.booking_id and ticket.nik_hash:
            state = booking_store.citizen_state(ticket.nik_hash)
            marks = [str(m) for m in (state.mall_no_shows or [])] if state is not None else []
            mark = store.no_show_mark(ticket)
            if mark in marks:
                mark_at = len(marks) - 1 - marks[::-1].index(mark)
        try:
            store.requeue(ticket, epoch, epoch - 60 * mall.requeue_grace_minutes, booking,
                          mark_at)
        except TransactionFailed:
            fresh = store.get_ticket(ticket.ticket_id)
            if fresh is None:
                raise NotFound("ticket.not_found") from None
            ticket = fresh  # put back meanwhile, or its booking or marks changed: again
            continue
        return follow(ticket.ticket_id, now)
    raise Busy()


def requeue(principal: Principal, ticket_id: str, now: datetime) -> dict:
    """The counter puts a no-show of its mall back in line."""
    catalog, ticket = _staff_ticket(principal, ticket_id)
    return requeue_ticket(catalog, ticket, now)


def recent_no_shows(principal: Principal, now: datetime, lang: str = "id") -> list[dict]:
    """Today's no-shows that may still be put back in line, latest first: one Query."""
    catalog = _staff_catalog(principal)
    mall = catalog.mall
    epoch = int(now.timestamp())
    grace = 60 * mall.requeue_grace_minutes
    found = []
    for entry in store.back_entries(mall.mall_id, today(mall, now)):
        until = int(entry.no_show_at) + grace
        if grace <= 0 or until < epoch:
            continue
        service = catalog.services.get(entry.service_id)
        found.append({"ticket_id": entry.ticket_id, "ticket_number": entry.ticket_number,
                      "service_id": entry.service_id,
                      "service_name": service.name_in(lang) if service else "",
                      "no_show_at": iso(entry.no_show_at, mall),
                      "requeue_until": iso(until, mall)})
    return sorted(found, key=lambda f: f["no_show_at"], reverse=True)


def ticket_number(letter: str, number: int) -> str:
    return f"{letter}-{number:03d}"


# --- the call display --------------------------------------------------------------------------


EARLIER_SHOWN = 10  # distinct earlier calls on the TV (a busy hall has several counters)
NEXT_SHOWN = 6


def display(mall_id: str, now: datetime, lang: str = "id") -> dict:
    """What the hall's TV shows: each counter's current ticket (or its break), the last
    calls (for the announcements), the earlier calls of numbers no longer at a counter, and
    the next numbers. One Query (the counters' day items and the waiting tickets)."""
    catalog = catalog_of(mall_id)
    mall = catalog.mall
    day = today(mall, now)
    order = list(catalog.counters)
    items, entries = store.floor_now(mall.mall_id, day)
    states = sorted(items, key=lambda c: order.index(c.counter_id) if c.counter_id in order
                    else 999)

    def counter_name(counter_id):
        counter = catalog.counters.get(counter_id)
        return counter.name if counter else counter_id

    def service_name(service_id):
        service = catalog.services.get(service_id)
        return service.name_in(lang) if service else ""

    now_serving = []
    for c in states:
        if c.current_ticket_id:
            now_serving.append({
                "counter_id": c.counter_id, "counter": counter_name(c.counter_id),
                "ticket_number": c.current_number, "status": c.current_status,
                "service_id": c.current_service_id,
                "service_name": service_name(c.current_service_id),
                "called_at": iso(c.called_at, mall)})
    on_break = [{"counter_id": c.counter_id, "counter": counter_name(c.counter_id),
                 "since": iso(c.break_since, mall)}
                for c in states if c.on_break and not c.current_ticket_id]
    calls = sorted(((a, c.counter_id) for c in states for a in (c.announcements or [])),
                   key=lambda pair: (pair[0]["at"], pair[0]["id"]), reverse=True)
    recent = [{"id": a["id"], "counter_id": counter_id, "counter": counter_name(counter_id),
               "ticket_number": a["number"], "called_at": iso(a["at"], mall), "kind": a["kind"]}
              for a, counter_id in calls[:RECENT_CALLS]]
    at_counters = {c.current_number for c in states if c.current_ticket_id}
    earlier, seen = [], set(at_counters)
    for a, counter_id in calls:
        if a["number"] in seen:
            continue
        seen.add(a["number"])
        earlier.append({"counter_id": counter_id, "counter": counter_name(counter_id),
                        "ticket_number": a["number"], "called_at": iso(a["at"], mall)})
        if len(earlier) == EARLIER_SHOWN:
            break
    waiting = queue.in_order(_waiting(entries), int(now.timestamp()))
    return {"mall_id": mall.mall_id, "mall_name": mall.name, "timezone": mall.timezone,
            "date": day, "now_serving": now_serving, "on_break": on_break, "recent": recent,
            "earlier": earlier, "waiting": len(waiting),
            "next": [w.ticket_number for w in waiting[:NEXT_SHOWN]]}


# --- the no-show sweep (scheduled) ------------------------------------------------------------


def sweep(now: datetime) -> dict[str, int]:
    """Mark as no-shows the bookings nobody checked in for by the end of their check-in
    window, and the tickets called, recalled and still not started a while after. Reads by
    key only: a Query per mall on the `due` index and one over its counters."""
    counts = {"bookings": 0, "tickets": 0}
    epoch = int(now.timestamp())
    stamp = now.isoformat(timespec="seconds")
    for entry in catalog_store.list_malls():
        catalog = catalog_store.mall_catalog(entry.mall_id)
        if catalog is None:
            continue
        mall = catalog.mall
        local = schedule.local_today(mall, now)
        for day in (local - timedelta(days=1), local):
            for booking in booking_store.late_arrivals(mall.mall_id, day.isoformat(), epoch):
                counts["bookings"] += booking_store.mark_no_show(booking, stamp)
        for state in store.counters_today(mall.mall_id, local.isoformat()):
            due = (state.current_status == "called"
                   and int(state.recalls) >= mall.recalls_before_no_show
                   and epoch - int(state.called_at or epoch) >= 60 * mall.no_show_after_minutes)
            if not due:
                continue
            ticket = store.get_ticket(state.current_ticket_id)
            try:
                store.no_show(ticket, epoch, mall.recalls_before_no_show, stamp)
                counts["tickets"] += 1
            except TransactionFailed:  # staff acted on it meanwhile
                log.info("ticket %s changed during the sweep", state.current_ticket_id)
    return counts
