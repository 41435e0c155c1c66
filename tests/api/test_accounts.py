"""Accounts: registration, email verification, login, throttling, tokens."""
import re
from datetime import timedelta

from chalicelib.store.models import Item
from tests.api.helpers import call, login, nik, register, verification_code
from tests.conftest import emulator_mail

PERSON = {"email": "siti@example.id", "password": "kuda-lari-123", "name": "Siti Aminah",
          "phone": "0812 3456 7890", "nik": "3201014506900001"}


def test_register_verify_login_me(client):
    status, body = call(client, "POST", "/v1/accounts", PERSON)
    assert status == 201 and body["account_id"]
    mail = emulator_mail("siti@example.id")
    assert len(mail) == 1 and "verifikasi" in mail[0]["subject"].lower()
    assert call(client, "POST", "/v1/sessions",
                {"email": "siti@example.id", "password": "kuda-lari-123"})[1]["code"] \
        == "email_not_verified"
    code = verification_code("siti@example.id")
    assert call(client, "POST", "/v1/accounts/verify",
                {"email": "SITI@example.id ", "code": code}) == (200, {"verified": True})
    token = login(client, "siti@example.id")
    status, me = call(client, "GET", "/v1/me", token=token)
    assert status == 200
    assert me["email"] == "siti@example.id" and me["phone"] == "+6281234567890"
    assert me["nik_last4"] == "0001" and me["role"] == "citizen"
    assert me["account_id"] == body["account_id"]


def test_the_nik_is_stored_only_as_a_keyed_hash(client):
    status, body = call(client, "POST", "/v1/accounts", PERSON)
    stored = [i.serialize() for i in Item.query(f"ACCOUNT#{body['account_id']}")]
    assert stored and "3201014506900001" not in repr(stored)


def test_email_and_nik_are_unique(client):
    assert call(client, "POST", "/v1/accounts", PERSON)[0] == 201
    status, body = call(client, "POST", "/v1/accounts", {**PERSON, "nik": nik()})
    assert (status, body["code"]) == (409, "email_taken")
    status, body = call(client, "POST", "/v1/accounts", {**PERSON, "email": "other@example.id"})
    assert (status, body["code"]) == (409, "nik_taken")


def test_invalid_registration_fields_are_422_and_create_nothing(client):
    cases = {"nik": "1234567890123456", "phone": "12345", "email": "no-at-sign",
             "password": "short"}
    for field, value in cases.items():
        status, body = call(client, "POST", "/v1/accounts", {**PERSON, field: value})
        assert status == 422 and body["code"] == "validation_error", field
        assert field in body["message"], body
    status, body = call(client, "POST", "/v1/accounts", {**PERSON, "nik": 3201014506900001})
    assert status == 422
    status, body = call(client, "POST", "/v1/accounts", {**PERSON, "admin": True})
    assert status == 422
    assert emulator_mail() == []
    assert call(client, "POST", "/v1/accounts", PERSON)[0] == 201  # nothing was claimed


def test_malformed_json_is_400(client):
    for raw in ("{", "[1, 2]", "null", '"text"'):
        status, body = call(client, "POST", "/v1/accounts", raw=raw)
        assert status == 400 and body["code"] == "bad_request", raw


def test_wrong_code_attempts_are_limited(client):
    register(client, email="budi@example.id", verify=False)
    code = verification_code("budi@example.id")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        status, body = call(client, "POST", "/v1/accounts/verify",
                            {"email": "budi@example.id", "code": wrong})
        assert (status, body["code"]) == (400, "invalid_code")
    status, body = call(client, "POST", "/v1/accounts/verify",
                        {"email": "budi@example.id", "code": code})
    assert (status, body["code"]) == (400, "invalid_code")


def test_code_expires_after_15_minutes_and_can_be_resent(client, fixed_clock):
    register(client, email="ani@example.id", verify=False)
    old = verification_code("ani@example.id")
    fixed_clock.advance(timedelta(minutes=16))
    status, body = call(client, "POST", "/v1/accounts/verify",
                        {"email": "ani@example.id", "code": old})
    assert (status, body["code"]) == (400, "invalid_code") and "kedaluwarsa" in body["message"]
    assert call(client, "POST", "/v1/accounts/verify/resend",
                {"email": "ani@example.id"})[0] == 202
    assert len(emulator_mail("ani@example.id")) == 2
    new = verification_code("ani@example.id")
    assert call(client, "POST", "/v1/accounts/verify",
                {"email": "ani@example.id", "code": new})[0] == 200


