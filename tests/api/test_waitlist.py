"""The waitlist of a full day: the first waiting citizen is offered a freed seat, held for
them; a lapsed offer goes to the next; the hold survives anyone else's attempt to book."""
from datetime import timedelta

from chalicelib.services import waitlist
from tests.api.helpers import admin_token, booked, call, citizen
from tests.conftest import emulator_mail

FULL = {"mall_id": "kota-bogor", "service_id": "akta-kelahiran", "date": "2026-12-08"}


def fill_the_day(client, seats_per_slot=3):
    """Every slot of Akta Kelahiran on Tuesday booked: 14 slots x 3 seats."""
    starts = [f"{h:02d}:{m:02d}" for h in range(8, 15) for m in (0, 30)]
    made = {}
    for start in starts:
        for _ in range(seats_per_slot):
            made.setdefault(start, []).append(booked(client, service_id="akta-kelahiran",
                                                     start=start))
    return made


def join(client, token):
    return call(client, "POST", "/v1/waitlist", FULL, token=token)


def test_join_only_when_full_once_and_in_order(client):
    _, token = citizen(client)
    status, body = join(client, token)
    assert (status, body["code"]) == (409, "seats_available")
    fill_the_day(client)
    first, second = citizen(client)[1], citizen(client)[1]
    assert join(client, first)[1]["position"] == 1
    status, body = join(client, second)
    assert (status, body["status"], body["position"]) == (201, "waiting", 2)
    assert join(client, second)[1]["code"] == "already_waiting"
    mine = call(client, "GET", "/v1/waitlist", token=second)[1]
    assert [(e["status"], e["position"]) for e in mine] == [("waiting", 2)]


def test_a_freed_seat_is_held_for_the_first_offer_lapses_to_the_next(client, fixed_clock):
    made = fill_the_day(client)
    first_email, first = citizen(client)
    second_email, second = citizen(client)
    entry = join(client, first)[1]
    later = join(client, second)[1]
    token, freed = made["10:00"][0]
    call(client, "POST", f"/v1/bookings/{freed['booking_id']}/cancel", token=token)
    offered = call(client, "GET", "/v1/waitlist", token=first)[1][0]
    assert (offered["status"], offered["offer"]["start"]) == ("offered", "10:00")
    fixed_clock.advance(timedelta(seconds=100))  # the time left is the server's, for phones
    offered = call(client, "GET", "/v1/waitlist", token=first)[1][0]
    assert offered["offer"]["seconds_left"] == 15 * 60 - 100
    assert [m for m in emulator_mail(first_email) if "Kursi tersedia" in m["subject"]]
    # nobody else can book the held seat
    status, body = call(client, "POST", "/v1/bookings", {**FULL, "start": "10:00"},
                        token=citizen(client)[1])
    assert (status, body["code"]) == (409, "slot_full")
    fixed_clock.advance(timedelta(minutes=16))  # the hold lapses...
    assert waitlist.expire_offers(fixed_clock.now()) == 1
    assert call(client, "GET", "/v1/waitlist", token=first)[1][0]["status"] == "expired"
    status, body = call(client, "POST", f"/v1/waitlist/{entry['waitlist_id']}/accept",
                        token=first)
    assert (status, body["code"]) == (409, "offer_expired")
    nxt = call(client, "GET", "/v1/waitlist", token=second)[1][0]  # ...to the next one
    assert nxt["status"] == "offered"
    status, booking = call(client, "POST", f"/v1/waitlist/{later['waitlist_id']}/accept",
                           token=second)
    assert (status, booking["start"], booking["status"]) == (201, "10:00", "booked")
    slot = next(s for s in call(client, "GET", "/v1/malls/kota-bogor/services/akta-kelahiran/"
                                "slots?date=2026-12-08")[1] if s["start"] == "10:00")
    assert slot["remaining"] == 0  # the seat counted once: the offer's hold became it
    assert [m for m in emulator_mail(second_email) if "terkonfirmasi" in m["subject"]]


def test_leaving_with_an_offer_passes_it_on_and_raised_capacity_offers_seats(client):
    fill_the_day(client)
    first, second = citizen(client)[1], citizen(client)[1]
    one, two = join(client, first)[1], join(client, second)[1]
    # more seats for the service: 3 -> 4 per slot offers them to both
    from chalicelib.store import catalog as catalog_store
    service = catalog_store.fresh_catalog("kota-bogor").services["akta-kelahiran"]
    body = {"agency_id": service.agency_id, "name": service.name, "slot_minutes": 30,
            "capacity": 4, "walkin_quota": service.walkin_quota}
    assert call(client, "PUT", "/v1/admin/malls/kota-bogor/services/akta-kelahiran", body,
                token=admin_token(client))[0] == 200
    states = [call(client, "GET", "/v1/waitlist", token=t)[1][0]["status"]
              for t in (first, second)]
    assert states == ["offered", "offered"]
    left = call(client, "POST", f"/v1/waitlist/{one['waitlist_id']}/leave", token=first)[1]
    assert left["status"] == "left"
    assert call(client, "POST", f"/v1/waitlist/{two['waitlist_id']}/accept",
                token=second)[0] == 201
    assert call(client, "POST", f"/v1/waitlist/{one['waitlist_id']}/accept",
                token=second)[0] == 404  # another person's entry


