"""Slot generation, closures and the booking window, across WIB/WITA/WIT."""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.catalog import DayHours, Mall, Service
from chalicelib.domain.schedule import (
    bookable_slots, closed_reason, day_slots, find_bookable_slot, local_today,
    national_holidays, parse_date, parse_hhmm,
)
from chalicelib.errors import SlotUnavailable, ValidationFailed

UTC = timezone.utc
MON, FRI, SAT = date(2026, 12, 7), date(2026, 12, 11), date(2026, 12, 12)


def hours(open_, close, *breaks):
    return DayHours(time.fromisoformat(open_), time.fromisoformat(close),
                    tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in breaks))


def make_mall(tz="Asia/Jakarta", **kw):
    weekly = {d: hours("08:00", "15:00", ("12:00", "13:00")) for d in range(4)}
    weekly[4] = hours("08:00", "15:00", ("11:30", "13:00"))  # Friday prayer
    return Mall(mall_id="m1", name="MPP", city="Kota", timezone=tz, weekly_hours=weekly, **kw)


def make_service(**kw):
    return Service(service_id="s1", mall_id="m1", agency_id="a1", agency_name="Dukcapil",
                   name="KTP baru", **kw)


def starts(slots):
    return [s.start_hhmm for s in slots]


# --- day_slots ---------------------------------------------------------------------------

def test_friday_grid_restarts_after_break():
    slots = day_slots(make_mall(), make_service(slot_minutes=30), FRI)
    assert starts(slots) == ["08:00", "08:30", "09:00", "09:30", "10:00", "10:30", "11:00",
                             "13:00", "13:30", "14:00", "14:30"]
    assert slots[6].end_hhmm == "11:30" and slots[-1].end_hhmm == "15:00"


def test_45_minute_slots_skip_those_crossing_break_or_close():
    slots = day_slots(make_mall(), make_service(slot_minutes=45), FRI)
    assert starts(slots) == ["08:00", "08:45", "09:30", "10:15", "13:00", "13:45"]
    assert [s.end_hhmm for s in slots] == ["08:45", "09:30", "10:15", "11:00", "13:45", "14:30"]


def test_breaks_in_any_order_and_no_breaks():
    mall = make_mall()
    mall.weekly_hours[0] = hours("08:00", "12:00", ("11:00", "11:30"), ("09:00", "09:30"))
    assert starts(day_slots(mall, make_service(slot_minutes=60), MON)) == ["08:00", "09:30"]
    mall.weekly_hours[0] = hours("08:00", "10:00")
    assert starts(day_slots(mall, make_service(slot_minutes=60), MON)) == ["08:00", "09:00"]


def test_slots_are_aware_in_mall_zone_and_differ_between_zones():
    jkt = day_slots(make_mall("Asia/Jakarta"), make_service(), MON)[0]
    mks = day_slots(make_mall("Asia/Makassar"), make_service(), MON)[0]
    jpr = day_slots(make_mall("Asia/Jayapura"), make_service(), MON)[0]
    assert jkt.start.tzinfo == ZoneInfo("Asia/Jakarta") and jkt.start_hhmm == "08:00"
    assert jkt.start.astimezone(UTC) == datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    assert mks.start.astimezone(UTC) == datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    assert jpr.start.astimezone(UTC) == datetime(2026, 12, 6, 23, 0, tzinfo=UTC)
    assert jkt.date == jpr.date == MON
    assert jkt.length == timedelta(minutes=30)


def test_offline_service_still_has_day_slots():
    assert day_slots(make_mall(), make_service(online=False), MON)


# --- closures and holidays ---------------------------------------------------------------

def test_package_lists_the_holidays_we_rely_on():
    h = national_holidays(2026)
    assert h[date(2026, 12, 25)] == "Christmas Day"
    assert h[date(2026, 8, 17)] == "Independence Day"
    assert date(2026, 12, 7) not in h


