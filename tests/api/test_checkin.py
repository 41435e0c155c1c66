"""Arriving at the mall: kiosk check-in, walk-ins, kiosk keys, phone walk-ins, assisted booking.

The clock stands at Monday 7 December 2026, 07:00 WIB unless a test moves it; the demo mall
opens 08:00-15:00, so a citizen books the 08:00 slot and checks in from 06:00 to 08:30.
"""
from dataclasses import replace
from datetime import time, timedelta

import pytest

from chalicelib import clock
from chalicelib.domain.catalog import Agency, DayHours, Mall, Service
from chalicelib.services import accounts, kiosks
from chalicelib.services.auth import Principal
from chalicelib.store import catalog
from infra.local.seed import SERVICES
from tests.api.helpers import (
    BOOK, KIOSK, admin_token, booked, call, citizen, login, nik, person_name, register,
    staff_token,
)

TODAY_8AM = {"date": "2026-12-07", "start": "08:00"}
KIOSKS = "/v1/admin/malls/kota-bogor/kiosks"


def check_in(client, code, headers=KIOSK, lang=None):
    h = dict(headers)
    if lang:
        h["Accept-Language"] = lang
    return call(client, "POST", "/v1/kiosk/checkins", {"code": code}, headers=h)


def walk_in(client, service_id="ktp-el", priority=False, headers=KIOSK):
    return call(client, "POST", "/v1/kiosk/walkins",
                {"service_id": service_id, "priority": priority}, headers=headers)


def typed(code: str) -> str:
    """The code as a person types it: lower case, with a space and a dash."""
    return f" {code[:4].lower()}-{code[4:].lower()} "


# --- check-in ---------------------------------------------------------------------------------


def test_check_in_issues_a_ticket_and_marks_the_booking(client):
    token, booking = booked(client, **TODAY_8AM)
    status, ticket = check_in(client, typed(booking["code"]))
    assert status == 201, ticket
    assert ticket["ticket_number"] == "A-001"  # Disdukcapil's letter, first of the day
    assert (ticket["status"], ticket["people_ahead"], ticket["booking_id"]) == (
        "waiting", 0, booking["booking_id"])
    assert ticket["service_name"] == "Perekaman & cetak KTP-el"
    assert ticket["follow_url"].endswith(f"/ticket#{ticket['ticket_id']}")
    mine = call(client, "GET", f"/v1/bookings/{booking['booking_id']}", token=token)[1]
    assert mine["status"] == "checked_in"
    follow = call(client, "GET", f"/v1/tickets/{ticket['ticket_id']}")[1]
    assert (follow["ticket_number"], follow["status"]) == ("A-001", "waiting")


def test_the_same_code_again_answers_the_same_ticket(client):
    _, booking = booked(client, **TODAY_8AM)
    first = check_in(client, booking["code"])
    again = check_in(client, typed(booking["code"]))
    assert (first[0], again[0]) == (201, 200)
    assert again[1]["ticket_id"] == first[1]["ticket_id"]
    assert again[1]["ticket_number"] == "A-001"


def test_numbers_count_per_agency_with_its_letter(client):
    numbers = []
    for service in ("ktp-el", "nib", "akta-kelahiran"):
        _, booking = booked(client, service_id=service, **TODAY_8AM)
        numbers.append(check_in(client, booking["code"])[1]["ticket_number"])
    assert numbers == ["A-001", "B-001", "A-002"]


def test_unknown_codes_and_keys(client):
    assert check_in(client, "ZZZZ-ZZZZ")[1]["code"] == "unknown_code"
    assert check_in(client, "not a code at all")[1]["code"] == "unknown_code"
    status, body = check_in(client, "anything", headers={})
    assert (status, body["code"]) == (401, "unauthorized")
    status, body = check_in(client, "anything", headers={"X-Kiosk-Key": "guessed-key"})
    assert (status, body["code"]) == (401, "unauthorized")
    assert "kiosk" in body["message"].lower()