def test_resend_does_not_reveal_unknown_addresses(client):
    status, body = call(client, "POST", "/v1/accounts/verify/resend",
                        {"email": "nobody@example.id"})
    assert status == 202 and emulator_mail() == []


def test_unknown_email_code_is_invalid_code(client):
    status, body = call(client, "POST", "/v1/accounts/verify",
                        {"email": "nobody@example.id", "code": "123456"})
    assert (status, body["code"]) == (400, "invalid_code")


def test_unknown_email_login_is_invalid_credentials(client):
    status, body = call(client, "POST", "/v1/sessions",
                        {"email": "nobody@example.id", "password": "whatever1"})
    assert (status, body["code"]) == (401, "invalid_credentials")


def test_tokens_are_required_checked_and_expire(client, fixed_clock):
    assert call(client, "GET", "/v1/me")[1]["code"] == "unauthorized"
    assert call(client, "GET", "/v1/me", token="not.a.token")[0] == 401
    email, password = register(client)
    token = login(client, email, password)
    assert call(client, "GET", "/v1/me", token=token[:-2] + "xx")[0] == 401
    fixed_clock.advance(timedelta(hours=13))
    status, body = call(client, "GET", "/v1/me", token=token)
    assert status == 401 and "berakhir" in body["message"]


def test_admin_token_carries_role_and_mall(client):
    token = login(client, "admin@antre.local", "admin-demo-123")
    status, me = call(client, "GET", "/v1/me", token=token)
    assert me["role"] == "admin" and me["mall_id"] == "kota-bogor"


# --- a forgotten password, and sessions that end --------------------------------------------


def reset_code(email: str) -> str:
    from tests.conftest import emulator_mail

    mail = [m for m in emulator_mail(email) if "atur ulang" in m["subject"].lower()]
    return re.search(r"\b(\d{6})\b", mail[0]["text"]).group(1)


def test_password_reset_by_emailed_code_ends_every_earlier_session(client, fixed_clock):
    email, password = register(client)
    old = login(client, email, password)
    assert call(client, "POST", "/v1/accounts/password-reset", {"email": email}) == (
        202, {"sent": True})
    assert call(client, "POST", "/v1/accounts/password-reset",
                {"email": "nobody@example.id"}) == (202, {"sent": True})  # reveals nothing
    code = reset_code(email)
    new_password = " Sembilan kuda berlari  "  # taken as typed: spaces included
    status, body = call(client, "POST", "/v1/accounts/password-reset/confirm",
                        {"email": email, "code": "000000" if code != "000000" else "111111",
                         "password": new_password})
    assert (status, body["code"]) == (400, "invalid_code")
    status, body = call(client, "POST", "/v1/accounts/password-reset/confirm",
                        {"email": email, "code": code, "password": new_password})
    assert (status, body) == (200, {"reset": True})
    status, body = call(client, "GET", "/v1/me", token=old)
    assert (status, body["code"]) == (401, "unauthorized")  # the earlier session has ended
    assert call(client, "POST", "/v1/sessions", {"email": email, "password": password})[0] == 401
    assert call(client, "POST", "/v1/sessions",
                {"email": email, "password": new_password.strip()})[0] == 401
    fresh = login(client, email, new_password)
    assert call(client, "GET", "/v1/me", token=fresh)[0] == 200
    status, body = call(client, "POST", "/v1/accounts/password-reset/confirm",
                        {"email": email, "code": code, "password": "another long phrase 9"})
    assert (status, body["code"]) == (400, "invalid_code")  # a code works once


def test_reset_codes_allow_five_attempts_and_expire(client, fixed_clock):
    email, _ = register(client)
    call(client, "POST", "/v1/accounts/password-reset", {"email": email})
    code = reset_code(email)
    wrong = "999999" if code != "999999" else "888888"
    for _ in range(5):
        call(client, "POST", "/v1/accounts/password-reset/confirm",
             {"email": email, "code": wrong, "password": "kuda merah lompat"})
    status, body = call(client, "POST", "/v1/accounts/password-reset/confirm",
                        {"email": email, "code": code, "password": "kuda merah lompat"})
    assert (status, body["code"]) == (400, "invalid_code")  # the right code, too late
    fixed_clock.advance(timedelta(minutes=2))
    call(client, "POST", "/v1/accounts/password-reset", {"email": email})
    code = reset_code(email)
    fixed_clock.advance(timedelta(minutes=16))
    status, body = call(client, "POST", "/v1/accounts/password-reset/confirm",
                        {"email": email, "code": code, "password": "kuda merah lompat"})
    assert status == 400 and "kedaluwarsa" in body["message"]


