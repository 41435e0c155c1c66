"""Pure rules of issue 16: when a turn is near, and where a re-queued no-show stands."""
from chalicelib.domain import queue

NOW = 1_000_000


def w(tid, kind="walkin", arrived=0, slot=None, priority=False, requeued=False):
    return queue.Waiting(tid, "ktp-el", kind, priority, NOW + arrived, slot, tid, 0, requeued)


def test_a_turn_is_near_by_position_or_by_time_and_never_without_a_prediction():
    assert queue.turn_near(NOW + 3600, 2, NOW, 5, 3)          # 3rd in line
    assert not queue.turn_near(NOW + 3600, 3, NOW, 5, 3)      # 4th, an hour away
    assert queue.turn_near(NOW + 300, 9, NOW, 5, 3)           # within 5 minutes
    assert not queue.turn_near(NOW + 301, 9, NOW, 5, 3)
    assert not queue.turn_near(None, 0, NOW, 5, 3)            # no counter serves it
    assert not queue.turn_near(NOW + 60, 0, NOW, 0, 0)        # both rules off


def test_a_requeued_no_show_comes_behind_those_waiting_whatever_its_kind():
    booked_back = w("back", "booking", arrived=50, slot=NOW - 3600, priority=True, requeued=True)
    waiting = [booked_back, w("walk", arrived=10), w("booked", "booking", arrived=20, slot=NOW),
               w("later", arrived=60)]
    assert [x.ticket_id for x in queue.in_order(waiting, NOW + 100)] == [
        "booked", "walk", "back", "later"]


def test_the_walk_in_rule_does_not_pull_a_requeued_walk_in_forward():
    waiting = [w("back", arrived=50, requeued=True), w("booked", "booking", arrived=20, slot=NOW)]
    assert queue.next_ticket(waiting, {"ktp-el"}, NOW + 100, 2).ticket_id == "booked"
    waiting.append(w("walk", arrived=60))
    assert queue.next_ticket(waiting, {"ktp-el"}, NOW + 100, 2).ticket_id == "walk"


def test_in_the_same_second_a_requeued_ticket_comes_after_a_waiting_one():
    waiting = [w("A-001", arrived=5, requeued=True), w("A-002", arrived=5)]
    assert [x.ticket_id for x in queue.in_order(waiting, NOW)] == ["A-002", "A-001"]
