"""How long a waiting ticket will wait: the hall's calling order replayed forward. Pure.

The counters that are staffed now each call, when they are next free, the ticket that
`domain.queue.next_ticket` would give them (so every rule of the calling order counts: the
walk-in every third call, priority, slot times, an idle counter taking an early booking),
and then serve it for the service's mean time. A ticket's estimate is the moment it is
called in that replay; the people ahead are the tickets called before it, of every service
its counters serve. A ticket that no staffed counter serves gets no estimate (None), which
the pages say as "no counter serves this service now", never as "soon".

Why a replay and not "people ahead x mean time / counters": a counter serving two services
takes people of both, a counter nobody staffs serves nobody, and a booked citizen who came
early is called at the slot time, not in arrival order. The simple formula got each of these
wrong (issue 13: waits shown a median 2.4 times too short).
"""
from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

from chalicelib.domain import queue

# The range a ticket shows: from the replay's moment to this much later. Service times
# vary (a KTP-el recording takes 4 minutes or 20), and the hall's complaint is a wait
# longer than promised, never a shorter one.
SPREAD = 0.5            # the upper end is the estimate plus half of it...
SPREAD_MIN_MINUTES = 5  # ...and at least five minutes more


@dataclass
class Desk:
    """A staffed counter: the services it serves, when it is next free, its calling streak."""
    counter_id: str
    service_ids: frozenset[str]
    free_at: int
    streak: int = 0


@dataclass(frozen=True)
class Estimate:
    called_at: int | None   # epoch seconds; None: no staffed counter serves it
    ahead: int              # tickets called before it
    low_minutes: int | None = None
    high_minutes: int | None = None
    for_slot: bool = False  # a booked citizen who came early: called from the slot's start


def replay(waiting: list[queue.Waiting], desks: list[Desk],
           service_seconds: dict[str, float], now: int,
           stop_at: str | None = None) -> dict[str, tuple[int, int]]:
    """When each waiting ticket is called (epoch seconds) and how many are called before it,
    by ticket id; a ticket no desk serves is missing. Stops early once `stop_at` is called."""
    left = list(waiting)
    heap = [(max(d.free_at, now), i) for i, d in enumerate(desks) if d.service_ids]
    heapq.heapify(heap)
    state = {i: d.streak for i, d in enumerate(desks)}
    called: dict[str, tuple[int, int]] = {}
    while heap and left:
        at, i = heapq.heappop(heap)
        desk = desks[i]
        nxt = queue.next_ticket(left, desk.service_ids, at, state[i])
        if nxt is None:
            continue  # nothing this desk serves is left: it leaves the replay
        left.remove(nxt)
        called[nxt.ticket_id] = (at, len(called))
        if nxt.ticket_id == stop_at:
            break
        state[i] = queue.streak_after(nxt, state[i])
        heapq.heappush(heap, (at + max(int(service_seconds.get(nxt.service_id, 600)), 60), i))
    return called


def estimate(ticket_id: str, waiting: list[queue.Waiting], desks: list[Desk],
             service_seconds: dict[str, float], now: int) -> Estimate:
    """This ticket's estimate: the replay's moment, with the range the ticket shows."""
    me = next((w for w in waiting if w.ticket_id == ticket_id), None)
    for_slot = bool(me and me.kind == "booking" and me.slot_start_at
                    and me.slot_start_at > now)
    called = replay(waiting, desks, service_seconds, now, stop_at=ticket_id)
    if ticket_id not in called:
        # no staffed counter serves it: the people ahead in its own service's order
        return Estimate(None, queue.people_ahead(ticket_id, waiting, now), for_slot=for_slot)
    at, order = called[ticket_id]
    low = max(0, math.ceil((at - now) / 60))
    high = low + max(SPREAD_MIN_MINUTES, math.ceil(low * SPREAD)) if low else 0
    return Estimate(at, order, low, high, for_slot)


def staffed(last_call_at: int | None, has_current: bool, now: int,
            idle_minutes: int) -> bool:
    """A counter counts as staffed while it holds a ticket or called one in the last
    `idle_minutes`: a counter that has not called for longer has nobody at it (or is on a
    break) and must not be counted as serving the queue."""
    if has_current:
        return True
    return last_call_at is not None and now - last_call_at <= idle_minutes * 60


def prior_service_seconds(slot_minutes: int, capacity: int, counters: int) -> float:
    """What the catalog says one citizen takes at one counter, before today's figures exist:
    a slot's seats are shared by the counters that serve the service."""
    return slot_minutes * 60 * max(counters, 1) / max(capacity, 1)
