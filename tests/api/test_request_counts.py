"""How many DynamoDB calls a request makes, counted with botocore events (no timing).

Printed with `-s`; the closing note of the issue quotes these figures.
"""
from collections import Counter
from contextlib import contextmanager

import pytest

from chalicelib.store import catalog as catalog_store
from chalicelib.store.models import Item
from tests.api.helpers import BOOK, call, citizen
from tests.conftest import emulator_mail


@contextmanager
def dynamodb_calls():
    seen = Counter()
    events = Item._get_connection().connection.client.meta.events

    def count(model, **kwargs):
        seen[model.name] += 1

    events.register("before-call.dynamodb", count)
    try:
        yield seen
    finally:
        events.unregister("before-call.dynamodb", count)


@pytest.fixture
def warm_catalog():
    catalog_store.cache.ttl = 300
    yield
    catalog_store.cache.ttl = None


def test_availability_is_one_query_with_a_warm_catalog(client, warm_catalog):
    path = "/v1/malls/kota-bogor/services/ktp-el/slots?date=2026-12-08"
    with dynamodb_calls() as cold:
        assert call(client, "GET", path)[0] == 200
    with dynamodb_calls() as warm:
        assert call(client, "GET", path)[0] == 200
    print(f"\navailability: cold {dict(cold)}, warm {dict(warm)}")
    assert cold == {"Query": 2}  # the mall's catalog partition, then the day's counters
    assert warm == {"Query": 1}
    assert "Scan" not in cold


def test_booking_is_one_read_and_one_transaction(client, warm_catalog):
    _, token = citizen(client)
    call(client, "GET", "/v1/malls/kota-bogor/services")  # warm the catalog
    with dynamodb_calls() as seen:
        assert call(client, "POST", "/v1/bookings", BOOK, token=token)[0] == 201
    print(f"\nbooking: {dict(seen)}")
    # ONE read (the account, for the token's check, with the citizen's state) and ONE
    # transaction; the email leaves through the table's stream, after the request
    assert seen == {"BatchGetItem": 1, "TransactWriteItems": 1}
    with dynamodb_calls() as keyed:
        assert call(client, "POST", "/v1/bookings", {**BOOK, "service_id": "skck"},
                    token=token, headers={"Idempotency-Key": "k1"})[0] == 201
    print(f"booking with Idempotency-Key: {dict(keyed)}")
    assert keyed == {"BatchGetItem": 1, "TransactWriteItems": 1}  # the key's record too
    with dynamodb_calls() as replayed:
        assert call(client, "POST", "/v1/bookings", {**BOOK, "service_id": "skck"},
                    token=token, headers={"Idempotency-Key": "k1"})[0] == 200
    print(f"the same Idempotency-Key again: {dict(replayed)}")
    assert replayed == {"BatchGetItem": 1, "GetItem": 1}  # the booking it made, no write
    with dynamodb_calls() as sending:
        assert len(emulator_mail()) >= 2  # the stream's handler sends the confirmations
    assert sending["UpdateItem"] == 2 * 2  # each: its lease, then its sent mark


# --- the mall floor: check-in and call-next at most 3 calls, a display poll 1 ---------------


