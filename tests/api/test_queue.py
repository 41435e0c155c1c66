"""The queue: counters call in the promised order, staff move tickets along, the TV shows the
calls (with ETag/304), the citizen follows a ticket, and the sweep marks the no-shows.

Monday 7 December 2026: citizens book at 07:00 WIB, the clock then moves into the day.
Loket 2 serves KTP-el and Kartu Keluarga; Loket 3 serves PBG and NIB.
"""
from datetime import timedelta

import pytest

from tests.api.helpers import KIOSK, admin_token, booked, call, citizen, staff_token
from tests.api.test_checkin import check_in, walk_in

TODAY = "2026-12-07"


def serve(client, staff, counter="loket-2") -> str | None:
    """Call the next ticket, start and finish it; the number called, or None."""
    status, body = call(client, "POST", f"/v1/staff/counters/{counter}/call-next", token=staff)
    assert status == 200, body
    ticket = body["ticket"]
    if ticket is None:
        return None
    assert ticket["status"] == "called" and ticket["counter_id"] == counter
    for step in ("start", "finish"):
        status, body = call(client, "POST", f"/v1/staff/tickets/{ticket['ticket_id']}/{step}",
                            token=staff)
        assert status == 200, body
    return ticket["ticket_number"]


def call_next(client, staff, counter="loket-2"):
    status, body = call(client, "POST", f"/v1/staff/counters/{counter}/call-next", token=staff)
    assert status == 200, body
    return body["ticket"]


def act(client, staff, ticket, step, body=None):
    return call(client, "POST", f"/v1/staff/tickets/{ticket['ticket_id']}/{step}", body,
                token=staff)


def checked_in(client, service="ktp-el", start="08:00"):
    _, booking = booked(client, service_id=service, date=TODAY, start=start)
    return booking


def test_priority_first_then_started_bookings_then_walk_ins_then_early_bookings(
        client, fixed_clock):
    b1, b2 = checked_in(client, start="08:00"), checked_in(client, start="08:30")
    early = checked_in(client, "kartu-keluarga", start="09:30")
    fixed_clock.advance(timedelta(hours=1, minutes=10))  # 08:10
    numbers = {}
    for name, booking in (("b2", b2), ("b1", b1), ("early", early)):
        numbers[name] = check_in(client, booking["code"])[1]["ticket_number"]
    for name in ("w1", "w2"):
        numbers[name] = walk_in(client, "kartu-keluarga")[1]["ticket_number"]
    numbers["p1"] = walk_in(client, "ktp-el", priority=True)[1]["ticket_number"]
    fixed_clock.advance(timedelta(minutes=30))  # 08:40: the 08:00 and 08:30 slots started
    staff = staff_token(client)
    order = [serve(client, staff) for _ in range(7)]
    by_number = {v: k for k, v in numbers.items()}
    assert [by_number.get(n) for n in order] == [
        "p1", "b1", "b2", "w1", "w2", "early", None]


def test_a_walk_in_is_called_at_least_every_third_call(client, fixed_clock):
    bookings = [checked_in(client, start="08:00") for _ in range(4)]  # the slot's 4 seats
    fixed_clock.advance(timedelta(hours=1, minutes=5))  # 08:05
    kinds = {}
    for b in bookings:
        kinds[check_in(client, b["code"])[1]["ticket_number"]] = "booked"
    for _ in range(2):
        kinds[walk_in(client)[1]["ticket_number"]] = "walkin"
    staff = staff_token(client)
    order = [kinds[serve(client, staff)] for _ in range(6)]
    assert order == ["booked", "booked", "walkin", "booked", "booked", "walkin"]


def test_a_counter_calls_only_its_services(client, fixed_clock):
    fixed_clock.advance(timedelta(hours=2))  # 09:00
    walk_in(client, "skck")
    staff = staff_token(client)
    assert call_next(client, staff, "loket-2") is None
    assert call_next(client, staff, "loket-6")["service_id"] == "skck"


