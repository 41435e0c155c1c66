"""A second channel: a citizen who opts in gets codes, confirmations, reminders and offers by
SMS too, through the same outbox (lease, retry, never twice), one segment where it fits."""
from datetime import timedelta

from chalicelib.mail import sender
from tests.api.helpers import BOOK, call, login, nik, verification_code
from tests.conftest import emulator_sms, fail_next_sms

PHONE = "+6281234567890"


def opted_in(client, n=9100):
    email = f"sms{n}@example.id"
    status, _ = call(client, "POST", "/v1/accounts", {
        "email": email, "password": "kuda-lari-123", "name": "Warga SMS", "phone": "0812-3456-7890",
        "nik": "3201 0145-0690 " + f"{n:04d}", "sms_opt_in": True})  # a NIK pasted with spaces
    assert status == 201
    call(client, "POST", "/v1/accounts/verify", {"email": email,
                                                 "code": verification_code(email)})
    return email, login(client, email)


def test_an_opted_in_citizen_gets_the_code_and_the_booking_by_sms(client):
    email, token = opted_in(client)
    texts = [m["text"] for m in emulator_sms(PHONE)]
    assert any(t.startswith("Antre: kode verifikasi") for t in texts)
    booking = call(client, "POST", "/v1/bookings", BOOK, token=token)[1]
    confirmation = emulator_sms(PHONE)[0]["text"]
    assert booking["code"] in confirmation and "Sel 8 Des 09:00" in confirmation
    assert len(confirmation) <= 160 and confirmation.isascii()  # one GSM-7 segment
    assert call(client, "GET", "/v1/me", token=token)[1]["sms_opt_in"] is True


def test_without_opt_in_no_sms_and_the_opt_in_can_change(client):
    status, _ = call(client, "POST", "/v1/accounts", {
        "email": "nosms@example.id", "password": "kuda-lari-123", "name": "Warga",
        "phone": "0813-1111-2222", "nik": nik(9200)})
    assert status == 201 and emulator_sms("+6281311112222") == []
    call(client, "POST", "/v1/accounts/verify", {"email": "nosms@example.id",
                                                 "code": verification_code("nosms@example.id")})
    token = login(client, "nosms@example.id")
    assert call(client, "PATCH", "/v1/me", {"sms_opt_in": True}, token=token)[1]["sms_opt_in"]
    call(client, "POST", "/v1/bookings", BOOK, token=token)
    assert len(emulator_sms("+6281311112222")) == 1


def test_sms_left_by_a_failing_sns_is_sent_once_by_the_retry(client, fixed_clock):
    email, token = opted_in(client, 9300)
    fail_next_sms(3)
    booking = call(client, "POST", "/v1/bookings", BOOK, token=token)[1]
    assert not any(booking["code"] in m["text"] for m in emulator_sms(PHONE))
    for _ in range(4):
        fixed_clock.advance(timedelta(minutes=10))
        sender.deliver_due(fixed_clock.now())
    sent = [m for m in emulator_sms(PHONE) if booking["code"] in m["text"]]
    assert len(sent) == 1  # delivered after the failures, and once