def test_floor_requests_stay_within_their_dynamodb_budget(client, warm_catalog, fixed_clock):
    from datetime import timedelta

    from tests.api.helpers import KIOSK, booked, staff_token

    _, booking = booked(client, date="2026-12-07", start="08:00")
    staff = staff_token(client)
    fixed_clock.advance(timedelta(hours=1))
    call(client, "GET", "/v1/kiosk/me", headers=KIOSK)  # the kiosk's key, cached as deployed
    counts = {}
    with dynamodb_calls() as counts["check-in"]:
        assert call(client, "POST", "/v1/kiosk/checkins", {"code": booking["code"]},
                    headers=KIOSK)[0] == 201
    with dynamodb_calls() as counts["check-in again"]:
        assert call(client, "POST", "/v1/kiosk/checkins", {"code": booking["code"]},
                    headers=KIOSK)[0] == 200
    with dynamodb_calls() as counts["walk-in"]:
        assert call(client, "POST", "/v1/kiosk/walkins", {"service_id": "ktp-el"},
                    headers=KIOSK)[0] == 201
    with dynamodb_calls() as counts["call-next"]:
        assert call(client, "POST", "/v1/staff/counters/loket-2/call-next",
                    token=staff)[1]["ticket"]
    with dynamodb_calls() as counts["display poll"]:
        assert call(client, "GET", "/v1/malls/kota-bogor/display")[0] == 200
    for name, seen in counts.items():
        print(f"{name}: {dict(seen)}")
    # the answer carries the ticket's wait, from the same two reads as the ticket's page (the
    # floor partition and the day figures of the services in it), so the kiosk needs no
    # second request and never says something else than the phone
    wait = {"Query": 1, "BatchGetItem": 1}
    assert counts["check-in"] == {"GetItem": 1, "UpdateItem": 1, "TransactWriteItems": 1, **wait}
    assert counts["walk-in"] == {"UpdateItem": 1, "TransactWriteItems": 1, **wait}
    # the call itself: at most 3 (one Query of the floor); then the nudge (issue 16) reads the
    # floor once more for the first few waiting tickets of the pool (a Query and the day
    # figures, whatever their number: they were 2 reads per ticket) and writes once for each
    # it tells; here the walk-in behind is told
    assert counts["call-next"]["Query"] == 2 and counts["call-next"]["BatchGetItem"] == 1
    assert counts["call-next"]["TransactWriteItems"] == 2  # the call, and the walk-in's nudge
    assert sum(counts["call-next"].values()) <= 3 + 2 + 1
    assert counts["display poll"] == {"Query": 1}
    assert not any("Scan" in seen for seen in counts.values())


def test_a_capacity_change_reads_only_the_days_that_hold_bookings(client, warm_catalog):
    """Saving the capacity percentage read every service's every day of the window, a Query
    each (about 300 for the demo mall: 5-12 s on the admin page); now one Query of the day
    counters and one per day that could be over its seats."""
    from tests.api.helpers import admin_token

    M = "/v1/admin/malls/kota-bogor"
    token = admin_token(client)
    for _ in range(3):  # three seats of one slot: lowering to 50% puts it over
        _, citizen_token = citizen(client)
        assert call(client, "POST", "/v1/bookings", BOOK, token=citizen_token)[0] == 201
    with dynamodb_calls() as lowered:
        status, body = call(client, "PATCH", M, {"capacity_percent": 50}, token=token)
    assert status == 200 and [(c["service_id"], c["date"], c["booked"]) for c in
                              body["conflicts"]] == [("ktp-el", BOOK["date"], 3)]
    with dynamodb_calls() as raised:
        assert call(client, "PATCH", M, {"capacity_percent": 100}, token=token)[0] == 200
    print(f"\ncapacity 100% -> 50%: {dict(lowered)}; 50% -> 100%: {dict(raised)}")
    assert lowered["Query"] <= 8 and raised["Query"] <= 8, (lowered, raised)
    assert "Scan" not in lowered and "Scan" not in raised


def test_listing_bookings_is_key_queries_only(client, warm_catalog):
    """A citizen's list: their bookings and those staff made for their NIK (a second Query,
    nearly always empty); a staff member's list: their references and the bookings."""
    from tests.api.helpers import booked, nik, register, login, staff_token

    token, _ = booked(client)
    with dynamodb_calls() as mine:
        assert call(client, "GET", "/v1/bookings", token=token)[0] == 200
    staff = staff_token(client)
    assert call(client, "POST", "/v1/staff/bookings", {
        "service_id": "skck", "date": "2026-12-08", "start": "09:00", "name": "Ibu Siti",
        "nik": nik(7951)}, token=staff)[0] == 201
    email, password = register(client, nik_value=nik(7951))
    holder = login(client, email, password)
    with dynamodb_calls() as held:
        assert len(call(client, "GET", "/v1/bookings", token=holder)[1]) == 1
    with dynamodb_calls() as staffs:
        assert len(call(client, "GET", "/v1/staff/bookings", token=staff)[1]) == 1
    print(f"\nmy bookings: {dict(mine)}; with one staff made: {dict(held)}; "
          f"staff's list: {dict(staffs)}")
    assert mine == {"GetItem": 1, "Query": 2}  # the token's account; own, the NIK's
    assert held == {"GetItem": 1, "Query": 2, "BatchGetItem": 1}
    assert staffs == {"GetItem": 1, "Query": 1, "BatchGetItem": 1}
