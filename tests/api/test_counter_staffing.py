"""Who works at which counter: the picker shows a counter taken (by whom) or on a break,
staff take over a counter another member left open, and leaving never takes someone else's
name off a counter. The desk learns how many recalls a no-show needs.

Monday 7 December 2026, the mall open; the demo staff and the mall admin both work counters.
"""
from datetime import timedelta

from tests.api.helpers import admin_token, call, staff_token
from tests.api.test_checkin import walk_in


def picker(client, token) -> dict:
    status, body = call(client, "GET", "/v1/staff/counters", token=token)
    assert status == 200, body
    return {c["counter_id"]: c for c in body}


def test_the_picker_shows_who_holds_a_counter_and_its_break(client, fixed_clock):
    fixed_clock.advance(timedelta(hours=1, minutes=5))  # 08:05 WIB
    staff, admin = staff_token(client), admin_token(client)
    assert call(client, "POST", "/v1/staff/counters/loket-3/open", token=admin)[0] == 200
    status, desk = call(client, "POST", "/v1/staff/counters/loket-6/open", token=staff)
    assert status == 200 and desk["mine"] is True and desk["staff_name"] == "Petugas Loket MPP Bogor"
    assert call(client, "POST", "/v1/staff/counters/loket-6/break", {"on": True},
                token=staff)[0] == 200

    seen = picker(client, staff)
    assert (seen["loket-3"]["staff_name"], seen["loket-3"]["mine"]) == ("Admin MPP Bogor", False)
    assert (seen["loket-6"]["mine"], seen["loket-6"]["on_break"]) == (True, True)
    assert seen["loket-6"]["opened_at"].startswith("2026-12-07T08:05")
    assert (seen["loket-1"]["staff_name"], seen["loket-1"]["on_break"]) == (None, False)


def test_leaving_a_counter_someone_took_over_leaves_it_theirs(client, fixed_clock):
    staff, admin = staff_token(client), admin_token(client)
    call(client, "POST", "/v1/staff/counters/loket-3/open", token=staff)
    # the admin takes the counter over (a shift change); the first member's page then leaves it
    status, desk = call(client, "POST", "/v1/staff/counters/loket-3/open", token=admin)
    assert status == 200 and desk["staff_name"] == "Admin MPP Bogor"
    status, desk = call(client, "POST", "/v1/staff/counters/loket-3/leave", token=staff)
    assert status == 200 and (desk["staff_name"], desk["mine"]) == ("Admin MPP Bogor", False)
    assert picker(client, admin)["loket-3"]["mine"] is True

    # the holder leaves: the counter is free, its break ended with it
    call(client, "POST", "/v1/staff/counters/loket-3/break", {"on": True}, token=admin)
    status, desk = call(client, "POST", "/v1/staff/counters/loket-3/leave", token=admin)
    assert status == 200 and (desk["staff_name"], desk["on_break"]) == (None, False)
    # leaving a counter nobody holds changes nothing and is no error
    assert call(client, "POST", "/v1/staff/counters/loket-3/leave", token=staff)[0] == 200


def test_the_desk_says_how_many_recalls_a_no_show_needs(client, fixed_clock):
    fixed_clock.advance(timedelta(hours=1, minutes=5))
    staff = staff_token(client)
    walk_in(client, "skck")
    status, desk = call(client, "GET", "/v1/staff/counters/loket-6", token=staff)
    assert status == 200 and desk["recalls_before_no_show"] == 2
    ticket = call(client, "POST", "/v1/staff/counters/loket-6/call-next", token=staff)[1]["ticket"]
    call(client, "POST", f"/v1/staff/tickets/{ticket['ticket_id']}/recall", token=staff)
    desk = call(client, "GET", "/v1/staff/counters/loket-6", token=staff)[1]
    assert desk["current"]["recalls"] == 1
