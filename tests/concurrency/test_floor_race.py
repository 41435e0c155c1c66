"""Races on the mall floor, through the threaded HTTP server against the one-request-at-a-time
emulator (each DynamoDB call atomic, as in DynamoDB). Each race has a canary: the same race
with its guard switched off must show the failure the test exists to catch.
"""
from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from chalicelib import clock
from chalicelib.domain.catalog import Counter as Loket
from chalicelib.errors import AntreError
from chalicelib.services import booking as booking_service
from chalicelib.services import floor as floor_service
from chalicelib.services import queue as queue_service
from chalicelib.services.auth import Principal
from chalicelib.store import catalog as catalog_store
from chalicelib.store import kiosks as kiosk_store
from infra.local.seed import MALL, SERVICES
from tests.api.helpers import KIOSK, nik, person_name
from tests.concurrency.test_booking_race import race
from tests.http_client import request

# Monday 7 December 2026, 06:00 WIB: bookings for the whole day are made, and (with the
# check-in window widened to the whole day) checked in at once.
MONDAY_6AM_WIB = datetime(2026, 12, 6, 23, 0, tzinfo=timezone.utc)
STAFF = Principal("race-staff", "staff", "kota-bogor")
DISDUKCAPIL = ("ktp-el", "kartu-keluarga", "akta-kelahiran")  # ticket letter A
SCANS = 10
CHECKINS = 100
COUNTERS = 5
TICKETS = 50


@pytest.fixture
def floor_clock(fresh_table):
    fixed = clock.FixedClock(MONDAY_6AM_WIB)
    clock.use(fixed)
    catalog_store.put_mall(replace(MALL, checkin_early_minutes=600))
    yield fixed
    clock.use(clock.SystemClock())


def codes_for(count: int, start_nik: int = 6000) -> list[str]:
    """`count` bookings of Disdukcapil today, made at the counter for citizens (no account
    needed: the fastest way to many bookings), as their codes."""
    slots = [(s.service_id, f"{h:02d}:{m:02d}") for s in SERVICES if s.service_id in DISDUKCAPIL
             for h in range(8, 15) for m in (0, 30) for _ in range(s.capacity)]
    codes = []
    for n, (service_id, start) in enumerate(slots[:count]):
        # a staff member makes at most `assisted_per_day` a day: 20 each from several
        staff = Principal(f"{STAFF.account_id}-{n // 20}", STAFF.role, STAFF.mall_id)
        made = booking_service.book_for_citizen(
            staff, service_id=service_id, date="2026-12-07", start=start,
            name=person_name(n), nik=nik(start_nik + n), phone=None, now=clock.now())
        codes.append(made.code)
    assert len(codes) == count
    return codes


def kiosk():
    return kiosk_store.by_key(KIOSK["X-Kiosk-Key"])


def waiting_tickets(mall="kota-bogor", day="2026-12-07") -> list:
    from chalicelib.store import floor

    return [e for e in floor.Item.query(floor.floor_pk(mall, day), floor.Item.sk.startswith("W#"))
            if isinstance(e, floor.WaitingEntry)]


# --- ten simultaneous scans of one code make one ticket ------------------------------------------


def test_ten_simultaneous_scans_of_one_code_make_one_ticket(live_server, floor_clock):
    (code,) = codes_for(1)
    results = race(lambda _: request(live_server.url, "POST", "/v1/kiosk/checkins",
                                     {"code": code}, headers=KIOSK), range(SCANS))
    assert Counter(status for status, _ in results) == {201: 1, 200: SCANS - 1}
    assert len({body["ticket_id"] for _, body in results}) == 1
    assert len(waiting_tickets()) == 1


def test_canary_scans_without_the_once_condition_make_many_tickets(live_server, floor_clock):
    (code,) = codes_for(1)
    the_kiosk = kiosk()
    results = race(lambda _: floor_service.check_in(the_kiosk, code, clock.now(), once=False),
                   range(SCANS))
    assert len({ticket["ticket_id"] for ticket, _ in results}) > 1
    assert len(waiting_tickets()) > 1