def test_national_holidays_returns_a_copy():
    national_holidays(2026).clear()
    assert date(2026, 12, 25) in national_holidays(2026)


def test_holidays_close_the_mall():
    mall = make_mall()
    assert closed_reason(mall, date(2026, 12, 25)) == "holiday: Christmas Day"  # a Friday
    assert closed_reason(mall, date(2026, 8, 17)) == "holiday: Independence Day"  # a Monday
    assert day_slots(mall, make_service(), date(2026, 12, 25)) == []


def test_holidays_ignored_when_mall_opens_on_them():
    mall = make_mall(closed_on_holidays=False)
    assert closed_reason(mall, date(2026, 12, 25)) is None
    assert day_slots(mall, make_service(), date(2026, 12, 25))


def test_manual_closure_and_weekend():
    mall = make_mall(closures=frozenset({MON, date(2026, 12, 25)}))
    assert closed_reason(mall, MON) == "closure"
    assert closed_reason(mall, date(2026, 12, 25)) == "closure"  # closure wins over holiday
    assert closed_reason(mall, SAT) == "weekly"
    assert closed_reason(mall, date(2026, 12, 8)) is None
    assert day_slots(mall, make_service(), MON) == day_slots(mall, make_service(), SAT) == []


# --- booking window ----------------------------------------------------------------------

def jkt(*args):
    return datetime(*args, tzinfo=ZoneInfo("Asia/Jakarta"))


def test_min_lead_boundary_is_inclusive():
    mall, svc = make_mall(), make_service()
    assert starts(bookable_slots(mall, svc, MON, jkt(2026, 12, 7, 8, 0)))[0] == "09:00"
    assert starts(bookable_slots(mall, svc, MON, jkt(2026, 12, 7, 8, 0, 1)))[0] == "09:30"


def test_max_days_ahead_boundary_is_inclusive():
    mall, svc, now = make_mall(max_days_ahead=30), make_service(), jkt(2026, 12, 7, 8, 0)
    assert bookable_slots(mall, svc, date(2027, 1, 6), now)  # today + 30, a Wednesday
    assert bookable_slots(mall, svc, date(2027, 1, 7), now) == []


def test_past_date_and_offline_service_are_not_bookable():
    mall, now = make_mall(), jkt(2026, 12, 7, 8, 0)
    assert bookable_slots(mall, make_service(), date(2026, 12, 4), now) == []
    assert bookable_slots(mall, make_service(online=False), date(2026, 12, 8), now) == []


