"""Bookings staff make at the mall for citizens (issue 14 "staff power with a trail", issue 13
item 5): each is audited, one staff member makes a limited number a day, they are listed
for the staff member and the mall admin, staff and the admin cancel and move them, the
citizen who holds the NIK sees and cancels them, and the no-show pause holds for them too,
at the mall whose policy it is only.

Before: a staff member booked three times for a stranger's NIK and 70 invented NIKs filled a
whole day, unaudited; the citizen could not see or cancel those bookings and, after the
sweep, was paused at every mall for 30 days.

The clock stands at Monday 7 December 2026, 07:00 WIB (tests/conftest.py).
"""
from __future__ import annotations

import json
from datetime import time, timedelta

from chalicelib.domain.catalog import Agency, DayHours, Mall, Service
from chalicelib.services import queue as queue_service
from chalicelib.store import catalog as catalog_store
from tests.api.helpers import (
    BOOK,
    admin_token,
    booked,
    call,
    login,
    nik,
    register,
    staff_token,
)
from tests.conftest import emulator_mail

M = "/v1/admin/malls/kota-bogor"
SLOTS = "/v1/malls/kota-bogor/services/{service}/slots?date={day}"


def for_citizen(client, token, number: int, service_id="ktp-el", day="2026-12-08",
                start="09:00", **extra):
    return call(client, "POST", "/v1/staff/bookings", {
        "service_id": service_id, "date": day, "start": start, "name": "Ibu Siti Aminah",
        "nik": nik(number), **extra}, token=token)


def remaining(client, service_id: str, day: str, start: str) -> int:
    slots = call(client, "GET", SLOTS.format(service=service_id, day=day))[1]
    return next(s["remaining"] for s in slots if s["start"] == start)


def second_staff(client) -> tuple[str, str]:
    """Another counter staff member of the demo mall: (account id, token)."""
    status, person = call(client, "POST", f"{M}/staff",
                          {"email": "loket.dua@bogor.id", "name": "Petugas Dua"},
                          token=admin_token(client))
    assert status == 201, person
    return person["account_id"], login(client, "loket.dua@bogor.id",
                                       person["temporary_password"])


def me(client, token) -> dict:
    return call(client, "GET", "/v1/me", token=token)[1]


def test_a_staff_booking_is_audited_with_the_staff_member_and_the_niks_last_four(client):
    staff = staff_token(client)
    status, made = for_citizen(client, staff, 7301)
    assert status == 201, made
    log = call(client, "GET", f"{M}/audit", token=admin_token(client))[1]
    entry = log[0]
    assert (entry["action"], entry["actor"], entry["target"]) == (
        "booking.assisted", me(client, staff)["account_id"], made["booking_id"])
    assert entry["after"]["nik_last4"] == nik(7301)[-4:]
    assert (entry["after"]["date"], entry["after"]["start"]) == ("2026-12-08", "09:00")
    assert nik(7301) not in json.dumps(log)  # the NIK itself never enters the log