# --- a hundred check-ins at once get a hundred distinct numbers ------------------------------------


def test_a_hundred_concurrent_check_ins_get_distinct_numbers(live_server, floor_clock):
    codes = codes_for(CHECKINS)
    results = race(lambda code: request(live_server.url, "POST", "/v1/kiosk/checkins",
                                        {"code": code}, headers=KIOSK), codes)
    assert Counter(status for status, _ in results) == {201: CHECKINS}
    numbers = [body["ticket_number"] for _, body in results]
    assert len(set(numbers)) == CHECKINS
    assert sorted(numbers) == [f"A-{n:03d}" for n in range(1, CHECKINS + 1)]


def test_canary_numbers_read_then_written_repeat(live_server, floor_clock):
    codes = codes_for(CHECKINS)
    the_kiosk = kiosk()
    results = race(lambda code: floor_service.check_in(the_kiosk, code, clock.now(),
                                                       atomic_numbers=False), codes)
    numbers = [ticket["ticket_number"] for ticket, _ in results]
    assert len(numbers) == CHECKINS and len(set(numbers)) < CHECKINS


# --- five counters calling fifty tickets call each exactly once ------------------------------------


def five_counters_and_fifty_walk_ins(floor_clock) -> list[str]:
    floor_clock.advance(timedelta(hours=3))  # 09:00, open for walk-ins
    skck = next(s for s in SERVICES if s.service_id == "skck")
    catalog_store.put_service(replace(skck, walkin_quota=TICKETS))
    for n in range(1, COUNTERS + 1):
        catalog_store.put_counter(Loket(f"race-{n}", "kota-bogor", f"Loket R{n}", ("skck",)))
    return [floor_service.walk_in("kota-bogor", "skck", False, clock.now())["ticket_id"]
            for _ in range(TICKETS)]


def call_in_rounds(call_one, until_twice: bool = False) -> list[str]:
    """Every counter calls at the same instant, round after round, until nobody waits;
    each finishes its ticket before the next round. Returns every ticket id called.
    A step refused (as happens when the guard is off) leaves that counter out of the round."""
    barrier = threading.Barrier(COUNTERS, timeout=60)  # a broken round fails, never hangs
    called: list[str] = []
    lock = threading.Lock()

    def counter(n):
        for _ in range(TICKETS):
            barrier.wait()
            try:
                ticket = call_one(f"race-{n}")
                if ticket is not None:
                    with lock:
                        called.append(ticket["ticket_id"])
                    queue_service.start(STAFF, ticket["ticket_id"], clock.now())
                    queue_service.finish(STAFF, ticket["ticket_id"], clock.now())
            except AntreError:
                pass  # e.g. a ticket another counter called too, already started there
            barrier.wait()
            if not waiting_tickets() or (until_twice and len(set(called)) < len(called)):
                return

    race(counter, list(range(1, COUNTERS + 1)))
    return called


def test_five_counters_calling_fifty_tickets_call_each_exactly_once(live_server, floor_clock):
    tickets = five_counters_and_fifty_walk_ins(floor_clock)
    status, session = request(live_server.url, "POST", "/v1/sessions",
                              {"email": "staff@antre.local", "password": "staff-demo-123"})
    assert status == 200, session
    called = call_in_rounds(lambda counter: request(
        live_server.url, "POST", f"/v1/staff/counters/{counter}/call-next",
        token=session["token"])[1]["ticket"])
    assert Counter(called) == Counter(tickets)  # every ticket, each exactly once
    statuses = Counter(request(live_server.url, "GET", f"/v1/tickets/{t}")[1]["status"]
                       for t in tickets)
    assert statuses == {"done": TICKETS}


def test_canary_calls_without_the_once_condition_call_tickets_twice(live_server, floor_clock):
    five_counters_and_fifty_walk_ins(floor_clock)
    called = call_in_rounds(lambda counter: queue_service.call_next(
        STAFF, counter, clock.now(), once=False), until_twice=True)
    assert max(Counter(called).values()) > 1

