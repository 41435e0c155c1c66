"""How many DynamoDB calls a request makes, counted with botocore events (no timing).

Printed with `-s`; the closing note of the issue quotes these figures.
"""
from collections import Counter
from contextlib import contextmanager

import pytest

from chalicelib.store import catalog as catalog_store
from chalicelib.store.models import Item
from tests.api.helpers import BOOK, call, citizen


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


def test_booking_is_one_transaction(client, warm_catalog):
    _, token = citizen(client)
    call(client, "GET", "/v1/malls/kota-bogor/services")  # warm the catalog
    with dynamodb_calls() as seen:
        assert call(client, "POST", "/v1/bookings", BOOK, token=token)[0] == 201
    print(f"\nbooking: {dict(seen)}")
    # account + citizen state reads, ONE transaction, then the mail's lease and sent mark
    assert seen == {"GetItem": 2, "TransactWriteItems": 1, "UpdateItem": 2}
    with dynamodb_calls() as keyed:
        assert call(client, "POST", "/v1/bookings", {**BOOK, "service_id": "skck"},
                    token=token, headers={"Idempotency-Key": "k1"})[0] == 201
    print(f"booking with Idempotency-Key: {dict(keyed)}")
    assert keyed == {"GetItem": 3, "TransactWriteItems": 1, "UpdateItem": 2}
