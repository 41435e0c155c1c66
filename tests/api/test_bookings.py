"""Bookings through the citizen API: the journey, every error code, isolation, idempotency."""
import base64
import re
from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from chalicelib.domain.identity import BOOKING_CODE_ALPHABET
from chalicelib.mail import sender
from chalicelib.store import outbox
from tests.api.helpers import BOOK, call, citizen, login
from tests.conftest import emulator_mail, fail_next_ses_sends

SLOTS = "/v1/malls/kota-bogor/services/ktp-el/slots?date="


def remaining(client, date="2026-12-08", start="09:00"):
    return next(s["remaining"] for s in call(client, "GET", SLOTS + date)[1]
                if s["start"] == start)


def book(client, token, **changes):
    return call(client, "POST", "/v1/bookings", {**BOOK, **changes}, token=token)


def test_citizen_journey_book_read_qr_cancel(client):
    email, token = citizen(client)
    status, booking = book(client, token)
    assert status == 201, booking
    assert re.fullmatch(f"[{BOOKING_CODE_ALPHABET}]{{8}}", booking["code"])
    assert {k: booking[k] for k in BOOK} == BOOK
    assert booking["status"] == "booked" and booking["end"] == "09:30"
    assert remaining(client) == 3

    confirmation = emulator_mail(email)[0]
    assert booking["code"] in confirmation["text"]
    assert "Selasa, 8 Desember 2026" in confirmation["text"]
    assert "Kartu Keluarga" in confirmation["text"]  # the service's requirements
    kinds = {a["content_type"].split(";")[0]: a for a in confirmation["attachments"]}
    assert base64.b64decode(kinds["image/png"]["data_base64"]).startswith(b"\x89PNG")
    event = Calendar.from_ical(base64.b64decode(kinds["text/calendar"]["data_base64"]))
    start = next(iter(event.walk("VEVENT")))["DTSTART"].dt
    assert start.isoformat() == "2026-12-08T09:00:00+07:00"

    assert call(client, "GET", f"/v1/bookings/{booking['booking_id']}", token=token) \
        == (200, booking)
    status, mine = call(client, "GET", "/v1/bookings", token=token)
    assert [b["booking_id"] for b in mine] == [booking["booking_id"]]
    qr = client.http.get(f"/v1/bookings/{booking['booking_id']}/qr.svg",
                         headers={"Authorization": f"Bearer {token}"})
    assert qr.status_code == 200 and qr.headers["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.body and booking["code"].encode() in qr.body

    status, body = call(client, "POST", f"/v1/bookings/{booking['booking_id']}/cancel",
                        token=token)
    assert status == 200 and body["status"] == "cancelled"
    assert remaining(client) == 4
    assert "dibatalkan" in emulator_mail(email)[0]["subject"].lower()
    status, again = call(client, "POST", f"/v1/bookings/{booking['booking_id']}/cancel",
                         token=token)
    assert (status, again["code"]) == (409, "booking_not_changeable")
    assert book(client, token)[0] == 201  # the guard was released with the seat


def test_reschedule_moves_the_seat_and_keeps_the_code(client):
    email, token = citizen(client)
    _, booking = book(client, token)
    status, moved = call(client, "POST", f"/v1/bookings/{booking['booking_id']}/reschedule",
                         {"date": "2026-12-09", "start": "10:00"}, token=token)
    assert status == 200, moved
    assert (moved["code"], moved["date"], moved["start"], moved["end"]) == \
        (booking["code"], "2026-12-09", "10:00", "10:30")
    assert remaining(client) == 4
    assert remaining(client, "2026-12-09", "10:00") == 3
    assert "diubah" in emulator_mail(email)[0]["subject"].lower()
    assert call(client, "GET", f"/v1/bookings/{booking['booking_id']}", token=token)[1] \
        ["start"] == "10:00"
    # the old date's guard was released: the same service can be booked there again
    assert book(client, token)[0] == 201


def test_reschedule_to_a_full_slot_keeps_the_old_seat(client):
    _, token = citizen(client)
    _, booking = book(client, token)
    for _ in range(4):
        assert book(client, citizen(client)[1], start="10:00")[0] == 201
    status, body = call(client, "POST", f"/v1/bookings/{booking['booking_id']}/reschedule",
                        {"date": "2026-12-08", "start": "10:00"}, token=token)
    assert (status, body["code"]) == (409, "slot_full")
    assert remaining(client) == 3 and remaining(client, start="10:00") == 0
    assert call(client, "GET", f"/v1/bookings/{booking['booking_id']}", token=token)[1] \
        ["start"] == "09:00"


def test_reschedule_onto_a_date_already_booked_is_already_booked(client):
    _, token = citizen(client)
    _, first = book(client, token)
    assert book(client, token, date="2026-12-09")[0] == 201
    status, body = call(client, "POST", f"/v1/bookings/{first['booking_id']}/reschedule",
                        {"date": "2026-12-09", "start": "11:00"}, token=token)
    assert (status, body["code"]) == (409, "already_booked")


def test_full_slot_is_slot_full(client):
    for _ in range(4):
        assert book(client, citizen(client)[1])[0] == 201
    status, body = book(client, citizen(client)[1])
    assert (status, body["code"]) == (409, "slot_full")
    assert remaining(client) == 0


def test_same_service_same_day_is_already_booked(client):
    _, token = citizen(client)
    assert book(client, token)[0] == 201
    status, body = book(client, token, start="13:00")
    assert (status, body["code"]) == (409, "already_booked")
    assert book(client, token, service_id="skck")[0] == 201  # another service is fine


@pytest.mark.parametrize("changes, why", [
    ({"date": "2026-12-12"}, "Saturday"),
    ({"date": "2026-12-25"}, "Christmas"),
    ({"date": "2026-12-04"}, "past"),
    ({"date": "2027-01-08"}, "beyond the window"),
    ({"start": "16:00"}, "after closing"),
    ({"start": "09:15"}, "not a slot start"),
    ({"date": "2026-12-11", "start": "12:00"}, "Friday prayer break"),
    ({"service_id": "sim-info"}, "walk-in only"),
])
def test_unbookable_slots_are_slot_unavailable(client, changes, why):
    _, token = citizen(client)
    status, body = book(client, token, **changes)
    assert (status, body["code"]) == (422, "slot_unavailable"), why


def test_slot_inside_the_lead_time_is_unavailable(client, fixed_clock):
    _, token = citizen(client)
    fixed_clock.advance(timedelta(minutes=30))  # 07:30; 08:00 is less than an hour away
    status, body = book(client, token, date="2026-12-07", start="08:00")
    assert (status, body["code"]) == (422, "slot_unavailable")
    assert book(client, token, date="2026-12-07", start="08:30")[0] == 201


def test_at_most_three_active_bookings(client, fixed_clock):
    email, token = citizen(client)
    for day in ("2026-12-08", "2026-12-09", "2026-12-10"):
        assert book(client, token, date=day)[0] == 201
    status, body = book(client, token, date="2026-12-14")
    assert (status, body["code"]) == (409, "booking_limit_reached")
    fixed_clock.advance(timedelta(days=1, hours=8))  # the 8 December booking has passed
    assert book(client, login(client, email), date="2026-12-14")[0] == 201


def test_another_citizens_booking_is_404(client):
    _, owner = citizen(client)
    _, booking = book(client, owner)
    _, stranger = citizen(client)
    bid = booking["booking_id"]
    for method, path, body in [("GET", f"/v1/bookings/{bid}", None),
                               ("GET", f"/v1/bookings/{bid}/qr.svg", None),
                               ("POST", f"/v1/bookings/{bid}/cancel", None),
                               ("POST", f"/v1/bookings/{bid}/reschedule",
                                {"date": "2026-12-09", "start": "09:00"})]:
        status, answer = call(client, method, path, body, token=stranger)
        assert (status, answer["code"]) == (404, "not_found"), path
    assert call(client, "GET", "/v1/bookings", token=stranger) == (200, [])
    assert remaining(client) == 3


def test_idempotent_retry_books_once(client):
    email, token = citizen(client)
    key = {"Idempotency-Key": "b5c1e7d2-retry"}
    first = call(client, "POST", "/v1/bookings", BOOK, token=token, headers=key)
    second = call(client, "POST", "/v1/bookings", BOOK, token=token, headers=key)
    assert first[0] == 201 and second[0] == 200 and first[1] == second[1]
    assert remaining(client) == 3
    assert len(call(client, "GET", "/v1/bookings", token=token)[1]) == 1
    assert len([m for m in emulator_mail(email) if "terkonfirmasi" in m["subject"]]) == 1
    status, body = call(client, "POST", "/v1/bookings", {**BOOK, "start": "10:00"},
                        token=token, headers=key)
    assert (status, body["code"]) == (422, "idempotency_key_reused")
    _, other = citizen(client)  # keys are per account
    assert call(client, "POST", "/v1/bookings", BOOK, token=other, headers=key)[0] == 201


def test_past_bookings_cannot_change(client, fixed_clock):
    email, token = citizen(client)
    _, booking = book(client, token)
    fixed_clock.advance(timedelta(days=1, hours=3))  # 8 December 10:00 WIB
    token = login(client, email)
    for path, body in [("cancel", None), ("reschedule", {"date": "2026-12-09", "start": "09:00"})]:
        status, answer = call(client, "POST", f"/v1/bookings/{booking['booking_id']}/{path}",
                              body, token=token)
        assert (status, answer["code"]) == (409, "booking_not_changeable"), path


def test_bad_booking_requests(client):
    _, token = citizen(client)
    assert call(client, "POST", "/v1/bookings", BOOK)[1]["code"] == "unauthorized"
    assert call(client, "POST", "/v1/bookings", raw="{bad", token=token)[0] == 400
    for bad in ({**BOOK, "date": 20261208}, {**BOOK, "start": None},
                {k: v for k, v in BOOK.items() if k != "start"}, {**BOOK, "start": "9:00"},
                {**BOOK, "seats": 3}):
        status, body = call(client, "POST", "/v1/bookings", bad, token=token)
        assert status == 422 and body["code"] == "validation_error", bad
    assert book(client, token, mall_id="nowhere")[0] == 404
    assert call(client, "GET", "/v1/bookings/01NOPE", token=token)[0] == 404
    assert remaining(client) == 4


def _unsent() -> list:
    """Every outbox item still waiting to be sent, due now or later."""
    return outbox.due(datetime(2100, 1, 1, tzinfo=timezone.utc), limit=1000)


def test_ses_failure_never_fails_a_booking_and_the_retry_sends_it(client, fixed_clock):
    email, token = citizen(client)
    fail_next_ses_sends(1)
    status, booking = book(client, token)
    assert status == 201
    assert not [m for m in emulator_mail(email) if booking["code"] in m["text"]]
    mail = [m for m in _unsent() if m.ref == booking["booking_id"]]
    assert mail[0].status == "pending" and "ses" in mail[0].last_error
    fixed_clock.advance(timedelta(minutes=2))
    assert sender.deliver_due(fixed_clock.now()) == {"sent": 1}
    assert [m for m in emulator_mail(email) if booking["code"] in m["text"]]
    assert _unsent() == []
    sent = outbox.get(mail[0].mail_id)
    assert sent.status == "sent"  # and its personal data expires with DynamoDB's TTL:
    assert sent.expires_at == int((fixed_clock.now() + timedelta(days=30)).timestamp())


def test_mail_that_keeps_failing_ends_failed_and_visible(client, fixed_clock):
    email, token = citizen(client)
    fail_next_ses_sends(100)
    _, booking = book(client, token)
    for _ in range(10):
        fixed_clock.advance(timedelta(hours=1))
        sender.deliver_due(fixed_clock.now())
    [item] = outbox.failed("kota-bogor")
    assert item.ref == booking["booking_id"]
    assert item.status == "failed" and item.attempts == 8
    assert _unsent() == []


def test_hostile_ids_and_bodies_are_clean_errors(client):
    _, token = citizen(client)
    long = "x" * 3000
    assert call(client, "GET", f"/v1/malls/{long}/services")[1]["code"] == "not_found"
    assert call(client, "GET", f"/v1/malls/kota-bogor/services/{long}/slots?date=2026-12-08")[0] \
        == 404
    assert call(client, "GET", f"/v1/bookings/{long}", token=token)[0] == 404
    assert call(client, "POST", f"/v1/bookings/{long}/cancel", token=token)[0] == 404
    status, body = call(client, "POST", "/v1/bookings", raw="[" * 100000, token=token)
    assert (status, body["code"]) == (400, "bad_request")
    status, body = book(client, token, mall_id="x" * 65)
    assert (status, body["code"]) == (422, "validation_error")


def test_staff_and_admins_cannot_book_online(client):
    admin = login(client, "admin@antre.local", "admin-demo-123")
    status, body = book(client, admin)
    assert (status, body["code"]) == (403, "forbidden")


def test_a_booking_downloads_as_a_calendar_file(client):
    from tests.api.helpers import booked

    token, booking = booked(client)
    answer = client.http.get(f"/v1/bookings/{booking['booking_id']}/calendar.ics",
                             headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith(
        "text/calendar")
    text = answer.body.decode()
    assert "BEGIN:VEVENT" in text and booking["code"] in text and "Asia/Jakarta" in text
    other = citizen(client)[1]
    assert call(client, "GET", f"/v1/bookings/{booking['booking_id']}/calendar.ics",
                token=other)[0] == 404


def test_personal_data_expires_by_ttl_after_the_retention_period(client):
    from chalicelib.store import bookings as booking_store
    from chalicelib.store.models import BookingGuard, CodeClaim
    from tests.api.helpers import booked

    token, booking = booked(client)
    stored = booking_store.get(call(client, "GET", "/v1/me", token=token)[1]["account_id"],
                               booking["booking_id"])
    assert stored.expires_at == stored.end_at + 180 * 86400
    claim = CodeClaim.get(f"CODE#{booking['code']}", "CODE")
    guard = next(BookingGuard.query(f"NIK#{stored.nik_hash}"))
    assert claim.expires_at == guard.expires_at == stored.expires_at
    call(client, "POST", f"/v1/bookings/{booking['booking_id']}/reschedule",
         {"date": "2026-12-10", "start": "09:00"}, token=token)
    moved = booking_store.get(stored.account_id, booking["booking_id"])
    assert moved.expires_at == moved.end_at + 180 * 86400 > stored.expires_at
