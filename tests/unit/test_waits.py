"""The wait estimate (domain/waits.py): the calling order replayed over the staffed counters.
Each case is one of the errors the hall saw (issue 13) with the simple formula."""
from chalicelib.domain.queue import Waiting
from chalicelib.domain.waits import Desk, estimate, prior_service_seconds, replay, staffed

NOW = 36_000  # 10:00 in seconds of some day
MIN = 60


def walkin(tid, arrived, service="a", priority=False, number=0):
    return Waiting(tid, service, "walkin", priority, arrived, None, number=number)


def booked(tid, slot, arrived, service="a"):
    return Waiting(tid, service, "booking", False, arrived, slot)


def desk(cid, *services, free_at=NOW, streak=0):
    return Desk(cid, frozenset(services), free_at, streak)


def test_a_counter_serving_two_services_takes_people_of_both():
    # A-019's case: the simple formula counted only KTP-el ahead; the counter calls KK too
    waiting = [walkin("kk1", 1, "kk"), walkin("kk2", 2, "kk"), walkin("me", 3, "ktp")]
    est = estimate("me", waiting, [desk("L2", "ktp", "kk")], {"ktp": 10 * MIN, "kk": 10 * MIN},
                   NOW)
    assert (est.ahead, est.low_minutes) == (2, 20)


def test_no_staffed_counter_means_no_estimate_never_soon():
    waiting = [walkin("me", 1, "nib")]
    est = estimate("me", waiting, [desk("L2", "ktp")], {"nib": 5 * MIN}, NOW)
    assert (est.called_at, est.low_minutes, est.ahead) == (None, None, 0)
    assert estimate("me", waiting, [], {}, NOW).called_at is None


def test_two_staffed_counters_share_the_queue_and_a_busy_one_is_free_later():
    waiting = [walkin(f"w{i}", i) for i in range(4)]
    desks = [desk("L1", "a", free_at=NOW + 8 * MIN), desk("L2", "a")]
    called = replay(waiting, desks, {"a": 10 * MIN}, NOW)
    # L2 calls w0 at once; L1 is free at +8 and takes w1; L2 again at +10, L1 at +18
    assert {t: (at - NOW) // MIN for t, (at, _) in called.items()} == {
        "w0": 0, "w1": 8, "w2": 10, "w3": 18}


def test_an_early_booking_is_called_at_its_slot_not_by_arrival():
    # booked for 10:30, came at 09:40: walk-ins who came later go first until 10:30
    waiting = [booked("me", NOW + 30 * MIN, 0)] + [walkin(f"w{i}", 100 + i) for i in range(6)]
    est = estimate("me", waiting, [desk("L1", "a")], {"a": 10 * MIN}, NOW)
    assert est.low_minutes == 30  # its slot time, not "0 ahead, soon"
    assert est.ahead == 3


def test_the_walk_in_every_third_call_counts_in_the_replay():
    slot = NOW - 10 * MIN  # slots started: booked citizens go first, but a walk-in every third
    waiting = [booked(f"b{i}", slot, i) for i in range(5)] + [walkin("w", 50)]
    called = replay(waiting, [desk("L1", "a")], {"a": 10 * MIN}, NOW)
    assert called["w"][1] == 2  # called third, after two bookings


def test_the_range_is_wider_for_longer_waits_and_zero_when_next():
    waiting = [walkin(f"w{i}", i) for i in range(7)]
    desks, secs = [desk("L1", "a")], {"a": 10 * MIN}
    assert (estimate("w0", waiting, desks, secs, NOW).low_minutes,
            estimate("w0", waiting, desks, secs, NOW).high_minutes) == (0, 0)
    one = estimate("w1", waiting, desks, secs, NOW)
    assert (one.low_minutes, one.high_minutes) == (10, 15)
    six = estimate("w6", waiting, desks, secs, NOW)
    assert (six.low_minutes, six.high_minutes) == (60, 90)


def test_a_counter_is_staffed_while_it_holds_a_ticket_or_was_active_lately():
    assert staffed(None, True, NOW, 30)
    assert staffed(NOW - 29 * MIN, False, NOW, 30)
    assert not staffed(NOW - 31 * MIN, False, NOW, 30)
    assert not staffed(None, False, NOW, 30)


def test_the_prior_shares_a_slots_seats_among_the_counters_serving_it():
    assert prior_service_seconds(30, 4, 2) == 15 * MIN  # 4 seats in 30 min at two counters
    assert prior_service_seconds(30, 5, 1) == 6 * MIN
    assert prior_service_seconds(30, 5, 0) == 6 * MIN  # no counter configured: as if one
