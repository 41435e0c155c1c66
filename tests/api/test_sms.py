"""A second channel: a citizen who proved their phone gets codes, confirmations, reminders and
offers by SMS too, through the same outbox (lease, retry, never twice), one segment where it
fits. A number nobody proved gets nothing but its own code, a few a day, within the stage's
daily SMS budget (issue 14)."""
import re
from datetime import timedelta

import pytest

from chalicelib.mail import sender
from chalicelib.services import throttle
from tests.api.helpers import BOOK, call, login, nik, verification_code
from tests.conftest import emulator_mail, emulator_sms, fail_next_sms

PHONE = "+6281234567890"


@pytest.fixture
def limit():
    yield throttle.set_limit
    throttle.reset_limits()


@pytest.fixture
def production_limits(limit):
    """The limits of a stage (the tests' environment lifts them)."""
    for name, (attempts, seconds) in throttle.DEFAULTS.items():
        limit(name, attempts, seconds)


def registered(client, n=9100, phone="0812-3456-7890", sms_opt_in=True):
    email = f"sms{n}@example.id"
    status, _ = call(client, "POST", "/v1/accounts", {
        "email": email, "password": "kuda-lari-123", "name": "Warga Sms", "phone": phone,
        "nik": "3201 0145-0690 " + f"{n:04d}", "sms_opt_in": sms_opt_in})  # pasted with spaces
    assert status == 201
    call(client, "POST", "/v1/accounts/verify", {"email": email,
                                                 "code": verification_code(email)})
    return email, login(client, email)


def phone_code(number=PHONE) -> str:
    texts = [m["text"] for m in emulator_sms(number) if "membuktikan nomor HP" in m["text"]]
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def opted_in(client, n=9100):
    email, token = registered(client, n)
    assert call(client, "POST", "/v1/me/phone/code", {}, token=token)[0] == 200
    status, me = call(client, "POST", "/v1/me/phone/verify", {"code": phone_code()},
                      token=token)
    assert status == 200 and me["phone_verified"] and me["sms_opt_in"]
    return email, token


def test_a_phone_gets_nothing_but_its_own_code_until_its_owner_typed_it_back(client):
    """Issue 14: an account registered with a stranger's number and `sms_opt_in` sent that
    number a code at once, and then one a minute for ever."""
    email, token = registered(client)
    assert emulator_sms(PHONE) == []  # registering texts nobody
    me = call(client, "GET", "/v1/me", token=token)[1]
    assert (me["sms_opt_in"], me["phone_verified"]) == (False, False)
    status, body = call(client, "PATCH", "/v1/me", {"sms_opt_in": True}, token=token)
    assert (status, body["code"]) == (409, "phone_not_verified")
    assert "kode lewat SMS" in body["message"]
    call(client, "POST", "/v1/bookings", BOOK, token=token)
    assert emulator_sms(PHONE) == []  # the booking went by email only
    assert call(client, "POST", "/v1/me/phone/code", {}, token=token)[0] == 200
    sms = emulator_sms(PHONE)
    assert len(sms) == 1 and sms[0]["text"].startswith("Antre: kode untuk membuktikan")
    code = phone_code()
    wrong = "000000" if code != "000000" else "111111"
    assert call(client, "POST", "/v1/me/phone/verify", {"code": wrong},
                token=token)[1]["code"] == "invalid_code"
    status, me = call(client, "POST", "/v1/me/phone/verify", {"code": code}, token=token)
    assert status == 200 and me["phone_verified"] and me["sms_opt_in"]
    booking = call(client, "POST", "/v1/bookings", {**BOOK, "service_id": "kartu-keluarga"},
                   token=token)[1]
    confirmation = [m["text"] for m in emulator_sms(PHONE) if booking["code"] in m["text"]]
    assert len(confirmation) == 1 and "Sel 8 Des 09:00" in confirmation[0]
    assert len(confirmation[0]) <= 160 and confirmation[0].isascii()  # one GSM-7 segment


