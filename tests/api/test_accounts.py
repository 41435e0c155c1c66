"""Accounts: registration, email verification, login, throttling, tokens."""
from datetime import timedelta

from chalicelib.store.models import Item
from tests.api.helpers import call, login, nik, register, verification_code
from tests.conftest import emulator_mail

PERSON = {"email": "siti@example.id", "password": "rahasia-123", "name": "Siti Aminah",
          "phone": "0812 3456 7890", "nik": "3201014506900001"}


def test_register_verify_login_me(client):
    status, body = call(client, "POST", "/v1/accounts", PERSON)
    assert status == 201 and body["account_id"]
    mail = emulator_mail("siti@example.id")
    assert len(mail) == 1 and "verifikasi" in mail[0]["subject"].lower()
    assert call(client, "POST", "/v1/sessions",
                {"email": "siti@example.id", "password": "rahasia-123"})[1]["code"] \
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


def test_repeated_failed_logins_slow_down(client, fixed_clock):
    email, password = register(client)
    for _ in range(5):
        status, body = call(client, "POST", "/v1/sessions", {"email": email, "password": "nope"})
        assert (status, body["code"]) == (401, "invalid_credentials")
    call(client, "POST", "/v1/sessions", {"email": email, "password": "nope"})
    answer = client.http.post("/v1/sessions", headers={"Content-Type": "application/json"},
                              body=f'{{"email": "{email}", "password": "{password}"}}')
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) > 0
    fixed_clock.advance(timedelta(minutes=1))
    assert login(client, email, password)


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
