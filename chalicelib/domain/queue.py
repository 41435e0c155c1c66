"""The order in which a counter calls waiting tickets. Pure: takes `now` and the waiting list.

1. A walk-in is called at least every third call while walk-ins wait: after two calls of
   other tickets in a row at this counter, the longest-waiting walk-in goes next (a priority
   walk-in first). Without it, a steady stream of booked citizens would hold walk-ins back
   all day, and the walk-in quota is a promise to be served that day too.
2. Otherwise priority tickets first (elderly, disabled, pregnant), by arrival: Indonesian
   public-service rules ask for this, and they are few.
3. Then booked citizens whose slot has started, by slot start, then arrival: the booking
   promised them that time.
4. Then walk-ins, by arrival.
5. Last, booked citizens who checked in before their slot started, by slot start: they
   wait for the time they chose, but an idle counter serves them rather than nobody.

A no-show put back in line (re-queued) joins as a walk-in arriving at that moment would,
whatever its kind or priority, and rule 1 does not pull it forward: it comes behind everyone
waiting then (those waiting for their slot are called from their slot time, as always).
"""
from __future__ import annotations

from dataclasses import dataclass

WALKIN_EVERY = 3  # a walk-in at least every third call while walk-ins wait


@dataclass(frozen=True)
class Waiting:
    ticket_id: str
    service_id: str
    kind: str  # booking | walkin
    priority: bool
    arrived_at: int  # epoch seconds
    slot_start_at: int | None = None
    ticket_number: str = ""
    number: int = 0  # the agency's sequence: breaks ties within the same second
    requeued: bool = False  # back in line after a no-show; `arrived_at` is when it came back


def _rank(w: Waiting, now: int) -> tuple:
    """Sort key of the nominal order (rules 2-5); arrival ties go by ticket number."""
    # within one second, a re-queued ticket comes after those who were already there
    arrival = (w.arrived_at, w.requeued, w.number, w.ticket_id)
    if w.requeued:
        return (2, 0, *arrival)
    if w.priority:
        return (0, 0, *arrival)
    if w.kind == "booking" and w.slot_start_at is not None and w.slot_start_at <= now:
        return (1, w.slot_start_at, *arrival)
    if w.kind == "walkin":
        return (2, 0, *arrival)
    return (3, w.slot_start_at or 0, *arrival)


def in_order(waiting: list[Waiting], now: int) -> list[Waiting]:
    return sorted(waiting, key=lambda w: _rank(w, now))


def next_ticket(waiting: list[Waiting], service_ids, now: int,
                calls_since_walkin: int) -> Waiting | None:
    """The ticket a counter serving `service_ids` calls next, or None if nobody waits."""
    mine = [w for w in waiting if w.service_id in set(service_ids)]
    if not mine:
        return None
    walkins = [w for w in mine if w.kind == "walkin" and not w.requeued]
    if walkins and calls_since_walkin >= WALKIN_EVERY - 1:
        return in_order(walkins, now)[0]
    return in_order(mine, now)[0]


def streak_after(called: Waiting, calls_since_walkin: int) -> int:
    """The counter's `calls_since_walkin` after calling `called`."""
    return 0 if called.kind == "walkin" else calls_since_walkin + 1


def people_ahead(ticket_id: str, waiting: list[Waiting], now: int) -> int:
    """How many tickets of the same service come before this one in the nominal order."""
    me = next((w for w in waiting if w.ticket_id == ticket_id), None)
    if me is None:
        return 0
    same = in_order([w for w in waiting if w.service_id == me.service_id], now)
    return same.index(me)


def paused_until(no_shows: list[int], now: int, limit: int, window_days: int,
                 pause_days: int) -> int | None:
    """When online booking opens again for a citizen with these no-shows (epoch seconds),
    or None: `limit` no-shows within `window_days` pause it for `pause_days` from the last
    of them. A limit of 0 turns the policy off."""
    if limit <= 0:
        return None
    recent = sorted(t for t in no_shows if t > now - window_days * 86400)
    if len(recent) < limit:
        return None
    until = recent[-1] + pause_days * 86400
    return until if until > now else None


def turn_near(called_at: int | None, ahead: int, now: int, minutes: int, position: int) -> bool:
    """Whether a waiting citizen should be told their turn is near: predicted to be called
    within `minutes`, or `position`-th in line or closer (0 turns either rule off). A ticket
    that no staffed counter serves (no prediction) is never near."""
    if called_at is None:
        return False
    return (position > 0 and ahead + 1 <= position) or \
        (minutes > 0 and called_at - now <= minutes * 60)