def test_a_counter_holds_one_ticket_at_a_time(client, fixed_clock):
    fixed_clock.advance(timedelta(hours=2))
    walk_in(client), walk_in(client)
    staff = staff_token(client)
    first = call_next(client, staff)
    status, body = call(client, "POST", "/v1/staff/counters/loket-2/call-next", token=staff)
    assert (status, body["code"]) == (409, "counter_busy")
    assert first["ticket_number"] in body["message"]
    state = call(client, "GET", "/v1/staff/counters/loket-2", token=staff)[1]
    assert state["current"]["ticket_id"] == first["ticket_id"] and state["waiting"] == 1


def test_steps_follow_the_ticket_states(client, fixed_clock):
    fixed_clock.advance(timedelta(hours=2))
    walk_in(client)
    staff = staff_token(client)
    ticket = call_next(client, staff)
    status, body = act(client, staff, ticket, "finish")  # not started yet
    assert (status, body["code"]) == (409, "ticket_not_changeable")
    assert "dipanggil" in body["message"]
    status, body = act(client, staff, ticket, "no-show")  # not recalled yet
    assert (status, body["code"]) == (409, "ticket_not_changeable")
    assert "minimal 2 kali" in body["message"]
    assert act(client, staff, ticket, "recall")[1]["status"] == "called"
    assert act(client, staff, ticket, "recall")[0] == 200
    status, done = act(client, staff, ticket, "no-show")
    assert (status, done["status"]) == (200, "no_show")
    # the same press again (a double tap, an answer lost on the way) is not an error
    assert act(client, staff, ticket, "no-show") == (200, done)
    assert act(client, staff, ticket, "start")[1]["code"] == "ticket_not_changeable"
    assert call_next(client, staff) is None  # the counter is free again


def test_finishing_a_booked_ticket_marks_the_booking_served(client, fixed_clock):
    token, booking = booked(client, date=TODAY, start="08:00")
    fixed_clock.advance(timedelta(hours=1))
    check_in(client, booking["code"])
    staff = staff_token(client)
    serve(client, staff)
    mine = call(client, "GET", f"/v1/bookings/{booking['booking_id']}", token=token)[1]
    assert mine["status"] == "served"


def test_transfer_keeps_the_place_and_moves_to_the_other_queue(client, fixed_clock):
    fixed_clock.advance(timedelta(hours=2))
    first = walk_in(client, "ktp-el")[1]
    staff = staff_token(client)
    ticket = call_next(client, staff, "loket-2")
    assert ticket["ticket_id"] == first["ticket_id"]
    fixed_clock.advance(timedelta(minutes=1))
    walk_in(client, "nib")  # someone already waits for NIB, but arrived later
    status, moved = act(client, staff, ticket, "transfer", {"service_id": "nib"})
    assert status == 200, moved
    assert (moved["status"], moved["service_id"], moved["people_ahead"]) == ("waiting", "nib", 0)
    assert moved["ticket_number"].startswith("B-")  # DPMPTSP's letter
    old = call(client, "GET", f"/v1/tickets/{ticket['ticket_id']}")[1]
    assert (old["status"], old["transferred_to"]) == ("transferred", moved["ticket_id"])
    assert call_next(client, staff, "loket-3")["ticket_id"] == moved["ticket_id"]
    # within one agency the number stays the same
    walk_in(client, "ktp-el")
    other = call_next(client, staff, "loket-2")
    same = act(client, staff, other, "transfer", {"service_id": "kartu-keluarga"})[1]
    assert same["ticket_number"] == other["ticket_number"]
    assert act(client, staff, other, "transfer", {"service_id": "skck"})[1]["code"] == \
        "ticket_not_changeable"


def test_staff_of_another_mall_or_citizens_cannot_touch_tickets(client, fixed_clock):
    fixed_clock.advance(timedelta(hours=2))
    ticket = walk_in(client)[1]
    _, token = citizen(client)
    assert act(client, token, ticket, "recall")[0] == 403
    assert call(client, "POST", "/v1/staff/counters/loket-2/call-next", token=token)[0] == 403
    assert call(client, "POST", "/v1/staff/counters/loket-2/call-next")[0] == 401
    staff = staff_token(client)
    assert call(client, "POST", "/v1/staff/counters/loket-99/call-next", token=staff)[0] == 404
    assert call(client, "POST", "/v1/staff/tickets/not-a-ticket-id-at-all/start",
                token=staff)[0] == 404