def test_one_staff_member_makes_at_most_the_daily_limit(client, fixed_clock):
    """The 26th booking of the day is refused (429, in Bahasa first) and changes nothing;
    another staff member, or the same one tomorrow, may still book."""
    staff = staff_token(client)
    starts = [f"{h:02d}:{m:02d}" for h in range(8, 15) for m in (0, 30)]
    for n in range(25):  # four seats a slot: slots 08:00 to 11:00
        status, body = for_citizen(client, staff, 7400 + n, start=starts[n // 4])
        assert status == 201, (n, body)
    before = remaining(client, "ktp-el", "2026-12-08", "14:00")
    status, body = for_citizen(client, staff, 7499, start="14:00")
    assert (status, body["code"]) == (429, "assisted_limit_reached")
    assert body["message"].startswith("Anda sudah membuat 25 booking untuk warga hari ini")
    status, body = call(client, "POST", "/v1/staff/bookings", {
        "service_id": "ktp-el", "date": "2026-12-08", "start": "14:00", "name": "X",
        "nik": nik(7499)}, token=staff, headers={"Accept-Language": "en"})
    assert body["message"].startswith("You have made 25 bookings for citizens today")
    assert remaining(client, "ktp-el", "2026-12-08", "14:00") == before  # nothing taken
    assert len(call(client, "GET", "/v1/staff/bookings", token=staff)[1]) == 25
    _, other = second_staff(client)
    assert for_citizen(client, other, 7499, start="14:00")[0] == 201  # the NIK was not held
    fixed_clock.advance(timedelta(days=1))  # Tuesday: a new day's count
    staff = staff_token(client)
    assert for_citizen(client, staff, 7498, day="2026-12-09")[0] == 201


def test_staff_see_their_own_and_the_admin_sees_every_staff_members(client):
    staff = staff_token(client)
    _, other = second_staff(client)
    mine = for_citizen(client, staff, 7501)[1]
    theirs = for_citizen(client, other, 7502)[1]
    assert [b["code"] for b in call(client, "GET", "/v1/staff/bookings", token=staff)[1]] \
        == [mine["code"]]
    assert [b["code"] for b in call(client, "GET", "/v1/staff/bookings", token=other)[1]] \
        == [theirs["code"]]
    everyone = call(client, "GET", "/v1/staff/bookings", token=admin_token(client))[1]
    assert [b["code"] for b in everyone] == [theirs["code"], mine["code"]]
    assert everyone[1]["booked_by"] == me(client, staff)["account_id"]


def test_staff_of_the_mall_and_its_admin_cancel_and_move_them_audited(client):
    staff = staff_token(client)
    _, other = second_staff(client)
    admin = admin_token(client)
    first = for_citizen(client, staff, 7601, service_id="akta-kelahiran")[1]
    second = for_citizen(client, staff, 7602, service_id="akta-kelahiran", start="10:00")[1]
    seats = remaining(client, "akta-kelahiran", "2026-12-08", "09:00")
    # a colleague at the counter cancels it: the seat is free again at once
    status, body = call(client, "POST", f"/v1/staff/bookings/{first['booking_id']}/cancel",
                        token=other)
    assert (status, body["status"]) == (200, "cancelled")
    assert remaining(client, "akta-kelahiran", "2026-12-08", "09:00") == seats + 1
    status, body = call(client, "POST", f"/v1/staff/bookings/{first['booking_id']}/cancel",
                        token=staff)
    assert (status, body["code"]) == (409, "booking_not_changeable")
    # the admin moves the other one to Wednesday: same code, the old seat is freed
    status, moved = call(client, "POST",
                         f"/v1/staff/bookings/{second['booking_id']}/reschedule",
                         {"date": "2026-12-09", "start": "11:00"}, token=admin)
    assert status == 200, moved
    assert (moved["date"], moved["start"], moved["code"]) == ("2026-12-09", "11:00",
                                                              second["code"])
    listed = {b["booking_id"]: b for b in call(client, "GET", "/v1/staff/bookings",
                                               token=staff)[1]}
    assert listed[first["booking_id"]]["status"] == "cancelled"
    assert (listed[second["booking_id"]]["date"], listed[second["booking_id"]]["start"]) == (
        "2026-12-09", "11:00")
    status, body = call(client, "POST", f"/v1/staff/bookings/{second['booking_id']}/reschedule",
                        {"date": "2026-12-09", "start": "07:00"}, token=admin)
    assert (status, body["code"]) == (422, "slot_unavailable")
    log = call(client, "GET", f"{M}/audit", token=admin)[1]
    acts = [(e["action"], e["target"]) for e in log[:4]]
    assert ("booking.assisted_reschedule", second["booking_id"]) == acts[0]
    assert ("booking.assisted_cancel", first["booking_id"]) == acts[1]
    assert log[0]["before"] == {"date": "2026-12-08", "start": "10:00"}
    assert log[0]["actor"] == me(client, admin)["account_id"]
    # a citizen's own online booking is not staff's to cancel
    token, own = booked(client)
    status, body = call(client, "POST", f"/v1/staff/bookings/{own['booking_id']}/cancel",
                        token=staff)
    assert (status, body["code"]) == (404, "not_found")
    assert call(client, "GET", f"/v1/bookings/{own['booking_id']}",
                token=token)[1]["status"] == "booked"


def test_the_citizen_who_holds_the_nik_sees_and_cancels_them(client):
    staff = staff_token(client)
    made = for_citizen(client, staff, 7701)[1]
    # she registers later with that NIK: the booking is in her account
    email, password = register(client, nik_value=nik(7701))
    token = login(client, email, password)
    mine = call(client, "GET", "/v1/bookings", token=token)[1]
    assert [(b["booking_id"], b["assisted"]) for b in mine] == [(made["booking_id"], True)]
    assert call(client, "GET", f"/v1/bookings/{made['booking_id']}", token=token)[1]["code"] \
        == made["code"]
    assert call(client, "GET", f"/v1/bookings/{made['booking_id']}/qr.svg",
                token=token)[0] == 200
    # nobody else sees it
    stranger, _ = booked(client, service_id="skck")
    assert call(client, "GET", f"/v1/bookings/{made['booking_id']}", token=stranger)[0] == 404
    assert call(client, "POST", f"/v1/bookings/{made['booking_id']}/cancel",
                token=stranger)[0] == 404
    seats = remaining(client, "ktp-el", "2026-12-08", "09:00")
    status, body = call(client, "POST", f"/v1/bookings/{made['booking_id']}/cancel",
                        token=token)
    assert (status, body["status"]) == (200, "cancelled")
    assert remaining(client, "ktp-el", "2026-12-08", "09:00") == seats + 1
    assert call(client, "POST", "/v1/bookings", BOOK, token=token)[0] == 201  # her own now


def test_a_citizen_with_an_account_sees_staff_bookings_and_is_emailed_their_changes(client):
    email, password = register(client, nik_value=nik(7801))
    token = login(client, email, password)
    staff = staff_token(client)
    made = for_citizen(client, staff, 7801, service_id="skck")[1]
    assert [b["code"] for b in call(client, "GET", "/v1/bookings", token=token)[1]] \
        == [made["code"]]
    status, _ = call(client, "POST", f"/v1/staff/bookings/{made['booking_id']}/cancel",
                     token=staff)
    assert status == 200
    assert any("dibatalkan" in m["subject"] and made["code"] in m["subject"]
               for m in emulator_mail(email))


def _three_no_shows(client, fixed_clock, number: int) -> None:
    """A citizen (NIK `number`) books three days and never comes: the sweep marks them."""
    email, password = register(client, nik_value=nik(number))
    token = login(client, email, password)
    for day in ("2026-12-07", "2026-12-08", "2026-12-09"):
        booked(client, token, date=day, start="09:00")
    for _ in range(3):
        fixed_clock.advance(timedelta(hours=3))  # 10:00: past its 09:30 deadline
        queue_service.sweep(fixed_clock.now())
        fixed_clock.advance(timedelta(hours=21))
    return email, password


def test_a_staff_booking_checks_the_same_no_show_pause(client, fixed_clock):
    _three_no_shows(client, fixed_clock, 7901)  # Thursday 10 December, 07:00
    staff = staff_token(client)
    status, body = for_citizen(client, staff, 7901, day="2026-12-14")
    assert (status, body["code"]) == (403, "booking_paused")
    assert body["message"].startswith("Pemilik NIK ini tidak datang 3 kali")
    assert "Jumat, 8 Januari 2027" in body["message"]
    assert call(client, "GET", "/v1/staff/bookings", token=staff)[1] == []


def test_a_no_show_pause_applies_only_at_the_mall_whose_policy_it_is(client, fixed_clock):
    hours = DayHours(time(8), time(15))
    catalog_store.put_mall(Mall("kota-depok", "MPP Kota Depok", "Depok", "Asia/Jakarta",
                                weekly_hours={d: hours for d in range(5)}))
    catalog_store.put_agency(Agency("dukcapil", "kota-depok", "Dukcapil", "A"))
    catalog_store.put_service(Service("ktp", "kota-depok", "dukcapil", "", "KTP-el", (), 30, 5))
    email, password = _three_no_shows(client, fixed_clock, 7902)  # at Bogor
    token = login(client, email, password)
    bogor = {**BOOK, "service_id": "skck", "date": "2026-12-14"}
    assert call(client, "POST", "/v1/bookings", bogor, token=token)[1]["code"] \
        == "booking_paused"
    depok = {"mall_id": "kota-depok", "service_id": "ktp", "date": "2026-12-14",
             "start": "09:00"}
    status, body = call(client, "POST", "/v1/bookings", depok, token=token)
    assert status == 201, body  # Depok's policy counts Depok's no-shows: none
    assert [p["mall_id"] for p in me(client, token)["booking_pauses"]] == ["kota-bogor"]
