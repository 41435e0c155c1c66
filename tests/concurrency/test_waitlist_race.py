"""A seat held for a waitlist offer under a race: thirty citizens trying to book it at once
all find the slot full, and the offered citizen gets it. The canary books the same race
without the capacity condition and must take the held seat."""
from collections import Counter

from chalicelib import clock
from chalicelib.services import booking as booking_service
from chalicelib.services.auth import read_token
from chalicelib.store import bookings as booking_store
from tests.concurrency.test_booking_race import make_citizens, race
from tests.http_client import request

SLOT = {"mall_id": "kota-bogor", "service_id": "pbg", "date": "2026-12-08", "start": "09:00"}
RACERS = 30


def hold_a_seat(url):
    """PBG on Tuesday: 7 one-hour slots of 3 seats, all booked; one waits; one cancels."""
    tokens = make_citizens(url, 21 + 1 + RACERS)
    holders, waiting, racers = tokens[:21], tokens[21], tokens[22:]
    booked = []
    for n, token in enumerate(holders):
        start = f"{8 + n // 3:02d}:00"
        status, body = request(url, "POST", "/v1/bookings", {**SLOT, "start": start},
                               token=token)
        assert status == 201, body
        booked.append((token, body))
    status, entry = request(url, "POST", "/v1/waitlist", {k: SLOT[k] for k in (
        "mall_id", "service_id", "date")}, token=waiting)
    assert status == 201, entry
    token, freed = next(b for b in booked if b[1]["start"] == "09:00")
    request(url, "POST", f"/v1/bookings/{freed['booking_id']}/cancel", token=token)
    status, mine = request(url, "GET", "/v1/waitlist", token=waiting)
    assert mine[0]["status"] == "offered" and mine[0]["offer"]["start"] == "09:00"
    return waiting, entry, racers


def test_a_held_seat_survives_a_race_and_goes_to_the_offered_citizen(live_server, fixed_clock):
    waiting, entry, racers = hold_a_seat(live_server.url)
    results = race(lambda t: request(live_server.url, "POST", "/v1/bookings", SLOT, token=t),
                   racers)
    assert Counter(body["code"] for _, body in results) == {"slot_full": RACERS}
    status, booked = request(live_server.url, "POST",
                             f"/v1/waitlist/{entry['waitlist_id']}/accept", token=waiting)
    assert (status, booked["start"]) == (201, "09:00")
    taken = booking_store.seats_taken("kota-bogor", "pbg", "2026-12-08")["09:00"]
    assert taken == 3  # the slot's capacity, no more


def test_canary_without_the_capacity_condition_the_held_seat_is_taken(live_server,
                                                                       fixed_clock):
    waiting, entry, racers = hold_a_seat(live_server.url)

    def book_unguarded(token):
        who = read_token(f"Bearer {token}", clock.now())
        return booking_service.book(who, **SLOT, now=clock.now(), enforce_capacity=False)

    race(book_unguarded, racers)
    taken = booking_store.seats_taken("kota-bogor", "pbg", "2026-12-08")["09:00"]
    assert taken > 3  # overbooked: the held seat (and more) went to the racers
