"""Issue 16, a nudge before one's turn: a waiting citizen is told once when their turn is
near (page and, for an opted-in booked citizen, one SMS that is never sent late nor after
the call); and a no-show is put back in line once, within the grace time, behind those
waiting then, without the TV announcing it until it is called.

Monday 7 December 2026; Loket 2 serves KTP-el and Kartu Keluarga.
"""
from datetime import timedelta

from chalicelib.store import outbox
from tests.api.helpers import KIOSK, booked, call, staff_token
from tests.api.test_checkin import check_in, walk_in
from tests.api.test_queue import act, call_next
from tests.api.test_sms import PHONE, opted_in
from tests.conftest import emulator_sms

TODAY = "2026-12-07"


def ticket(client, t):
    return call(client, "GET", f"/v1/tickets/{t['ticket_id']}")[1]


def nudges(number=PHONE):
    return [m for m in emulator_sms(number) if "giliran nomor" in m["text"]]


def no_show(client, staff, called):
    for step in ("recall", "recall", "no-show"):
        status, body = act(client, staff, called, step)
        assert status == 200, body
    return body


def test_a_call_nudges_the_first_in_line_once_and_not_those_further_back(client, fixed_clock):
    fixed_clock.advance(timedelta(hours=2))  # 09:00
    tickets = [walk_in(client)[1] for _ in range(6)]
    staff = staff_token(client)
    assert not any(ticket(client, t)["nudge"] for t in tickets)  # no counter staffed yet
    call_next(client, staff)  # the first is called: positions change
    seen = [ticket(client, t)["nudge"] for t in tickets[1:]]
    assert seen == [True, True, True, False, False]  # 1st to 3rd in line (nudge_position)
    # the walk-ins have no phone: nothing went by SMS
    assert nudges(None) == []


def test_an_opted_in_booked_citizen_gets_one_sms_and_another_view_sends_none(
        client, fixed_clock):
    _, token = opted_in(client)
    _, booking = booked(client, token, date=TODAY, start="08:00")
    staff = staff_token(client)
    fixed_clock.advance(timedelta(hours=1, minutes=5))  # 08:05
    call(client, "POST", "/v1/staff/counters/loket-2/open", token=staff)
    mine = check_in(client, booking["code"])[1]
    assert ticket(client, mine)["nudge"] is True  # first in line at a staffed counter
    assert ticket(client, mine)["nudge"] is True
    sms = nudges()
    assert len(sms) == 1 and mine["ticket_number"] in sms[0]["text"]
    assert len(sms[0]["text"]) <= 160 and sms[0]["text"].isascii()
    call_next(client, staff)
    assert len(nudges()) == 1


def test_sms_only_to_a_proved_opted_in_phone(client, fixed_clock):
    from tests.api.test_sms import registered

    _, token = registered(client, 9120)  # opted in at registration, the phone never proved
    _, booking = booked(client, token, date=TODAY, start="08:00")
    staff = staff_token(client)
    fixed_clock.advance(timedelta(hours=1, minutes=5))
    call(client, "POST", "/v1/staff/counters/loket-2/open", token=staff)
    mine = check_in(client, booking["code"])[1]
    assert ticket(client, mine)["nudge"] is True  # the page is told
    assert nudges() == []  # the phone is not


def _nudged_sms(client, fixed_clock):
    _, token = opted_in(client)
    _, booking = booked(client, token, date=TODAY, start="08:00")
    staff = staff_token(client)
    fixed_clock.advance(timedelta(hours=1, minutes=5))
    call(client, "POST", "/v1/staff/counters/loket-2/open", token=staff)
    mine = check_in(client, booking["code"])
    return staff, mine[1]


def test_a_nudge_that_could_not_go_out_in_time_is_dropped_never_sent_late(
        client, fixed_clock):
    from tests.conftest import MAIL_STREAM

    staff, mine = _nudged_sms(client, fixed_clock)
    MAIL_STREAM.feed()  # the code SMS and the mail so far
    stop = outbox.get  # the stream is late: the nudge is written now, sent after its expiry
    assert ticket(client, mine)["nudge"] is True
    fixed_clock.advance(timedelta(minutes=10))
    assert nudges() == []
    item = stop(f"nudge-{mine['ticket_id']}")
    assert item.status == "dropped" and item.last_error.startswith("late")


def test_a_nudge_is_never_sent_after_the_ticket_was_called(client, fixed_clock):
    staff, mine = _nudged_sms(client, fixed_clock)
    from tests.conftest import MAIL_STREAM

    MAIL_STREAM.feed()
    # a view nudges; before the stream hands the SMS over, a counter calls the ticket
    from chalicelib.services import queue

    view = queue.follow(mine["ticket_id"], fixed_clock.now())
    assert view["nudge"] is True
    assert call_next(client, staff)["ticket_id"] == mine["ticket_id"]
    assert nudges() == []
    assert outbox.get(f"nudge-{mine['ticket_id']}").status == "dropped"


