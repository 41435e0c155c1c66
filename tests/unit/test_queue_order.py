"""The calling order (domain/queue.py), without AWS: priority, started bookings by slot time,
walk-ins by arrival, early bookings last, and a walk-in at least every third call."""
from chalicelib.domain.queue import (
    Waiting, in_order, next_ticket, people_ahead, streak_after,
)

NOW = 10_000


def booked(tid, slot, arrived=0, service="s", priority=False):
    return Waiting(tid, service, "booking", priority, arrived, slot)


def walkin(tid, arrived, service="s", priority=False, number=0):
    return Waiting(tid, service, "walkin", priority, arrived, None, number=number)


def drain(waiting, services=("s",), streak=0):
    """Call everything, as one counter would, and give the order."""
    waiting, order = list(waiting), []
    while True:
        chosen = next_ticket(waiting, services, NOW, streak)
        if chosen is None:
            return order
        order.append(chosen.ticket_id)
        streak = streak_after(chosen, streak)
        waiting.remove(chosen)


def test_the_promised_order():
    waiting = [walkin("w1", 100), booked("early", NOW + 600, arrived=50),
               booked("b2", NOW - 60, arrived=10), walkin("p", 500, priority=True),
               booked("b1", NOW - 600, arrived=400), walkin("w2", 200)]
    assert drain(waiting) == ["p", "b1", "b2", "w1", "w2", "early"]


def test_no_group_starves_walk_ins_come_at_least_every_third_call():
    waiting = [booked(f"b{n}", NOW - 1000 + n, arrived=n) for n in range(6)]
    waiting += [walkin(f"w{n}", 10 + n) for n in range(3)]
    order = drain(waiting)
    assert order == ["b0", "b1", "w0", "b2", "b3", "w1", "b4", "b5", "w2"]
    calls_between = [len(list(g)) for g in "".join(o[0] for o in order).split("w")[:-1]]
    assert max(calls_between) <= 2


def test_a_priority_walk_in_resets_the_streak_and_goes_first_among_walk_ins():
    waiting = [booked("b1", NOW - 10), walkin("w1", 1), walkin("p1", 5, priority=True)]
    assert next_ticket(waiting, ["s"], NOW, calls_since_walkin=2).ticket_id == "p1"
    assert streak_after(waiting[2], 2) == 0


def test_a_counter_only_calls_its_services():
    waiting = [walkin("other", 1, service="x"), walkin("mine", 2, service="s")]
    assert next_ticket(waiting, ["s"], NOW, 0).ticket_id == "mine"
    assert next_ticket(waiting, ["y"], NOW, 0) is None


def test_same_second_arrivals_go_by_number():
    waiting = [walkin("later", 100, number=8), walkin("sooner", 100, number=7)]
    assert [w.ticket_id for w in in_order(waiting, NOW)] == ["sooner", "later"]


def test_people_ahead_count_the_same_service_in_the_nominal_order():
    waiting = [walkin("w1", 1), walkin("w2", 2), booked("b1", NOW - 5, arrived=3),
               walkin("x", 0, service="other")]
    assert people_ahead("w2", waiting, NOW) == 2  # b1 (slot started) and w1
    assert people_ahead("b1", waiting, NOW) == 0
    assert people_ahead("gone", waiting, NOW) == 0
