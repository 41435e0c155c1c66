"""Running malls through /v1/admin: rights, catalog changes (audited, versioned), distancing
capacity, special hours, staff accounts."""
from datetime import timedelta

import pytest

from chalicelib import clock
from chalicelib.services import admin
from chalicelib.store import catalog as catalog_store
from tests.api.helpers import BOOK, admin_token, booked, call, citizen, login, staff_token

M = "/v1/admin/malls/kota-bogor"


@pytest.fixture
def super_token(client):
    admin.create_super_admin("kota@antre.local", "Admin Kota", "super-demo-123", clock.now())
    return login(client, "kota@antre.local", "super-demo-123")


@pytest.fixture
def depok(client, super_token):
    """A second mall and its admin, made through the API by the city's super admin."""
    status, made = call(client, "POST", "/v1/admin/malls", {
        "mall_id": "kota-depok", "name": "MPP Kota Depok", "city": "Depok",
        "timezone": "Asia/Jakarta", "weekly_hours": {str(d): {"open": "08:00", "close": "15:00"}
                                                     for d in range(5)}}, token=super_token)
    assert status == 201, made
    status, person = call(client, "POST", "/v1/admin/malls/kota-depok/staff",
                          {"email": "admin@depok.id", "name": "Admin Depok", "role": "admin"},
                          token=super_token)
    assert status == 201, person
    return login(client, "admin@depok.id", person["temporary_password"])


def test_rights_every_admin_route_is_scoped_to_the_admins_mall(client, depok, super_token):
    ours = admin_token(client)
    assert call(client, "GET", M, token=ours)[0] == 200
    assert call(client, "GET", M, token=depok)[0] == 404  # another mall: never revealed
    assert call(client, "GET", "/v1/admin/malls/kota-depok", token=ours)[0] == 404
    for path, method, body in [(f"{M}/agencies/x", "PUT", {"name": "X", "letter": "X"}),
                               (f"{M}/closures", "POST", {"from": "2026-12-09",
                                                          "to": "2026-12-09", "reason": "x"}),
                               (f"{M}/stats?from=2026-12-01&to=2026-12-31", "GET", None),
                               (f"{M}/audit", "GET", None), (f"{M}/staff", "GET", None)]:
        assert call(client, method, path, body, token=depok)[0] == 404, path
        for other in (staff_token(client), citizen(client)[1]):
            assert call(client, method, path, body, token=other)[0] == 403, path
        assert call(client, method, path, body)[0] == 401, path
    assert call(client, "GET", M, token=super_token)[0] == 200  # the city's admin: any mall
    malls = {m["mall_id"] for m in call(client, "GET", "/v1/admin/malls", token=super_token)[1]}
    assert malls == {"kota-bogor", "kota-depok"}
    assert [m["mall_id"] for m in call(client, "GET", "/v1/admin/malls", token=depok)[1]] == [
        "kota-depok"]
    assert call(client, "POST", "/v1/admin/malls", {"mall_id": "x", "name": "X", "city": "X",
                                                     "timezone": "Asia/Jakarta"},
                token=ours)[1]["code"] == "forbidden"


def test_catalog_changes_are_audited_with_before_and_after(client):
    token = admin_token(client)
    status, mall = call(client, "PUT", f"{M}/agencies/bpjs", {"name": "BPJS Kesehatan",
                                                              "letter": "e"}, token=token)
    assert status == 200 and {"agency_id": "bpjs", "name": "BPJS Kesehatan", "letter": "E"} \
        in mall["agencies"]
    service = {"agency_id": "bpjs", "name": "Pendaftaran peserta", "name_en": "Registration",
               "requirements": ["KTP-el"], "requirements_en": ["e-KTP"], "slot_minutes": 30,
               "capacity": 2, "walkin_quota": 10}
    assert call(client, "PUT", f"{M}/services/bpjs-daftar", service, token=token)[0] == 200
    assert call(client, "PUT", f"{M}/counters/loket-8", {"name": "Loket 8",
                                                         "service_ids": ["bpjs-daftar"]},
                token=token)[0] == 200
    public = call(client, "GET", "/v1/malls/kota-bogor/services")[1]
    assert "bpjs-daftar" in {s["service_id"] for s in public}  # at once: the cache is dropped
    status, body = call(client, "DELETE", f"{M}/agencies/bpjs", token=token)
    assert (status, body["code"]) == (409, "in_use")
    status, body = call(client, "PUT", f"{M}/agencies/dukcapil2", {"name": "Z", "letter": "A"},
                        token=token)
    assert (status, body["code"]) == (409, "in_use") and "A" in body["message"]
    call(client, "PUT", f"{M}/services/bpjs-daftar", {**service, "capacity": 3}, token=token)
    log = call(client, "GET", f"{M}/audit", token=token)[1]
    assert [e["action"] for e in log[:4]] == ["service.put", "counter.put", "service.put",
                                              "agency.put"]
    assert log[0]["before"]["capacity"] == 2 and log[0]["after"]["capacity"] == 3
    assert log[0]["actor"] == call(client, "GET", "/v1/me", token=token)[1]["account_id"]