def test_a_no_show_is_put_back_once_behind_those_waiting_without_a_new_announcement(
        client, fixed_clock):
    fixed_clock.advance(timedelta(hours=2))  # 09:00
    first = walk_in(client)[1]
    staff = staff_token(client)
    called = call_next(client, staff)
    assert called["ticket_id"] == first["ticket_id"]
    gone = no_show(client, staff, called)
    assert gone["requeue_until"] is not None
    later = [walk_in(client)[1] for _ in range(2)]  # waiting when it comes back
    shown = call(client, "GET", "/v1/malls/kota-bogor/display")[1]
    listed = call(client, "GET", "/v1/staff/no-shows", token=staff)[1]
    assert [n["ticket_number"] for n in listed] == [first["ticket_number"]]
    fixed_clock.advance(timedelta(minutes=10))
    status, back = call(client, "POST", "/v1/kiosk/requeues",
                        {"ticket": first["ticket_number"].lower()}, headers=KIOSK)
    assert (status, back["status"], back["requeued"]) == (200, "waiting", True)
    assert back["people_ahead"] == 2
    assert call(client, "GET", "/v1/staff/no-shows", token=staff)[1] == []
    # the TV: no new announcement for it until it is called
    again = call(client, "GET", "/v1/malls/kota-bogor/display")[1]
    assert again["recent"] == shown["recent"]
    # a second time: refused, by the counter as by the kiosk
    status, body = act(client, staff, first, "requeue")
    assert (status, body["code"]) == (409, "requeue_not_no_show")
    order = [call_next(client, staff)["ticket_number"]]
    for _ in range(2):
        act(client, staff, {"ticket_id": _current(client, staff)}, "start")
        act(client, staff, {"ticket_id": _current(client, staff)}, "finish")
        order.append(call_next(client, staff)["ticket_number"])
    assert order == [later[0]["ticket_number"], later[1]["ticket_number"],
                     first["ticket_number"]]
    recent = call(client, "GET", "/v1/malls/kota-bogor/display")[1]["recent"]
    fresh = {r["ticket_number"] for r in recent if r["id"] not in {a["id"] for a in shown["recent"]}}
    assert first["ticket_number"] in fresh  # announced when called
    no_show(client, staff, {"ticket_id": first["ticket_id"]})
    status, body = act(client, staff, first, "requeue")
    assert (status, body["code"]) == (409, "requeue_used")
    assert "hanya sekali" in body["message"]


def _current(client, staff):
    return call(client, "GET", "/v1/staff/counters/loket-2", token=staff)[1]["current"][
        "ticket_id"]


def test_the_re_queue_is_refused_after_the_grace_time(client, fixed_clock):
    fixed_clock.advance(timedelta(hours=2))
    first = walk_in(client)[1]
    staff = staff_token(client)
    no_show(client, staff, call_next(client, staff))
    fixed_clock.advance(timedelta(minutes=31))  # the grace time is 30 minutes
    assert ticket(client, first)["requeue_until"] is None
    status, body = act(client, staff, first, "requeue")
    assert (status, body["code"]) == (409, "requeue_too_late")
    assert "30 menit" in body["message"]
    status, body = call(client, "POST", "/v1/kiosk/requeues", {"ticket": first["ticket_number"]},
                        headers={**KIOSK, "Accept-Language": "en"})
    assert (status, body["code"]) == (409, "requeue_too_late")
    waiting = call(client, "GET", f"/v1/tickets/{first['ticket_id']}")[1]
    assert waiting["status"] == "no_show"


def test_a_ticket_that_is_not_a_no_show_is_refused(client, fixed_clock):
    fixed_clock.advance(timedelta(hours=2))
    first = walk_in(client)[1]
    staff = staff_token(client)
    status, body = act(client, staff, first, "requeue")
    assert (status, body["code"]) == (409, "requeue_not_no_show")
    assert "menunggu" in body["message"]


def test_a_booked_citizen_who_came_back_is_not_a_no_show(client, fixed_clock):
    from chalicelib.store import bookings
    from chalicelib.store import floor

    def mine_nik_hash(t):
        return floor.get_ticket(t["ticket_id"]).nik_hash

    token, booking = booked(client, date=TODAY, start="08:00")
    fixed_clock.advance(timedelta(hours=1, minutes=5))
    mine = check_in(client, booking["code"])[1]
    staff = staff_token(client)
    no_show(client, staff, call_next(client, staff))
    listed = call(client, "GET", "/v1/bookings", token=token)[1]
    assert any(b["status"] == "no_show" for b in listed)
    nik_hash = mine_nik_hash(mine)
    assert len(bookings.no_shows_by_mall(bookings.citizen_state(nik_hash))["kota-bogor"]) == 1
    status, back = call(client, "POST", "/v1/kiosk/requeues", {"ticket": booking["code"]},
                        headers=KIOSK)
    assert (status, back["ticket_id"]) == (200, mine["ticket_id"])
    listed = call(client, "GET", "/v1/bookings", token=token)[1]
    assert [b["status"] for b in listed if b["code"] == booking["code"]] == ["checked_in"]
    marks = bookings.no_shows_by_mall(bookings.citizen_state(mine_nik_hash(mine)))
    assert marks.get("kota-bogor", []) == []  # the pause policy does not count it
    called = call_next(client, staff)
    act(client, staff, called, "start")
    assert act(client, staff, called, "finish")[1]["status"] == "done"