def test_phone_codes_are_limited_per_account_number_and_client_address(client, production_limits,
                                                                       limit):
    email, token = registered(client)
    answers = [call(client, "POST", "/v1/me/phone/code", {}, token=token)[0] for _ in range(4)]
    assert answers == [200, 200, 200, 429]  # three a day for one account
    # other accounts naming the same number: three a day for the number, whoever asks
    _, other = registered(client, 9101)
    status, body = call(client, "POST", "/v1/me/phone/code", {}, token=other)
    assert (status, body["code"]) == (429, "too_many_attempts")
    assert len(emulator_sms(PHONE)) == 3
    limit("phone_address", 6, 86400)  # this client asked five times already
    _, third = registered(client, 9102, phone="0813-0000-0001")
    _, fourth = registered(client, 9103, phone="0813-0000-0002")
    assert call(client, "POST", "/v1/me/phone/code", {}, token=third)[0] == 200
    assert call(client, "POST", "/v1/me/phone/code", {}, token=fourth)[0] == 429


def test_past_the_daily_sms_budget_only_booking_codes_and_offers_still_go_by_sms(
        client, fixed_clock, limit):
    email, token = opted_in(client)  # its code is the day's first SMS
    limit("sms_day", 2, 86400)
    call(client, "POST", "/v1/accounts/password-reset", {"email": email})  # the second
    fixed_clock.advance(timedelta(minutes=2))
    call(client, "POST", "/v1/accounts/password-reset", {"email": email})  # past the budget
    resets = [m for m in emulator_sms(PHONE) if "atur ulang" in m["text"]]
    assert len(resets) == 1  # the second reset code went by email alone
    assert len([m for m in emulator_mail(email) if "atur ulang" in m["subject"].lower()]) == 2
    booking = call(client, "POST", "/v1/bookings", BOOK, token=token)[1]
    assert any(booking["code"] in m["text"] for m in emulator_sms(PHONE))  # still by SMS
    _, other = registered(client, 9104, phone="0813-0000-0003")
    status, body = call(client, "POST", "/v1/me/phone/code", {}, token=other)
    assert status == 429 and "batas layanan" in body["message"]


def test_a_new_number_is_unproven_until_its_own_code_comes_back(client):
    email, token = opted_in(client, 9105)
    status, me = call(client, "POST", "/v1/me/phone/code", {"phone": "0813-1111-2222"},
                      token=token)
    assert status == 200 and me["phone"] == "+6281311112222"
    assert (me["phone_verified"], me["sms_opt_in"]) == (False, False)
    call(client, "POST", "/v1/bookings", BOOK, token=token)
    assert len(emulator_sms("+6281311112222")) == 1  # only its code
    assert not any("Antre: booking" in m["text"] for m in emulator_sms(PHONE))


def test_without_opt_in_no_sms_and_the_opt_in_can_change(client):
    status, _ = call(client, "POST", "/v1/accounts", {
        "email": "nosms@example.id", "password": "kuda-lari-123", "name": "Warga",
        "phone": "0813-1111-2222", "nik": nik(9200)})
    assert status == 201 and emulator_sms("+6281311112222") == []
    call(client, "POST", "/v1/accounts/verify", {"email": "nosms@example.id",
                                                 "code": verification_code("nosms@example.id")})
    token = login(client, "nosms@example.id")
    call(client, "POST", "/v1/me/phone/code", {}, token=token)
    call(client, "POST", "/v1/me/phone/verify", {"code": phone_code("+6281311112222")},
         token=token)
    assert call(client, "PATCH", "/v1/me", {"sms_opt_in": False}, token=token)[1][
        "sms_opt_in"] is False
    call(client, "POST", "/v1/bookings", BOOK, token=token)
    assert len(emulator_sms("+6281311112222")) == 1  # the code only
    assert call(client, "PATCH", "/v1/me", {"sms_opt_in": True}, token=token)[1]["sms_opt_in"]
    call(client, "POST", "/v1/bookings", {**BOOK, "service_id": "kartu-keluarga"}, token=token)
    assert len(emulator_sms("+6281311112222")) == 2


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