@pytest.fixture
def other_mall(fresh_table):
    hours = DayHours(time(8), time(15))
    catalog.put_mall(Mall("kota-depok", "MPP Kota Depok", "Depok", "Asia/Jakarta",
                          weekly_hours={d: hours for d in range(5)}))
    catalog.put_agency(Agency("samsat", "kota-depok", "Samsat Depok", "S"))
    catalog.put_service(Service("pajak", "kota-depok", "samsat", "", "Pajak Kendaraan",
                                (), 30, 2, walkin_quota=5))
    made = kiosks.register(Principal("seed", "admin", "kota-depok"), "kota-depok", "Depok",
                           clock.now())
    return {"X-Kiosk-Key": made["key"]}


def test_another_malls_kiosk_does_not_know_the_code(client, other_mall):
    _, booking = booked(client, **TODAY_8AM)
    status, body = check_in(client, booking["code"], headers=other_mall)
    assert (status, body["code"]) == (404, "unknown_code")
    assert check_in(client, booking["code"])[0] == 201  # its own mall's kiosk still can


def test_a_booking_for_another_day_is_not_today(client):
    _, booking = booked(client)  # Tuesday 8 December, 09:00
    status, body = check_in(client, booking["code"])
    assert (status, body["code"]) == (409, "not_today")
    assert "Selasa, 8 Desember 2026 pukul 09:00" in body["message"]
    english = check_in(client, booking["code"], lang="en")[1]["message"]
    assert "Tuesday 8 December 2026 at 09:00" in english


def test_a_cancelled_booking_is_not_today(client):
    token, booking = booked(client, **TODAY_8AM)
    call(client, "POST", f"/v1/bookings/{booking['booking_id']}/cancel", token=token)
    status, body = check_in(client, booking["code"])
    assert (status, body["code"]) == (409, "not_today")
    assert "dibatalkan" in body["message"]


def test_check_in_window_opens_two_hours_before_and_closes_half_an_hour_after(
        client, fixed_clock):
    fixed_clock.advance(timedelta(hours=-2))  # 05:00: book 08:00, too early to check in
    _, booking = booked(client, **TODAY_8AM)
    status, body = check_in(client, booking["code"])
    assert (status, body["code"]) == (409, "too_early")
    assert "06:00" in body["message"]
    fixed_clock.advance(timedelta(hours=3, minutes=31))  # 08:31
    assert check_in(client, booking["code"])[1]["code"] == "too_late"
    fixed_clock.advance(timedelta(minutes=-1))  # 08:30 exactly: still in
    assert check_in(client, booking["code"])[0] == 201


def test_a_rescheduled_booking_checks_in_on_its_new_day(client, fixed_clock):
    token, booking = booked(client)  # Tuesday
    moved = call(client, "POST", f"/v1/bookings/{booking['booking_id']}/reschedule",
                 {"date": "2026-12-07", "start": "08:30"}, token=token)
    assert moved[0] == 200, moved
    assert check_in(client, booking["code"])[0] == 201


def test_a_booked_citizen_cannot_cancel_after_checking_in(client):
    token, booking = booked(client, **TODAY_8AM)
    check_in(client, booking["code"])
    status, body = call(client, "POST", f"/v1/bookings/{booking['booking_id']}/cancel",
                        token=token)
    assert (status, body["code"]) == (409, "booking_not_changeable")


# --- kiosks: registered and revoked by the mall admin -------------------------------------------


def test_admin_registers_and_revokes_a_kiosk(client):
    admin = admin_token(client)
    status, made = call(client, "POST", KIOSKS, {"label": "Pintu timur"},
                        token=admin)
    assert status == 201 and len(made["key"]) >= 24
    listed = call(client, "GET", KIOSKS, token=admin)[1]
    assert {k["label"] for k in listed} == {"Kiosk pintu masuk (demo)", "Layar TV aula (demo)",
                                          "Pintu timur"}
    assert all("key" not in k for k in listed)
    key = {"X-Kiosk-Key": made["key"]}
    me = call(client, "GET", "/v1/kiosk/me", headers=key)[1]
    assert (me["mall_id"], me["label"]) == ("kota-bogor", "Pintu timur")
    _, booking = booked(client, **TODAY_8AM)
    revoked = call(client, "POST", f"{KIOSKS}/{made['kiosk_id']}/revoke", token=admin)
    assert revoked[1]["active"] is False
    status, body = check_in(client, booking["code"], headers=key)
    assert (status, body["code"]) == (401, "unauthorized")
    assert check_in(client, booking["code"])[0] == 201  # the demo kiosk still works


