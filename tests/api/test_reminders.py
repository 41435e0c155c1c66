"""The day-before reminder goes out from 17:00 in each mall's own zone, once per booking."""
from datetime import time, timedelta

from chalicelib.domain.catalog import Agency, DayHours, Mall, Service
from chalicelib.services import reminders
from chalicelib.store import catalog
from tests.api.helpers import booked, call
from tests.conftest import emulator_mail

HOURS = DayHours(time(8), time(15))


def a_mall(mall_id, tz):
    catalog.put_mall(Mall(mall_id, f"MPP {mall_id}", mall_id, tz,
                          weekly_hours={d: HOURS for d in range(5)}))
    catalog.put_agency(Agency("samsat", mall_id, "Samsat", "C"))
    catalog.put_service(Service("pajak", mall_id, "samsat", "", "Pajak Kendaraan", ("STNK",),
                                30, 2))


def reminded(code):
    return [m for m in emulator_mail() if "Pengingat" in m["subject"] and code in m["subject"]]


def test_reminders_follow_each_malls_zone_and_go_out_once(client, fixed_clock):
    a_mall("kota-makassar", "Asia/Makassar")
    a_mall("kota-jayapura", "Asia/Jayapura")
    wib = booked(client)[1]  # Bogor, Tuesday 8 December 09:00 WIB
    wita = booked(client, mall_id="kota-makassar", service_id="pajak", start="10:00")[1]
    wit = booked(client, mall_id="kota-jayapura", service_id="pajak", start="10:00")[1]
    fixed_clock.advance(timedelta(hours=8))  # 08:00 UTC: 17:00 WIT, 16:00 WITA, 15:00 WIB
    assert reminders.send_due(fixed_clock.now()) == 1
    assert reminded(wit["code"]) and not reminded(wita["code"]) and not reminded(wib["code"])
    fixed_clock.advance(timedelta(hours=1))  # 17:00 WITA
    assert reminders.send_due(fixed_clock.now()) == 1 and reminded(wita["code"])
    fixed_clock.advance(timedelta(hours=1))  # 17:00 WIB; a booking just made gets none
    fresh = booked(client, start="14:00")[1]
    assert reminders.send_due(fixed_clock.now()) == 1 and reminded(wib["code"])
    assert reminders.send_due(fixed_clock.now()) == 0  # once each
    assert not reminded(fresh["code"])
    text = reminded(wib["code"])[0]["text"]
    assert "Selasa, 8 Desember 2026, 09:00–09:30 WIB" in text
    assert f"/#/b/{wib['booking_id']}" in text and "Kartu Keluarga asli" in text


def test_cancelled_bookings_get_no_reminder(client, fixed_clock):
    token, booking = booked(client)
    call(client, "POST", f"/v1/bookings/{booking['booking_id']}/cancel", token=token)
    fixed_clock.advance(timedelta(hours=10))  # 17:00 WIB
    assert reminders.send_due(fixed_clock.now()) == 0
