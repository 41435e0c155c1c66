"""Slot arithmetic (hours, breaks, holidays, booking window) kept pure so it is testable without AWS or a clock."""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType

from chalicelib.domain.catalog import Mall, Service, Slot
from chalicelib.errors import SlotUnavailable, ValidationFailed
from chalicelib.i18n import ByLanguage, Text

# ASCII digits only: `\d` would also accept e.g. Arabic-Indic digits.
_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_HHMM_RE = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")


@lru_cache(maxsize=64)
def _holidays_of(year: int, language: str = "en_US") -> MappingProxyType:
    # Names in a fixed language so reasons are stable whatever the host locale; "public"
    # category only, i.e. no cuti bersama (joint leave days): managers add those as closures.
    import holidays  # a second of cold start: loaded by the first day that needs it

    found = holidays.country_holidays("ID", years=year, language=language)
    return MappingProxyType(dict(sorted(found.items())))


def closed_text(mall: Mall, day: date, service_id: str | None = None) -> Text | None:
    """Why the mall (or the service) is closed on `day`, as a message in the reader's
    language; None if open."""
    reason = closed_reason(mall, day, service_id)
    if reason is None:
        return None
    holiday = holiday_name(day)
    if reason.startswith("holiday"):
        return Text("closed.holiday", name=holiday)
    if reason == "closure" and holiday:  # the holiday keeps its own name beside the closure
        return Text("closed.holiday_closure", name=holiday)
    return Text(f"closed.{reason}")


def holiday_name(day: date) -> ByLanguage | None:
    """The national holiday's own name on `day` in Bahasa Indonesia and English, or None."""
    name_id = _holidays_of(day.year, "id").get(day)
    if not name_id:
        return None
    return ByLanguage(id=name_id, en=_holidays_of(day.year).get(day, name_id))


def joint_leave_days(year: int) -> list[date]:
    """The government's *cuti bersama* (joint leave) days of `year`, which the `holidays`
    package keeps apart from the public holidays: a mall closes them by choice."""
    import holidays

    found = holidays.country_holidays("ID", years=year, categories=("government",))
    return sorted(found)


def national_holidays(year: int) -> dict[date, str]:
    """Indonesian national holidays of `year`, date -> English name.

    The lookup is cached; a fresh dict is returned so callers cannot corrupt the cache.
    """
    return dict(_holidays_of(year))


def closed_reason(mall: Mall, day: date, service_id: str | None = None) -> str | None:
    """Why the mall (or this service) is closed on `day` ("closure", "holiday: <name>",
    "weekly"), or None if open.

    Manager closures win over holidays so the most specific reason is shown.
    """
    if day in mall.closures or (service_id, day) in mall.service_closures:
        return "closure"
    if mall.closed_on_holidays:
        name = _holidays_of(day.year).get(day)
        if name:
            return f"holiday: {name}"
    if mall.hours_on(day) is None:
        return "weekly"
    return None


def _open_segments(open_: time, close: time, breaks) -> list[tuple[time, time]]:
    """The open interval minus its breaks, as sorted (start, end) pieces."""
    segments, cursor = [], open_
    for b_start, b_end in sorted(breaks):
        if b_start > cursor:
            segments.append((cursor, min(b_start, close)))
        cursor = max(cursor, b_end)
    if cursor < close:
        segments.append((cursor, close))
    return [(s, e) for s, e in segments if s < e]


def day_slots(mall: Mall, service: Service, day: date) -> list[Slot]:
    """Every slot of `service` on `day`, ignoring the booking window.

    The grid starts at opening time and restarts at the end of each break, so a break never
    shifts slots onto odd minutes; a slot that would cross a break or closing time is dropped.
    """
    if service.slot_minutes <= 0:
        raise ValueError(f"service {service.service_id}: slot_minutes must be positive")
    if closed_reason(mall, day, service.service_id) is not None:
        return []
    hours = mall.hours_on(day)
    tz, length = mall.tz, timedelta(minutes=service.slot_minutes)
    slots = []
    for seg_start, seg_end in _open_segments(hours.open, hours.close, hours.breaks):
        # Naive wall-clock arithmetic, then attach the zone: slots are wall-clock times.
        start, end = datetime.combine(day, seg_start), datetime.combine(day, seg_end)
        while start + length <= end:
            slots.append(Slot(start.replace(tzinfo=tz), (start + length).replace(tzinfo=tz)))
            start += length
    return slots


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")


