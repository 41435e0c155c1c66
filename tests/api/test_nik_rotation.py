"""Rotating the NIK key: `cli rotate-nik-key` adds a key (the old one stays); each citizen's
NIK items move to the new key's hash at their next login or booking, and meanwhile every NIK
check looks under both keys, so one account per NIK and one booking per day hold."""
from __future__ import annotations

import pytest

from chalicelib.services import nik_keys
from chalicelib.store import bookings as booking_store
from chalicelib.store.models import Account, CodeClaim, Item
from tests.api.helpers import BOOK, call, login, nik, person_name, register, staff_token
from tests.api.test_nik_keys import run, ssm_keys  # noqa: F401 (a fixture)


def hashes(nik_value) -> dict:
    return nik_keys.loaded().hashes(nik_value)


def partition(nik_hash) -> list:
    return list(Item.query(f"NIK#{nik_hash}", consistent_read=True))


def accounts_holding(nik_value) -> list[Account]:
    held = set(hashes(nik_value).values())
    return [a for a in Account.scan() if a.nik_hash in held]


def rotated(capsys):
    code, said = run(capsys, "rotate-nik-key")
    assert code == 0 and "NIK key 2 added" in said, said


@pytest.fixture
def keyed(client, ssm_keys, capsys):  # noqa: F811
    assert run(capsys, "ensure-nik-key")[0] == 0
    return client


def test_rotation_adds_a_key_and_keeps_the_old_one(keyed, capsys):
    register(keyed, nik_value=nik(301))
    first = nik_keys.loaded()
    rotated(capsys)
    ring = nik_keys.ring()
    assert ring.current == "2" and ring.keys["1"] == first.keys["1"]
    assert nik_keys.marker().fingerprints.as_dict() == ring.fingerprints()
    assert nik_keys.marker().current == "2"
    # the new hash is the new key's HMAC of the old hash: no NIK needed to move it
    assert ring.forward(first.hashes(nik(301))["1"], "1") == ring.hashes(nik(301))["2"]


def test_while_rotating_the_old_hash_still_refuses_a_second_account(keyed, capsys):
    register(keyed, email="lama@example.id", nik_value=nik(302))
    rotated(capsys)
    status, body = call(keyed, "POST", "/v1/accounts", {
        "email": "baru@example.id", "password": "kuda-lari-123", "name": person_name(9),
        "phone": "0812-3456-7890", "nik": nik(302)})
    assert status == 409 and body["code"] == "nik_taken"
    assert len(accounts_holding(nik(302))) == 1


def test_login_rehashes_the_citizens_items_to_the_new_key(keyed, capsys):
    email, _ = register(keyed, nik_value=nik(303))
    token = login(keyed, email)
    status, booking = call(keyed, "POST", "/v1/bookings", BOOK, token=token)
    assert status == 201
    old = hashes(nik(303))["1"]
    rotated(capsys)
    new = hashes(nik(303))["2"]
    assert {i.sk.split("#")[0] for i in partition(old)} == {"STATE", "GUARD"}
    login(keyed, email)  # the next login moves them
    assert partition(old) == []
    assert {i.sk.split("#")[0] for i in partition(new)} == {"STATE", "GUARD"}
    (account,) = accounts_holding(nik(303))
    assert account.nik_hash == new and account.nik_key == "2"
    state = booking_store.citizen_state(new)
    assert state.nik_key == "2" and booking["booking_id"] in state.active.as_dict()
    stored = booking_store.get(account.account_id, booking["booking_id"])
    assert stored.nik_hash == new
    assert CodeClaim.get(f"CODE#{stored.code}", "CODE").nik_hash == new
    # the rules hold on the new hash: one booking a day, and the old token still works
    again = call(keyed, "POST", "/v1/bookings", {**BOOK, "start": "10:00"}, token=token)
    assert again[0] == 409 and again[1]["code"] == "already_booked"
    assert call(keyed, "POST", f"/v1/bookings/{booking['booking_id']}/cancel",
                token=token)[0] == 200
    assert [i.sk for i in partition(new)] == ["STATE"]  # the guard went with the cancel


def test_a_booking_rehashes_too(keyed, capsys):
    email, _ = register(keyed, nik_value=nik(304))
    token = login(keyed, email)  # issued before the rotation
    rotated(capsys)
    status, _ = call(keyed, "POST", "/v1/bookings", BOOK, token=token)
    assert status == 201
    assert partition(hashes(nik(304))["1"]) == []
    assert {i.sk.split("#")[0] for i in partition(hashes(nik(304))["2"])} == {"STATE", "GUARD"}


def test_a_desk_booking_made_before_the_citizens_rehash_moves_with_it(keyed, capsys):
    email, _ = register(keyed, nik_value=nik(305))
    rotated(capsys)
    staff = staff_token(keyed)
    status, desk = call(keyed, "POST", "/v1/staff/bookings", {
        "service_id": "ktp-el", "date": "2026-12-09", "start": "09:00",
        "name": "Ibu Siti Aminah", "nik": nik(305)}, token=staff)
    assert status == 201
    assert desk_booking_under(hashes(nik(305))["1"])  # where the NIK lives until rehashed
    token = login(keyed, email)
    assert desk_booking_under(hashes(nik(305))["2"])
    mine = call(keyed, "GET", "/v1/bookings", token=token)[1]
    assert desk["booking_id"] in {b["booking_id"] for b in mine}


def desk_booking_under(nik_hash) -> bool:
    return any(i.sk.startswith("ASSISTED#") for i in partition(nik_hash))


def test_a_new_citizen_during_rotation_is_hashed_with_the_new_key(keyed, capsys):
    register(keyed, nik_value=nik(306))
    rotated(capsys)
    email, _ = register(keyed, nik_value=nik(307))
    (account,) = accounts_holding(nik(307))
    assert account.nik_key == "2" and account.nik_hash == hashes(nik(307))["2"]


def test_what_a_rehash_costs_and_that_it_happens_once(keyed, capsys):
    from tests.api.test_request_counts import dynamodb_calls

    email, _ = register(keyed, nik_value=nik(308))
    token = login(keyed, email)
    call(keyed, "POST", "/v1/bookings", BOOK, token=token)
    rotated(capsys)
    with dynamodb_calls() as plain:
        login(keyed, "staff@antre.local", "staff-demo-123")  # no NIK: nothing to move
    with dynamodb_calls() as moving:
        login(keyed, email)
    with dynamodb_calls() as after:
        login(keyed, email)
    print(f"\n[rehash] login {sum(plain.values())} calls; the login that rehashes "
          f"{sum(moving.values())} {dict(moving)}; the next one {sum(after.values())}")
    # the marker's read, the NIK partition's Query, the bookings' BatchGetItem, one
    # transaction, the earlier bookings' Query and their updates: a few calls, once
    assert sum(moving.values()) <= sum(plain.values()) + 7
    assert moving["TransactWriteItems"] == 1 and after == plain