def test_same_instant_lead_time_differs_by_zone():
    now = datetime(2026, 12, 6, 23, 0, tzinfo=UTC)  # 06:00 WIB, 07:00 WITA, 08:00 WIT on Monday
    first = {tz: starts(bookable_slots(make_mall(tz), make_service(), MON, now))[0]
             for tz in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")}
    assert first == {"Asia/Jakarta": "08:00", "Asia/Makassar": "08:00",  # WITA: exactly 60 min
                     "Asia/Jayapura": "09:00"}


def test_now_in_utc_half_past_midnight():
    now = datetime(2026, 12, 7, 0, 30, tzinfo=UTC)  # 07:30 WIB, 09:30 WIT
    assert starts(bookable_slots(make_mall("Asia/Jakarta"), make_service(), MON, now))[0] == "08:30"
    assert starts(bookable_slots(make_mall("Asia/Jayapura"), make_service(), MON, now))[0] == "10:30"


def test_today_differs_across_zones_near_midnight_utc():
    now = datetime(2026, 12, 6, 16, 30, tzinfo=UTC)  # 23:30 WIB Sunday, 01:30 WIT Monday
    jakarta = make_mall("Asia/Jakarta", max_days_ahead=8)
    jayapura = make_mall("Asia/Jayapura", max_days_ahead=8)
    assert local_today(jakarta, now) == date(2026, 12, 6)
    assert local_today(make_mall("Asia/Makassar"), now) == date(2026, 12, 7)
    assert local_today(jayapura, now) == date(2026, 12, 7)
    last_wib, last_wit = date(2026, 12, 14), date(2026, 12, 15)  # local today + 8, Mon/Tue
    assert bookable_slots(jakarta, make_service(), last_wib, now)
    assert bookable_slots(jakarta, make_service(), last_wit, now) == []
    assert bookable_slots(jayapura, make_service(), last_wit, now)


def test_naive_now_is_a_programming_error():
    with pytest.raises(ValueError):
        bookable_slots(make_mall(), make_service(), MON, datetime(2026, 12, 7, 8, 0))


# --- find_bookable_slot ------------------------------------------------------------------

NOW = jkt(2026, 12, 7, 8, 0)


def test_find_returns_the_slot():
    slot = find_bookable_slot(make_mall(), make_service(), MON, "09:00", NOW)
    assert slot.start == jkt(2026, 12, 7, 9, 0) and slot.end_hhmm == "09:30"


@pytest.mark.parametrize("day, hhmm, service, pattern", [
    (date(2026, 12, 25), "09:00", {}, r"closed on Friday 25 December 2026 \(national holiday: Christmas Day\)"),
    (SAT, "09:00", {}, r"closed on Saturday 12 December 2026 \(closed on this weekday\)"),
    (date(2026, 12, 4), "09:00", {}, "in the past"),
    (date(2027, 1, 7), "09:00", {}, "at most 30 days ahead.*Wednesday 6 January 2027"),
    (date(2026, 12, 8), "09:10", {}, "not a slot start"),
    (date(2026, 12, 8), "12:00", {}, "not a slot start"),  # inside the break
    (MON, "07:30", {}, "not a slot start"),  # before opening
    (MON, "08:00", {}, "already started"),
    (MON, "08:30", {}, "too soon.*60 minutes"),
    (date(2026, 12, 8), "09:00", {"online": False}, "cannot be booked online"),
])
def test_find_explains_why_not(day, hhmm, service, pattern):
    with pytest.raises(SlotUnavailable, match=pattern):
        find_bookable_slot(make_mall(), make_service(**service), day, hhmm, NOW)


def test_reasons_are_written_in_the_readers_language():
    with pytest.raises(SlotUnavailable) as caught:
        find_bookable_slot(make_mall(), make_service(), date(2026, 12, 25), "09:00", NOW)
    assert caught.value.text("id") == (
        "MPP tutup pada Jumat, 25 Desember 2026 (hari libur nasional: Hari Raya Natal).")
    assert "Christmas Day" in caught.value.text("en")


def test_find_rejects_malformed_time():
    with pytest.raises(ValidationFailed):
        find_bookable_slot(make_mall(), make_service(), MON, "9:00", NOW)


# --- parsers -----------------------------------------------------------------------------

def test_parse_date_accepts_iso():
    assert parse_date("2026-02-01") == date(2026, 2, 1)
    assert parse_date("2028-02-29") == date(2028, 2, 29)


@pytest.mark.parametrize("bad", ["2026-2-1", "2026-02-30", "2026-13-01", "26-02-01",
                                 "2026/02/01", " 2026-02-01", "2026-02-01T00:00", "", None,
                                 "２０２６-02-01"])
def test_parse_date_rejects(bad):
    with pytest.raises(ValidationFailed, match="^date: "):
        parse_date(bad)


def test_parse_hhmm_accepts_24h():
    assert [parse_hhmm(s) for s in ("00:00", "08:00", "23:59")] == ["00:00", "08:00", "23:59"]


@pytest.mark.parametrize("bad", ["25:00", "24:00", "8:00", "08:60", "08:00:00", "0800",
                                 "08.00", " 08:00", "", None])
def test_parse_hhmm_rejects(bad):
    with pytest.raises(ValidationFailed, match="HH:MM"):
        parse_hhmm(bad)