def test_weak_passwords_are_refused_with_a_helpful_message(client):
    for weak in ("password1", "12345678", "qwertyuiop"):
        status, body = call(client, "POST", "/v1/accounts", {**PERSON, "password": weak},
                            headers={"Accept-Language": "en"})
        assert (status, body["code"]) == (422, "validation_error"), weak
        assert body["message"].startswith("password: this password is too easy to guess")


def test_names_birth_years_cities_and_common_indonesian_words_are_refused_saying_why(client):
    """Issue 13 item 9: each of these passed before."""
    person = {**PERSON, "name": "Siti Rahma", "nik": "3201014506850001"}  # born 5 June 1985
    cases = {"sitirahma1985": ("nama", "name"), "rahma0506": ("nama", "name"),
             "xq050685!": ("tahun", "year"), "bogor12345": ("kota", "city"),
             "rahasia123": ("kata atau nama yang umum", "commonly used"),
             "indonesia2026": ("kata atau nama yang umum", "commonly used")}
    for weak, (bahasa, english) in cases.items():
        status, body = call(client, "POST", "/v1/accounts", {**person, "password": weak})
        assert (status, body["code"]) == (422, "validation_error"), weak
        assert bahasa in body["message"], (weak, body)
        status, body = call(client, "POST", "/v1/accounts", {**person, "password": weak},
                            headers={"Accept-Language": "en"})
        assert english in body["message"], (weak, body)
    assert emulator_mail() == []
    assert call(client, "POST", "/v1/accounts", {**person, "password": "kuda-lari-123"})[0] == 201


def test_a_reset_to_the_holders_name_and_birth_year_is_refused(client):
    """Issue 13 item 9: a reset to `sitirahma1985` was accepted."""
    email = "siti.rahma@example.id"
    call(client, "POST", "/v1/accounts", {**PERSON, "email": email, "name": "Siti Rahma"})
    call(client, "POST", "/v1/accounts/password-reset", {"email": email})
    code = reset_code(email)
    status, body = call(client, "POST", "/v1/accounts/password-reset/confirm",
                        {"email": email, "code": code, "password": "sitirahma1985"},
                        headers={"Accept-Language": "en"})
    assert (status, body["code"]) == (422, "validation_error")
    assert "your name" in body["message"]
    assert call(client, "POST", "/v1/accounts/password-reset/confirm",
                {"email": email, "code": code, "password": "gelas pecah tujuh"})[0] == 200


def test_a_landline_is_refused_as_the_mobile_number(client):
    """Issue 13 item 9: `021 8765 4321` was accepted as the mobile number."""
    for landline in ("021 8765 4321", "+62 251 832 1234"):
        status, body = call(client, "POST", "/v1/accounts", {**PERSON, "phone": landline})
        assert (status, body["code"]) == (422, "validation_error"), landline
        assert "nomor HP (diawali 08 atau +628)" in body["message"], body
    status, body = call(client, "POST", "/v1/accounts", {**PERSON, "phone": "021 8765 4321"},
                        headers={"Accept-Language": "en"})
    assert "landline" in body["message"] and "08 or +628" in body["message"]


def test_logout_everywhere_and_a_disabled_or_deleted_account_answer_401(client):
    email, password = register(client)
    first, second = login(client, email, password), login(client, email, password)
    assert call(client, "POST", "/v1/sessions/logout-everywhere", token=first)[0] == 200
    for token in (first, second):
        assert call(client, "GET", "/v1/bookings", token=token)[0] == 401
    third = login(client, email, password)
    from chalicelib.store import accounts as store

    account = store.get_by_email(email)
    account.delete()  # an account gone: its token opens nothing, and nothing answers 500
    for method, path in (("GET", "/v1/me"), ("GET", "/v1/bookings"),
                         ("POST", "/v1/bookings/01JAAAAAAAAAAAAAAAAAAAAAAA/cancel")):
        assert call(client, method, path, token=third)[0] == 401, path