# --- joining checks what booking checks; offers skip who could not accept (issue 14) ----------


def a_service(client, service_id: str, capacity: int) -> None:
    """A Disdukcapil service of 60-minute slots with `capacity` seats each (0: always full)."""
    status, body = call(client, "PUT", f"/v1/admin/malls/kota-bogor/services/{service_id}", {
        "agency_id": "disdukcapil", "name": f"Uji {service_id}", "slot_minutes": 60,
        "capacity": capacity}, token=admin_token(client))
    assert status == 200, body


def test_joining_checks_the_booking_limit_the_pause_and_an_existing_booking(client,
                                                                            fixed_clock):
    """Before: an account at its 3-booking limit (or paused) joined any number of waitlists."""
    from tests.api.helpers import login, nik, register
    from tests.api.test_staff_bookings import _three_no_shows

    a_service(client, "penuh", 0)
    full = {"mall_id": "kota-bogor", "service_id": "penuh", "date": "2026-12-08"}
    _, token = citizen(client)
    for service in ("ktp-el", "skck", "nib"):
        booked(client, token, service_id=service)
    status, body = call(client, "POST", "/v1/waitlist", full, token=token)
    assert (status, body["code"]) == (409, "booking_limit_reached")
    assert body["message"].startswith("Anda sudah punya 3 booking aktif")
    assert call(client, "GET", "/v1/waitlist", token=token)[1] == []
    # booked that service and day already
    a_service(client, "satu", 1)
    token, _ = booked(client, service_id="satu", start="09:00")
    for start in ("08:00", "10:00", "11:00", "12:00", "13:00", "14:00"):
        booked(client, service_id="satu", start=start)
    status, body = call(client, "POST", "/v1/waitlist", {**full, "service_id": "satu"},
                        token=token)
    assert (status, body["code"]) == (409, "already_booked")
    # paused by the mall's no-show policy
    email, password = _three_no_shows(client, fixed_clock, 7990)  # Thursday 10 December
    paused = login(client, email, password)
    status, body = call(client, "POST", "/v1/waitlist", {**full, "date": "2026-12-14"},
                        token=paused)
    assert (status, body["code"]) == (403, "booking_paused")


def test_an_account_waits_on_a_few_waitlists_at_most(client):
    a_service(client, "penuh", 0)
    _, token = citizen(client)
    days = ["2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11"]
    made = [call(client, "POST", "/v1/waitlist", {"mall_id": "kota-bogor",
                                                   "service_id": "penuh", "date": day},
                 token=token) for day in days]
    assert [status for status, _ in made] == [201, 201, 201, 409]
    assert made[3][1]["code"] == "waitlist_limit_reached"
    assert made[3][1]["message"].startswith("Anda sudah menunggu di 3 daftar tunggu")
    assert len(call(client, "GET", "/v1/waitlist", token=token)[1]) == 3
    left = call(client, "POST", f"/v1/waitlist/{made[0][1]['waitlist_id']}/leave",
                token=token)[1]
    assert left["status"] == "left"
    assert call(client, "POST", "/v1/waitlist", {"mall_id": "kota-bogor",
                                                 "service_id": "penuh", "date": days[3]},
                token=token)[0] == 201


def test_an_offer_skips_entries_that_could_not_accept_it(client):
    """Before: a freed seat was held 15 minutes for someone at their booking limit."""
    a_service(client, "satu", 1)
    made = {start: booked(client, service_id="satu", start=start)
            for start in ("08:00", "09:00", "10:00", "11:00", "12:00", "13:00", "14:00")}
    full = {"mall_id": "kota-bogor", "service_id": "satu", "date": "2026-12-08"}
    _, busy = citizen(client)
    first = call(client, "POST", "/v1/waitlist", full, token=busy)[1]  # position 1
    _, able = citizen(client)
    second = call(client, "POST", "/v1/waitlist", full, token=able)[1]  # position 2
    for service in ("ktp-el", "skck", "nib"):  # the first now holds three bookings
        booked(client, busy, service_id=service, date="2026-12-09")
    token, freed = made["10:00"]
    assert call(client, "POST", f"/v1/bookings/{freed['booking_id']}/cancel",
                token=token)[0] == 200
    mine = {e["waitlist_id"]: e for e in call(client, "GET", "/v1/waitlist", token=able)[1]}
    assert mine[second["waitlist_id"]]["status"] == "offered"
    theirs = {e["waitlist_id"]: e for e in call(client, "GET", "/v1/waitlist", token=busy)[1]}
    assert theirs[first["waitlist_id"]]["status"] == "waiting"  # passed, still waiting
    assert call(client, "POST", f"/v1/waitlist/{second['waitlist_id']}/accept",
                token=able)[0] == 201