def local_today(mall: Mall, now: datetime) -> date:
    """The calendar date at the mall when it is `now` (differs between WIB/WITA/WIT near midnight)."""
    _require_aware(now)
    return now.astimezone(mall.tz).date()


YEAR_DAYS = 366


def farthest_day(mall: Mall, today: date, closing: bool = False) -> date:
    """The last date a request may name. What a citizen may look at: the booking window plus
    the closure horizon (where a closure moves bookings), never more than a year. A closure
    may be planned up to a year ahead. Anything later (9999-12-31) is a typing mistake or a
    probe, and refused before any work or job starts."""
    year = today + timedelta(days=YEAR_DAYS)
    if closing:
        return year
    return min(today + timedelta(days=mall.max_days_ahead + mall.rebook_horizon_days), year)


def within_reach(mall: Mall, today: date, day: date, field: str = "date",
                 closing: bool = False) -> date:
    """`day`, or ValidationFailed (422) if it lies past `farthest_day` or more than a year
    in the past."""
    last = farthest_day(mall, today, closing)
    if day > last:
        raise ValidationFailed.field(field, "validation.date_too_far", date=last)
    if day < today - timedelta(days=YEAR_DAYS):
        raise ValidationFailed.field(field, "validation.date_too_old",
                                     date=today - timedelta(days=YEAR_DAYS))
    return day


def bookable_slots(mall: Mall, service: Service, day: date, now: datetime) -> list[Slot]:
    """The slots a citizen may book at `now`: online services still offered only, within the
    booking window."""
    _require_aware(now)
    if not service.online or service.retired:
        return []
    today = local_today(mall, now)
    if not today <= day <= today + timedelta(days=mall.max_days_ahead):
        return []
    earliest = now + timedelta(minutes=mall.min_lead_minutes)
    return [slot for slot in day_slots(mall, service, day) if slot.start >= earliest]


def find_bookable_slot(mall: Mall, service: Service, day: date, start_hhmm: str,
                       now: datetime) -> Slot:
    """The bookable slot starting at `start_hhmm`, or SlotUnavailable saying exactly why not.

    Checks run from the broadest reason to the narrowest so the message is the useful one.
    """
    _require_aware(now)
    start_hhmm = parse_hhmm(start_hhmm)
    if not service.online:
        raise SlotUnavailable("slot.not_online", service=service.name)
    reason = closed_text(mall, day, service.service_id)
    if reason is not None:
        raise SlotUnavailable("slot.closed", date=day, reason=reason)
    today = local_today(mall, now)
    if day < today:
        raise SlotUnavailable("slot.past", date=day)
    last = today + timedelta(days=mall.max_days_ahead)
    if day > last:
        raise SlotUnavailable("slot.too_far", days=mall.max_days_ahead, last=last)
    slot = next((s for s in day_slots(mall, service, day) if s.start_hhmm == start_hhmm), None)
    if slot is None:
        raise SlotUnavailable("slot.not_a_start", start=start_hhmm, service=service.name, date=day)
    if slot.start <= now:
        raise SlotUnavailable("slot.started", start=start_hhmm, date=day)
    if slot.start < now + timedelta(minutes=mall.min_lead_minutes):
        raise SlotUnavailable("slot.too_soon", start=start_hhmm, minutes=mall.min_lead_minutes)
    return slot


def _shown(value) -> str:
    """The offending input, quoted and shortened so error messages stay small."""
    text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."


def parse_date(s: str, field: str = "date") -> date:
    """Strict "YYYY-MM-DD" (zero-padded, real calendar date) or ValidationFailed."""
    if not isinstance(s, str) or not _DATE_RE.fullmatch(s):
        raise ValidationFailed.field(field, "validation.date_format", got=_shown(s))
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise ValidationFailed.field(field, "validation.date_unreal", value=s) from None


def parse_hhmm(s: str, field: str = "start") -> str:
    """Strict 24-hour "HH:MM" (zero-padded, 00:00-23:59) or ValidationFailed; returns "HH:MM"."""
    if not isinstance(s, str) or not _HHMM_RE.fullmatch(s):
        raise ValidationFailed.field(field, "validation.time_format", got=_shown(s))
    return s