def test_the_sweep_marks_late_bookings_and_unanswered_calls_as_no_shows(client, fixed_clock):
    late_token, late = booked(client, date=TODAY, start="08:00")
    fixed_clock.advance(timedelta(hours=2))  # 09:00
    walk_in(client)
    staff = staff_token(client)
    ticket = call_next(client, staff)
    act(client, staff, ticket, "recall"), act(client, staff, ticket, "recall")
    fixed_clock.advance(timedelta(minutes=5))
    event = client.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event",
                                            detail={}, resources=[])
    client.lambda_.invoke("sweep_floor", event)
    mine = call(client, "GET", f"/v1/bookings/{late['booking_id']}", token=late_token)[1]
    assert mine["status"] == "no_show"
    assert check_in(client, late["code"])[1]["code"] == "not_today"
    followed = call(client, "GET", f"/v1/tickets/{ticket['ticket_id']}")[1]
    assert followed["status"] == "no_show"
    assert call(client, "GET", "/v1/staff/counters/loket-2", token=staff)[1]["current"] is None


def test_display_shows_calls_and_answers_304_while_nothing_changes(client, fixed_clock):
    fixed_clock.advance(timedelta(hours=2))
    path = "/v1/malls/kota-bogor/display"
    answer = client.http.get(path)
    assert answer.status_code == 200 and answer.headers["ETag"]
    import json

    assert json.loads(answer.body)["now_serving"] == []
    etag = answer.headers["ETag"]
    assert client.http.get(path, headers={"If-None-Match": etag}).status_code == 304
    first, _ = walk_in(client)[1], walk_in(client, "skck")
    answer = client.http.get(path, headers={"If-None-Match": etag})  # the next numbers changed
    assert answer.status_code == 200 and first["ticket_number"] in json.loads(answer.body)["next"]
    etag = answer.headers["ETag"]
    assert client.http.get(path, headers={"If-None-Match": etag}).status_code == 304
    staff = staff_token(client)
    a = call_next(client, staff, "loket-2")
    fixed_clock.advance(timedelta(seconds=1))
    b = call_next(client, staff, "loket-6")
    fixed_clock.advance(timedelta(seconds=20))
    act(client, staff, a, "recall")
    answer = client.http.get(path, headers={"If-None-Match": etag})
    assert answer.status_code == 200 and answer.headers["ETag"] != etag
    shown = json.loads(answer.body)
    assert {(s["counter"], s["ticket_number"]) for s in shown["now_serving"]} == {
        ("Loket 2", a["ticket_number"]), ("Loket 6", b["ticket_number"])}
    # a recall is announced anew, and replaces the number's call: no repeated entries
    assert [(r["ticket_number"], r["kind"]) for r in shown["recent"]] == [
        (a["ticket_number"], "recall"), (b["ticket_number"], "call")]
    assert shown["earlier"] == [] and shown["next"] == []  # both are at a counter
    assert call(client, "GET", "/v1/malls/nowhere/display")[0] == 404


