"""Rate limits that hold: an attempt is reserved before the work, per account and per
client address, with 429 and Retry-After; verification reveals no account."""
from datetime import timedelta

import pytest

from chalicelib.services import throttle
from tests.api.helpers import call, citizen, login, nik, register


@pytest.fixture
def limits():
    yield throttle.set_limit
    throttle.reset_limits()


def test_failed_logins_are_limited_per_account_for_one_window_only(client, fixed_clock, limits):
    limits("login_account", 5, 900)
    email, password = register(client)
    for _ in range(5):
        assert call(client, "POST", "/v1/sessions",
                    {"email": email, "password": "nope-nope"})[1]["code"] == "invalid_credentials"
    answer = client.http.post("/v1/sessions", headers={"Content-Type": "application/json"},
                              body=f'{{"email": "{email}", "password": "{password}"}}')
    assert answer.status_code == 429 and 0 < int(answer.headers["Retry-After"]) <= 900
    fixed_clock.advance(timedelta(minutes=15))  # a stranger locks nobody out for longer
    assert login(client, email, password)


def test_one_address_trying_many_accounts_is_limited(client, limits):
    limits("login_address", 3, 900)
    for n in range(3):
        call(client, "POST", "/v1/sessions", {"email": f"x{n}@example.id", "password": "p"})
    status, body = call(client, "POST", "/v1/sessions", {"email": "y@example.id", "password": "p"},
                        headers={"Accept-Language": "en"})
    assert (status, body["code"]) == (429, "too_many_attempts")
    assert body["message"].startswith("Too many attempts; try again in")


def test_registration_codes_and_resets_are_limited_per_address(client, limits):
    limits("register_address", 2, 3600)
    limits("reset_address", 1, 3600)
    limits("code_address", 2, 900)
    for n in range(2):
        register(client, verify=False)
    status, body = call(client, "POST", "/v1/accounts", {
        "email": "third@example.id", "password": "kuda-lari-123", "name": "X",
        "phone": "081234567890", "nik": nik(8801)})
    assert status == 429
    assert call(client, "POST", "/v1/accounts/password-reset", {"email": "a@example.id"})[0] == 202
    assert call(client, "POST", "/v1/accounts/password-reset", {"email": "b@example.id"})[0] == 429
    for _ in range(2):
        call(client, "POST", "/v1/accounts/verify", {"email": "a@example.id", "code": "123456"})
    assert call(client, "POST", "/v1/accounts/verify",
                {"email": "a@example.id", "code": "123456"})[0] == 429


def test_verify_reveals_no_account(client):
    from tests.api.helpers import verification_code

    email, _ = register(client)
    code = verification_code(email)
    wrong = "000000" if code != "000000" else "111111"
    unknown = call(client, "POST", "/v1/accounts/verify", {"email": "no@example.id", "code": wrong})
    verified = call(client, "POST", "/v1/accounts/verify", {"email": email, "code": wrong})
    assert unknown == verified == (400, {"code": "invalid_code",
                                         "message": unknown[1]["message"]})
    assert call(client, "POST", "/v1/accounts/verify", {"email": email, "code": code}) == (
        200, {"verified": True})  # the right code answers as before


def test_a_taken_nik_says_how_to_claim_it(client):
    email, _ = register(client, nik_value=nik(8901))
    status, body = call(client, "POST", "/v1/accounts", {
        "email": "other@example.id", "password": "kuda-lari-123", "name": "X",
        "phone": "081234567890", "nik": nik(8901)})
    assert (status, body["code"]) == (409, "nik_taken")
    assert "loket layanan MPP" in body["message"] and "KTP" in body["message"]
    assert email not in body["message"]


def test_phone_walk_ins_are_limited_per_address(client, fixed_clock, limits):
    from tests.api.helpers import KIOSK

    limits("walkin_address", 2, 600)
    fixed_clock.advance(timedelta(hours=2))
    token = call(client, "POST", "/v1/kiosk/walkin-token", headers=KIOSK)[1]["token"]
    codes = [call(client, "POST", "/v1/walkins", {"token": token, "service_id": "skck"})[0]
             for _ in range(3)]
    assert codes == [201, 201, 429]


def test_kiosks_guessing_codes_are_slowed_down(client, limits):
    from tests.api.helpers import KIOSK

    limits("checkin_misses", 3, 3600)
    codes = [call(client, "POST", "/v1/kiosk/checkins", {"code": "ZZZZZZZZ"}, headers=KIOSK)[0]
             for _ in range(4)]
    assert codes == [404, 404, 404, 429]


def test_bookings_are_limited_per_account(client, limits):
    from tests.api.helpers import BOOK

    limits("booking_account", 2, 3600)
    _, token = citizen(client)
    results = [call(client, "POST", "/v1/bookings", {**BOOK, "service_id": s}, token=token)[0]
               for s in ("ktp-el", "skck", "nib")]
    assert results == [201, 201, 429]