def test_only_admins_manage_kiosks(client):
    _, token = citizen(client)
    for who in (token, staff_token(client)):
        assert call(client, "GET", KIOSKS, token=who)[0] == 403
        assert call(client, "POST", KIOSKS, {"label": "x"}, token=who)[0] == 403
    assert call(client, "GET", KIOSKS)[0] == 401
    admin = admin_token(client)
    assert call(client, "POST", f"{KIOSKS}/01HZZZZZZZZZZZZZZZZZZZZZZZ/revoke",
                token=admin)[0] == 404


def test_another_malls_admin_cannot_see_or_revoke_our_kiosks(client, other_mall):
    accounts.register(email="admin@depok.id", password="pintu-hijau-sapi-42", name="Admin Depok",
                      phone="0812 1111 2222", nik="", now=clock.now(),
                      role="admin", mall_id="kota-depok", verified=True)
    depok = login(client, "admin@depok.id", "pintu-hijau-sapi-42")
    ours = call(client, "GET", KIOSKS, token=admin_token(client))[1]
    theirs = call(client, "GET", "/v1/admin/malls/kota-depok/kiosks", token=depok)[1]
    assert {k["kiosk_id"] for k in ours}.isdisjoint({k["kiosk_id"] for k in theirs})
    assert call(client, "GET", KIOSKS, token=depok)[0] == 404
    status, _ = call(client, "POST", f"{KIOSKS}/{ours[0]['kiosk_id']}/revoke", token=depok)
    assert status == 404


# --- walk-ins ----------------------------------------------------------------------------------


@pytest.fixture
def nine_am(fixed_clock):
    fixed_clock.advance(timedelta(hours=2))  # Monday 09:00 WIB: open
    return fixed_clock


def test_walk_in_takes_a_ticket_while_open(client, nine_am):
    status, ticket = walk_in(client, "pajak-kendaraan", priority=True)
    assert status == 201, ticket
    assert (ticket["ticket_number"], ticket["kind"], ticket["priority"]) == (
        "C-001", "walkin", True)
    assert ticket["booking_id"] is None
    second = walk_in(client, "pajak-kendaraan")[1]
    assert (second["ticket_number"], second["people_ahead"]) == ("C-002", 1)


def test_walk_ins_only_during_opening_hours(client, fixed_clock):
    status, body = walk_in(client)  # 07:00, opens 08:00
    assert (status, body["code"]) == (409, "service_closed")
    assert "08:00–15:00" in body["message"]
    fixed_clock.advance(timedelta(days=5, hours=2))  # Saturday 09:00
    assert walk_in(client)[1]["code"] == "service_closed"


def test_walk_in_quota_is_apart_from_online_seats(client, nine_am):
    service = next(s for s in SERVICES if s.service_id == "nib")
    catalog.put_service(replace(service, walkin_quota=2))
    slots = "/v1/malls/kota-bogor/services/nib/slots?date=2026-12-08"
    before = call(client, "GET", slots)[1]
    assert [walk_in(client, "nib")[0] for _ in range(2)] == [201, 201]
    status, body = walk_in(client, "nib")
    assert (status, body["code"]) == (409, "walkin_quota_full")
    assert call(client, "GET", slots)[1] == before  # no online seat was used
    for _ in range(5):  # a whole slot booked online leaves the walk-in count alone
        booked(client, service_id="nib", date="2026-12-08", start="10:00")
    quota = call(client, "GET", "/v1/malls/kota-bogor/walkins")[1]
    nib = next(s for s in quota["services"] if s["service_id"] == "nib")
    assert (nib["quota"], nib["remaining"], nib["waiting"]) == (2, 0, 2)
    assert quota["open_now"] is True
    assert nib["name"].startswith("Nomor Induk Berusaha")
    english = call(client, "GET", "/v1/malls/kota-bogor/walkins",
                   headers={"Accept-Language": "en"})[1]
    assert next(s for s in english["services"] if s["service_id"] == "nib")["name"] == \
        "Business number (NIB) assistance"


def test_a_service_without_walk_ins_refuses_them(client, nine_am):
    service = next(s for s in SERVICES if s.service_id == "pbg")
    catalog.put_service(replace(service, walkin_quota=0))
    status, body = walk_in(client, "pbg")
    assert (status, body["code"]) == (422, "walkin_unavailable")
    assert walk_in(client, "no-such-service")[1]["code"] == "not_found"