def test_a_busy_hall_shows_distinct_earlier_calls_breaks_and_the_next_numbers(client, fixed_clock):
    """Four counters, fourteen calls, recalls among them: the TV's earlier calls are the
    last distinct numbers no longer at a counter, and counters on a break say so."""
    import json

    fixed_clock.advance(timedelta(hours=2))
    for service, count in (("ktp-el", 11), ("pbg", 4), ("skck", 3)):
        for _ in range(count):
            assert walk_in(client, service)[0] == 201
    staff = staff_token(client)
    counters = ["loket-1", "loket-2", "loket-3", "loket-6"]
    called = []
    for round_ in range(4):
        for counter in counters:
            if round_ == 3 and counter == "loket-6":
                continue
            ticket = call_next(client, staff, counter)
            called.append(ticket["ticket_number"])
            fixed_clock.advance(timedelta(seconds=30))
            act(client, staff, ticket, "recall")
            act(client, staff, ticket, "recall")
            fixed_clock.advance(timedelta(seconds=30))
            if round_ < 3:
                act(client, staff, ticket, "start")
                act(client, staff, ticket, "finish")
    assert len(called) == 15
    status, body = call(client, "POST", "/v1/staff/counters/loket-6/break", {"on": True},
                        token=staff)
    assert status == 200 and body["on_break"] is True
    status, body = call(client, "POST", "/v1/staff/counters/loket-6/call-next", token=staff)
    assert status == 409 and "istirahat" in body["message"]
    # a counter holding a ticket finishes it before a break
    assert call(client, "POST", "/v1/staff/counters/loket-1/break", {"on": True},
                token=staff)[0] == 409

    shown = json.loads(client.http.get("/v1/malls/kota-bogor/display").body)
    at_counters = [s["ticket_number"] for s in shown["now_serving"]]
    assert at_counters == called[12:15]
    earlier = [c["ticket_number"] for c in shown["earlier"]]
    assert len(earlier) >= 8 and len(set(earlier)) == len(earlier)
    assert earlier == list(reversed(called[:12]))[:len(earlier)]  # newest first
    assert not set(earlier) & set(at_counters)
    assert [b["counter"] for b in shown["on_break"]] == ["Loket 6"]
    assert shown["next"] == ["A-009", "A-010", "A-011"] and shown["waiting"] == 3
    assert shown["now_serving"][0]["service_name"] == "Perekaman & cetak KTP-el"

    english = json.loads(client.http.get("/v1/malls/kota-bogor/display",
                                         headers={"Accept-Language": "en"}).body)
    assert english["now_serving"][0]["service_name"] == "e-KTP recording and printing"
    status, body = call(client, "POST", "/v1/staff/counters/loket-6/break", {"on": False},
                        token=staff)
    assert status == 200 and body["on_break"] is False
    assert call(client, "POST", "/v1/staff/counters/loket-6/call-next", token=staff)[0] == 200


def test_a_ticket_shows_people_ahead_and_an_estimated_wait(client, fixed_clock):
    fixed_clock.advance(timedelta(hours=2))
    tickets = [walk_in(client, "skck")[1] for _ in range(4)]
    last = call(client, "GET", f"/v1/tickets/{tickets[-1]['ticket_id']}")[1]
    # nobody staffs Loket 6 yet: no estimate, and never "soon" (issue 13: an NIB ticket read
    # "Sebentar lagi" for an hour with no counter open for NIB)
    assert (last["people_ahead"], last["estimated_wait_minutes"], last["no_counter_open"]) == (
        3, None, True)
    assert tickets[-1]["people_ahead"] == 3  # the walk-in's answer says what the page says
    staff = staff_token(client)
    ticket = call_next(client, staff, "loket-6")
    # Loket 6 is staffed now; no one served yet: SKCK's slots assume 30 min / 5 seats at its
    # one counter, 6 min each; the second ticket is called when the first is done
    second = call(client, "GET", f"/v1/tickets/{tickets[1]['ticket_id']}")[1]
    assert (second["people_ahead"], second["estimated_wait_minutes"],
            second["estimated_wait_max_minutes"], second["no_counter_open"]) == (0, 6, 11, False)
    for i in range(3):  # three served, 10 minutes each
        if i:
            ticket = call_next(client, staff, "loket-6")
        act(client, staff, ticket, "start")
        fixed_clock.advance(timedelta(minutes=10))
        act(client, staff, ticket, "finish")
    last = call(client, "GET", f"/v1/tickets/{tickets[-1]['ticket_id']}")[1]
    assert (last["people_ahead"], last["estimated_wait_minutes"]) == (0, 0)
    walk_in(client, "skck")
    walk_in(client, "skck")
    newest = walk_in(client, "skck")[1]
    shown = call(client, "GET", "/v1/tickets/" + newest["ticket_id"])[1]
    # 3 ahead at today's 10 min each plus 90 s for the call: 34.5 -> 35 min, up to 53
    assert (shown["people_ahead"], shown["estimated_wait_minutes"],
            shown["estimated_wait_max_minutes"]) == (3, 35, 53)
    assert (newest["people_ahead"], newest["estimated_wait_minutes"]) == (3, 35)
    # Loket 6 goes on a break: nobody serves SKCK now, and the tickets say so
    assert call(client, "POST", "/v1/staff/counters/loket-6/break", {"on": True},
                token=staff)[0] == 200
    paused = call(client, "GET", "/v1/tickets/" + newest["ticket_id"])[1]
    assert (paused["estimated_wait_minutes"], paused["no_counter_open"]) == (None, True)
    assert call(client, "GET", "/v1/tickets/no-such-ticket-anywhere")[0] == 404
    qr = client.http.get(f"/v1/tickets/{tickets[0]['ticket_id']}/qr.svg")
    assert qr.status_code == 200 and qr.headers["Content-Type"] == "image/svg+xml"


