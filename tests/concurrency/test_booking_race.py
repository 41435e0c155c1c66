"""Races: many citizens at once against the one-request-at-a-time emulator.

The app runs in chalice's threaded HTTP server, so requests really interleave inside the
app; the emulator makes each DynamoDB call atomic, as DynamoDB does. The canary runs the
same race with the capacity condition switched off and must see the overbooking.
"""
from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from chalicelib.services import booking as booking_service
from chalicelib.services.auth import read_token
from chalicelib.store import bookings as booking_store
from tests.api.helpers import nik, person_name
from tests.conftest import emulator_mail
from tests.http_client import request

BOOKERS = 50
SLOT = {"mall_id": "kota-bogor", "service_id": "nib", "date": "2026-12-08", "start": "09:00"}
CAPACITY = 5  # the demo's NIB service seats 5 per slot


def make_citizens(url: str, count: int) -> list[str]:
    import re

    tokens = []
    for n in range(count):
        email = f"race{n}@example.id"
        status, _ = request(url, "POST", "/v1/accounts", {
            "email": email, "password": "kuda-lari-123", "name": person_name(n, "Race"),
            "phone": "081234567890", "nik": nik(5000 + n)})
        assert status == 201
        code = re.search(r"\b(\d{6})\b", emulator_mail(email)[0]["text"]).group(1)
        assert request(url, "POST", "/v1/accounts/verify", {"email": email, "code": code})[0] \
            == 200
        status, body = request(url, "POST", "/v1/sessions",
                               {"email": email, "password": "kuda-lari-123"})
        tokens.append(body["token"])
    return tokens


def race(fn, args: list) -> list:
    """Run fn(arg) for every arg at once: threads wait at a barrier, then all go."""
    barrier = threading.Barrier(len(args))

    def go(arg):
        barrier.wait()
        return fn(arg)

    with ThreadPoolExecutor(max_workers=len(args)) as pool:
        return list(pool.map(go, args))


def seats_and_bookings(tokens, url) -> tuple[int, int]:
    counter = booking_store.seats_taken(SLOT["mall_id"], SLOT["service_id"], SLOT["date"])
    active = sum(1 for t in tokens for b in request(url, "GET", "/v1/bookings", token=t)[1]
                 if b["status"] == "booked")
    return counter.get(SLOT["start"], 0), active


def test_fifty_bookers_for_five_seats_book_exactly_five(live_server, fixed_clock):
    tokens = make_citizens(live_server.url, BOOKERS)
    results = race(lambda t: request(live_server.url, "POST", "/v1/bookings", SLOT, token=t),
                   tokens)
    outcomes = Counter(status if status == 201 else body["code"] for status, body in results)
    assert outcomes == {201: CAPACITY, "slot_full": BOOKERS - CAPACITY}
    assert seats_and_bookings(tokens, live_server.url) == (CAPACITY, CAPACITY)


def test_canary_without_the_capacity_condition_overbooks(live_server, fixed_clock):
    """Same race, same assertions' inputs, capacity condition off: overbooking must show."""
    tokens = make_citizens(live_server.url, BOOKERS)

    def book_unguarded(token):
        who = read_token(f"Bearer {token}", fixed_clock.now())
        return booking_service.book(who, **SLOT, now=fixed_clock.now(), enforce_capacity=False)

    race(book_unguarded, tokens)
    seats, active = seats_and_bookings(tokens, live_server.url)
    assert seats == active == BOOKERS > CAPACITY


def test_one_citizen_racing_for_many_slots_gets_one_booking(live_server, fixed_clock):
    token = make_citizens(live_server.url, 1)[0]
    starts = ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00", "11:30",
              "13:00", "13:30"]
    results = race(lambda start: request(live_server.url, "POST", "/v1/bookings",
                                         {**SLOT, "start": start}, token=token), starts)
    outcomes = Counter(status if status == 201 else body["code"] for status, body in results)
    assert outcomes == {201: 1, "already_booked": len(starts) - 1}


def test_concurrent_retries_with_one_idempotency_key_book_once(live_server, fixed_clock):
    token = make_citizens(live_server.url, 1)[0]
    key = {"Idempotency-Key": "same-key-everywhere"}
    results = race(lambda _: request(live_server.url, "POST", "/v1/bookings", SLOT,
                                     token=token, headers=key), range(10))
    assert {status for status, _ in results} <= {200, 201}
    assert len({body["booking_id"] for _, body in results}) == 1
    assert seats_and_bookings([token], live_server.url) == (1, 1)