# --- the QR on the hall's screen: a walk-in ticket on one's own phone ----------------------------


def test_phone_walk_in_with_a_fresh_token_and_refused_with_an_expired_one(client, nine_am):
    status, qr = call(client, "POST", "/v1/kiosk/walkin-token", headers=KIOSK)
    assert status == 200 and qr["qr_svg"].startswith("<")
    assert qr["url"].endswith(qr["token"]) and "/walkin#m=kota-bogor&t=" in qr["url"]
    status, ticket = call(client, "POST", "/v1/walkins",
                          {"token": qr["token"], "service_id": "skck"})
    assert (status, ticket["ticket_number"], ticket["kind"]) == (201, "D-001", "walkin")
    nine_am.advance(timedelta(minutes=3, seconds=1))  # the token lives 180 s
    status, body = call(client, "POST", "/v1/walkins",
                        {"token": qr["token"], "service_id": "skck"})
    assert (status, body["code"]) == (403, "qr_expired")
    assert "QR" in body["message"]
    forged = qr["token"][:-4] + ("AAAA" if not qr["token"].endswith("AAAA") else "BBBB")
    assert call(client, "POST", "/v1/walkins",
                {"token": forged, "service_id": "skck"})[1]["code"] == "qr_expired"


def test_a_session_token_is_not_a_walk_in_token(client, nine_am):
    _, token = citizen(client)
    status, body = call(client, "POST", "/v1/walkins", {"token": token, "service_id": "skck"})
    assert (status, body["code"]) == (403, "qr_expired")


# --- assisted booking: staff book for a citizen without email or phone ---------------------------


def test_staff_book_for_a_citizen_under_the_same_rules(client):
    staff = staff_token(client)
    person = {"service_id": "ktp-el", "date": "2026-12-08", "start": "09:00",
              "name": "Ibu Siti Aminah", "nik": nik(7001)}
    status, made = call(client, "POST", "/v1/staff/bookings", person, token=staff)
    assert status == 201, made
    assert made["qr_svg"].startswith("<") and len(made["code"]) == 8
    assert (made["holder_name"], made["nik_last4"]) == ("Ibu Siti Aminah", nik(7001)[-4:])
    again = call(client, "POST", "/v1/staff/bookings", {**person, "start": "10:00"}, token=staff)
    assert again[1]["code"] == "already_booked"  # one per NIK, service and day
    listed = call(client, "GET", "/v1/staff/bookings", token=staff)[1]
    assert [b["code"] for b in listed] == [made["code"]]
    # she registers later with that NIK: nothing breaks, the same rules still hold
    email, password = register(client, nik_value=nik(7001))
    token = login(client, email, password)
    status, body = call(client, "POST", "/v1/bookings", BOOK, token=token)
    assert (status, body["code"]) == (409, "already_booked")
    assert call(client, "POST", "/v1/bookings", {**BOOK, "service_id": "skck"},
                token=token)[0] == 201
    # and the printed code checks in at the kiosk on the day
    assert check_in(client, made["code"])[1]["code"] == "not_today"


def test_assisted_booking_respects_capacity_and_roles(client):
    staff = staff_token(client)
    slot = {"service_id": "akta-kelahiran", "date": "2026-12-08", "start": "09:00"}
    for n in range(3):  # three seats
        assert call(client, "POST", "/v1/staff/bookings",
                    {**slot, "name": person_name(n), "nik": nik(7100 + n)}, token=staff)[0] == 201
    status, body = call(client, "POST", "/v1/staff/bookings",
                        {**slot, "name": person_name(9), "nik": nik(7109)}, token=staff)
    assert (status, body["code"]) == (409, "slot_full")
    bad = call(client, "POST", "/v1/staff/bookings",
               {**slot, "start": "10:00", "name": "X", "nik": "1234567890123456"}, token=staff)
    assert (bad[0], bad[1]["code"]) == (422, "validation_error") and "nik" in bad[1]["message"]
    _, citizen_token = citizen(client)
    assert call(client, "POST", "/v1/staff/bookings",
                {**slot, "name": "X", "nik": nik(7200)}, token=citizen_token)[0] == 403