def test_invalid_changes_are_refused_and_change_nothing(client):
    token = admin_token(client)
    version = call(client, "GET", M, token=token)[1]["version"]
    cases = [("PATCH", M, {"weekly_hours": {"0": {"open": "15:00", "close": "08:00"}}}),
             ("PATCH", M, {"weekly_hours": {"9": {"open": "08:00", "close": "15:00"}}}),
             ("PATCH", M, {"timezone": "Europe/Paris"}), ("PATCH", M, {"capacity_percent": 150}),
             ("PUT", f"{M}/services/x", {"agency_id": "nope", "name": "X", "slot_minutes": 30,
                                          "capacity": 1}),
             ("PUT", f"{M}/counters/x", {"name": "X", "service_ids": ["nope"]}),
             ("PUT", f"{M}/special-hours/2026-13-01", {"open": "09:00", "close": "12:00"}),
             ("PUT", f"{M}/agencies/Bad Id", {"name": "X", "letter": "Q"})]
    for method, path, body in cases:
        status, answer = call(client, method, path, body, token=token)
        assert status == 422 and answer["code"] == "validation_error", (path, body, answer)
    assert call(client, "GET", M, token=token)[1]["version"] == version


def test_lowering_capacity_cancels_nobody_stops_new_bookings_and_lists_conflicts(client):
    token = admin_token(client)
    catalog_store.cache.ttl = 300  # a warm cache, as deployed: the change must still hold
    try:
        kept = [booked(client)[1] for _ in range(3)]  # KTP-el, 4 seats at 09:00
        call(client, "GET", "/v1/malls/kota-bogor/services/ktp-el/slots?date=2026-12-08")
        status, changed = call(client, "PATCH", M, {"capacity_percent": 50}, token=token)
        assert status == 200
        assert {"service_id": "ktp-el", "date": "2026-12-08", "start": "09:00", "booked": 3,
                "seats": 2} in changed["conflicts"]
        status, body = call(client, "POST", "/v1/bookings", BOOK, token=citizen(client)[1])
        assert (status, body["code"]) == (409, "slot_full")
        slot = next(s for s in call(client, "GET", "/v1/malls/kota-bogor/services/ktp-el/"
                                    "slots?date=2026-12-08")[1] if s["start"] == "10:00")
        assert (slot["capacity"], slot["remaining"]) == (2, 2)
        assert booked(client, start="10:00")[1]["status"] == "booked"
    finally:
        catalog_store.cache.ttl = None
    for booking in kept:  # nobody was cancelled
        assert booking["status"] == "booked"
    assert call(client, "GET", f"{M}/conflicts", token=token)[1][0]["booked"] == 3


def test_special_hours_for_one_date(client):
    token = admin_token(client)
    status, mall = call(client, "PUT", f"{M}/special-hours/2026-12-08",
                        {"open": "09:00", "close": "12:00"}, token=token)
    assert status == 200 and mall["special_hours"]["2026-12-08"]["open"] == "09:00"
    slots = call(client, "GET", "/v1/malls/kota-bogor/services/ktp-el/slots?date=2026-12-08")[1]
    assert (slots[0]["start"], slots[-1]["end"]) == ("09:00", "12:00")
    call(client, "DELETE", f"{M}/special-hours/2026-12-08", token=token)
    slots = call(client, "GET", "/v1/malls/kota-bogor/services/ktp-el/slots?date=2026-12-08")[1]
    assert (slots[0]["start"], slots[-1]["end"]) == ("08:00", "15:00")


def test_staff_accounts_are_made_and_disabled_by_the_malls_admin(client, fixed_clock):
    token = admin_token(client)
    status, made = call(client, "POST", f"{M}/staff", {"email": "loket@bogor.id",
                                                       "name": "Petugas Baru"}, token=token)
    assert status == 201 and made["role"] == "staff"
    staff = login(client, "loket@bogor.id", made["temporary_password"])
    assert call(client, "GET", "/v1/staff/counters", token=staff)[0] == 200
    status, body = call(client, "POST", f"{M}/staff", {"email": "x@bogor.id", "name": "X",
                                                       "role": "admin"}, token=token)
    assert status == 403  # only the city's super admin makes mall admins
    listed = call(client, "GET", f"{M}/staff", token=token)[1]
    assert {"loket@bogor.id", "staff@antre.local", "admin@antre.local"} <= {
        s["email"] for s in listed}
    call(client, "POST", f"{M}/staff/{made['account_id']}/disable", token=token)
    status, body = call(client, "POST", "/v1/sessions", {
        "email": "loket@bogor.id", "password": made["temporary_password"]})
    assert (status, body["code"]) == (401, "invalid_credentials")
    fixed_clock.advance(timedelta(minutes=1))
    assert call(client, "POST", f"{M}/staff/{made['account_id']}/enable",
                token=token)[1]["disabled"] is False
