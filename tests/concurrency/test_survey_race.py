"""One survey answer per ticket under a race: twenty phones (or twenty taps) answering for one
done ticket at once, through the threaded HTTP server against the one-request-at-a-time
emulator, store exactly one answer and count it once. The canary runs the same race with the
once condition off and must store more than one."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import pytest

from chalicelib import clock
from chalicelib.services import floor as floor_service
from chalicelib.services import queue as queue_service
from chalicelib.services import survey as survey_service
from chalicelib.services.auth import Principal
from chalicelib.store import stats as stats_store
from chalicelib.store import survey as survey_store
from tests.concurrency.test_booking_race import race
from tests.http_client import request

MONDAY_10AM_WIB = datetime(2026, 12, 7, 3, 0, tzinfo=timezone.utc)
TODAY = "2026-12-07"
STAFF = Principal("race-staff", "staff", "kota-bogor")
ANSWERS = 20
SCORES = [4, 3, 3, 4, 3, 4, 4, 3, 3]


@pytest.fixture
def done_ticket(fresh_table):
    clock.use(clock.FixedClock(MONDAY_10AM_WIB))
    ticket = floor_service.walk_in("kota-bogor", "ktp-el", False, clock.now())
    called = queue_service.call_next(STAFF, "loket-2", clock.now())
    assert called["ticket_id"] == ticket["ticket_id"]
    queue_service.start(STAFF, ticket["ticket_id"], clock.now())
    queue_service.finish(STAFF, ticket["ticket_id"], clock.now())
    yield ticket
    clock.use(clock.SystemClock())


def stored_and_counted() -> tuple[int, int]:
    row = next(r for r in stats_store.read("kota-bogor", TODAY, TODAY)
               if r["service_id"] == "ktp-el")
    return len(survey_store.responses("kota-bogor", TODAY, TODAY)), int(row.get("skm_n", 0))


def test_twenty_simultaneous_answers_for_one_ticket_store_one(live_server, done_ticket):
    path = f"/v1/tickets/{done_ticket['ticket_id']}/survey"
    results = race(lambda _: request(live_server.url, "POST", path, {"scores": SCORES}),
                   range(ANSWERS))
    outcomes = Counter(status if status == 201 else body["code"] for status, body in results)
    assert outcomes == {201: 1, "survey_answered": ANSWERS - 1}
    assert stored_and_counted() == (1, 1)


def test_canary_answers_without_the_once_condition_store_many(live_server, done_ticket):
    results = race(lambda _: survey_service.answer(done_ticket["ticket_id"], SCORES, None, {},
                                                   clock.now(), "127.0.0.1", once=False),
                   range(ANSWERS))
    assert len(results) == ANSWERS
    stored, counted = stored_and_counted()
    assert stored > 1 and counted > 1
