"""A NIK key rotation under a race: while the citizen's items move to the new key's hash
(their login), the same NIK registers again several times at once. Every registration
checks the NIK's hash under both keys in its own transaction, and the move deletes the old
hash's items in its, so whatever the interleaving one account holds the NIK. The canary
registers under the new key's hash only and gets a second account."""
from __future__ import annotations

from collections import Counter

from chalicelib import clock
from chalicelib.errors import AntreError
from chalicelib.services import accounts, nik_keys
from chalicelib.store.models import Account
from tests.api.helpers import nik, person_name
from tests.api.test_nik_keys import run, ssm_keys  # noqa: F401 (a fixture)
from tests.concurrency.test_booking_race import make_citizens, race
from tests.http_client import request

TWICE = 6  # registrations of the same NIK at once


def holders(nik_value) -> set[str]:
    held = set(nik_keys.loaded().hashes(nik_value).values())
    return {a.account_id for a in Account.scan() if a.nik_hash in held}


def body(n, nik_value):
    return {"email": f"lagi{n}@example.id", "password": "kuda-lari-123",
            "name": person_name(n, "Lagi"), "phone": "081234567890", "nik": nik_value}



def test_registering_again_while_the_owner_is_rehashed_gives_one_account(live_server,
                                                                        fixed_clock,
                                                                        ssm_keys, capsys):
    assert run(capsys, "ensure-nik-key")[0] == 0
    make_citizens(live_server.url, 1)  # race0@example.id, NIK nik(5000), under key 1
    the_nik = nik(5000)
    assert run(capsys, "rotate-nik-key")[0] == 0

    def go(arg):
        if arg == "login":
            return request(live_server.url, "POST", "/v1/sessions",
                           {"email": "race0@example.id", "password": "kuda-lari-123"})
        return request(live_server.url, "POST", "/v1/accounts", body(arg, the_nik))

    results = race(go, ["login", *range(TWICE)])
    assert results[0][0] == 200
    outcomes = Counter(status if status == 201 else b["code"] for status, b in results[1:])
    print(f"\nlogin (rehash) and {TWICE} registrations of the same NIK at once: {outcomes}")
    assert outcomes == {"nik_taken": TWICE}
    assert len(holders(the_nik)) == 1
    (owner,) = [a for a in Account.scan() if a.email == "race0@example.id"]
    assert owner.nik_key == "2"  # the login moved it


def test_registering_twice_at_once_during_rotation_gives_one_account(live_server,
                                                                     fixed_clock,
                                                                     ssm_keys, capsys):
    assert run(capsys, "ensure-nik-key")[0] == 0
    make_citizens(live_server.url, 1)
    assert run(capsys, "rotate-nik-key")[0] == 0
    the_nik = nik(4321)
    results = race(lambda n: request(live_server.url, "POST", "/v1/accounts",
                                     body(n, the_nik)), list(range(TWICE)))
    outcomes = Counter(status if status == 201 else b["code"] for status, b in results)
    assert outcomes == {201: 1, "nik_taken": TWICE - 1}
    assert len(holders(the_nik)) == 1


def test_canary_registering_under_the_new_key_only_gives_a_second_account(live_server,
                                                                          fixed_clock,
                                                                          ssm_keys, capsys):
    assert run(capsys, "ensure-nik-key")[0] == 0
    make_citizens(live_server.url, 1)
    the_nik = nik(5000)
    assert run(capsys, "rotate-nik-key")[0] == 0

    def unguarded(n):
        try:
            accounts.register(**body(n, the_nik), now=clock.now(), every_key=False)
            return 201
        except AntreError as e:
            return e.code

    outcomes = Counter(race(unguarded, list(range(TWICE))))
    assert outcomes[201] == 1  # the new hash still admits one: a second account for the NIK
    assert len(holders(the_nik)) == 2