def test_kiosk_errors_speak_to_the_citizen_in_their_language(client, fixed_clock):
    fixed_clock.advance(timedelta(hours=2))
    status, body = call(client, "POST", "/v1/kiosk/checkins", {"code": "ZZZZZZZZ"},
                        headers={**KIOSK, "Accept-Language": "en"})
    assert body["message"].startswith("This booking code was not found at this mall")
    status, body = call(client, "POST", "/v1/kiosk/checkins", {"code": "ZZZZZZZZ"},
                        headers=KIOSK)
    assert body["message"].startswith("Kode booking tidak ditemukan di MPP ini")


@pytest.mark.parametrize("lang, text", [("id", "Silakan masuk"), ("en", "Log in first")])
def test_staff_errors_follow_accept_language(client, lang, text):
    status, body = call(client, "GET", "/v1/staff/counters", headers={"Accept-Language": lang})
    assert status == 401 and body["message"].startswith(text)


def test_three_no_shows_pause_online_booking_for_thirty_days(client, fixed_clock):
    from chalicelib.services import queue as queue_service
    from tests.api.helpers import login

    email, token = citizen(client)
    for day in ("2026-12-07", "2026-12-08", "2026-12-09"):
        booked(client, token, date=day, start="09:00")
    for _ in range(3):  # each day, the 09:00 booking is never checked in
        fixed_clock.advance(timedelta(hours=3))  # 10:00: past its 09:30 deadline
        queue_service.sweep(fixed_clock.now())
        fixed_clock.advance(timedelta(hours=21))
    token = login(client, email)
    skck = {"mall_id": "kota-bogor", "service_id": "skck", "date": "2026-12-14",
            "start": "09:00"}
    status, body = call(client, "POST", "/v1/bookings", skck, token=token)
    assert (status, body["code"]) == (403, "booking_paused")
    assert "Jumat, 8 Januari 2027" in body["message"]  # 30 days after the third
    me = call(client, "GET", "/v1/me", token=token)[1]
    assert me["booking_paused_until"] == "2027-01-08"
    assert me["booking_pauses"] == [{"mall_id": "kota-bogor", "name": "MPP Kota Bogor",
                                     "until": "2027-01-08"}]
    # each mall's own policy: a laxer one lifts the pause there, on the page as at booking
    admin = admin_token(client)
    assert call(client, "PATCH", "/v1/admin/malls/kota-bogor", {"no_show_limit": 4},
                token=admin)[0] == 200
    me = call(client, "GET", "/v1/me", token=token)[1]
    assert (me["booking_paused_until"], me["booking_pauses"]) == (None, [])
    assert call(client, "POST", "/v1/bookings", skck, token=token)[0] == 201
    fixed_clock.advance(timedelta(days=31))
    token = login(client, email)
    assert booked(client, token, service_id="skck", date="2027-01-12", start="09:00")[1]


def test_a_ticket_is_not_transferred_to_a_retired_service(client, fixed_clock, tmp_path, capsys):
    """No counter is meant to serve a retired service: a transfer there would strand the
    citizen (it was accepted)."""
    from chalicelib import cli
    from tests.api.test_retire import without_pbg

    assert cli.main(["import-mall", str(without_pbg(tmp_path))]) == 0
    fixed_clock.advance(timedelta(hours=2))
    walk_in(client, "nib")
    staff = staff_token(client)
    ticket = call_next(client, staff, "loket-3")
    status, body = act(client, staff, ticket, "transfer", {"service_id": "pbg"})
    assert (status, body["code"]) == (409, "service_retired")
    assert call(client, "GET", f"/v1/tickets/{ticket['ticket_id']}")[1]["status"] == "called"
