"""The citizen's rights over their data (UU PDP 27/2022): a copy of everything held about
them, and the account's erasure, through the HTTP API."""
import json

from tests.api.helpers import (
    BOOK, admin_token, booked, call, login, nik, register, staff_token,
)
from tests.conftest import emulator_mail

SLOTS = f"/v1/malls/kota-bogor/services/ktp-el/slots?date={BOOK['date']}"


def remaining(client, start=BOOK["start"]) -> int:
    return next(s["remaining"] for s in call(client, "GET", SLOTS)[1] if s["start"] == start)


def test_a_citizen_downloads_everything_held_about_them_and_nobody_else(client):
    email, password = register(client)
    token = login(client, email, password)
    _, mine = booked(client, token=token)
    _, theirs = booked(client)  # another citizen, same slot
    answer = client.http.get("/v1/me/data", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    assert answer.headers["Cache-Control"] == "no-store"
    data = json.loads(answer.body)
    assert data["format"] == "antre-personal-data" and data["account"]["email"] == email
    assert [b["code"] for b in data["bookings"]] == [mine["code"]]
    assert data["bookings"][0]["forgotten_after"]  # when the retention TTL removes it
    text = answer.body.decode()
    assert theirs["code"] not in text
    for secret in ("password_hash", "argon2", "verify_code_hash", "nik_hash"):
        assert secret not in text
    # staff and admins get their own account's copy (no bookings of their own); no token: 401
    status, copy = call(client, "GET", "/v1/me/data", token=staff_token(client))
    assert status == 200 and copy["account"]["role"] == "staff" and copy["bookings"] == []
    assert email not in str(copy)
    assert call(client, "GET", "/v1/me/data")[0] == 401


def test_erasing_an_account_frees_its_seats_email_and_nik_and_keeps_only_counts(client):
    citizen_nik = nik()
    email, password = register(client, nik_value=citizen_nik)
    token = login(client, email, password)
    before = remaining(client)
    _, booking = booked(client, token=token)
    assert remaining(client) == before - 1

    # a stolen session alone cannot erase: the password is asked again; nothing changes
    status, body = call(client, "POST", "/v1/me/delete", {"password": "salah-sandi-99"},
                        token=token)
    assert (status, body["code"]) == (403, "wrong_password")
    assert call(client, "GET", f"/v1/bookings/{booking['booking_id']}", token=token)[0] == 200
    status, body = call(client, "POST", "/v1/me/delete", {}, token=token)
    assert (status, body["code"]) == (422, "validation_error")

    status, body = call(client, "POST", "/v1/me/delete", {"password": password}, token=token)
    assert status == 200 and body == {"deleted": True, "cancelled_bookings": 1,
                                      "left_waitlists": 0}
    assert remaining(client) == before  # the seat is someone else's again
    assert call(client, "GET", "/v1/me", token=token)[0] == 401  # the session is gone
    status, body = call(client, "POST", "/v1/sessions", {"email": email, "password": password})
    assert status == 401
    mail = [m for m in emulator_mail(email) if "dihapus" in m["subject"]]
    assert len(mail) == 1 and "1 booking" in mail[0]["text"]
    # the email and the NIK register again at once
    register(client, email=email, nik_value=citizen_nik)
    # statistics keep the counts (one booking, one cancellation), never the person
    rows = call(client, "GET", "/v1/admin/malls/kota-bogor/stats?from=2026-12-08&to=2026-12-08",
                token=admin_token(client))[1]
    ktp = next(r for r in rows if r["service_id"] == "ktp-el")
    assert (ktp["bookings"], ktp["cancellations"]) >= (1, 1)


def test_staff_cannot_erase_themselves_through_the_citizen_route(client):
    status, body = call(client, "POST", "/v1/me/delete", {"password": "staff-demo-123"},
                        token=staff_token(client))
    assert (status, body["code"]) == (403, "forbidden")
    assert "admin MPP" in body["message"]
    assert staff_token(client)  # still there
