"""The catalog as plain values: malls, their weekly hours, agencies and services.

Everything here is immutable and storage-free so schedule arithmetic can be tested
without AWS. `store.catalog` turns DynamoDB items into these values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


# Mall, agency and service ids are short slugs ("kota-bogor", "ktp-el"); anything else
# cannot exist, so it is answered as not found before it reaches a DynamoDB key.
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")


def is_slug(value: str) -> bool:
    return bool(SLUG.fullmatch(value or ""))


@dataclass(frozen=True)
class DayHours:
    """Opening hours of one weekday: one open interval with optional breaks inside it."""

    open: time
    close: time
    breaks: tuple[tuple[time, time], ...] = ()


@dataclass(frozen=True)
class Mall:
    mall_id: str
    name: str
    city: str
    timezone: str  # IANA name: Asia/Jakarta (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)
    address: str = ""
    # 0 = Monday ... 6 = Sunday; a weekday missing from the map is closed.
    weekly_hours: dict[int, DayHours] = field(default_factory=dict)
    min_lead_minutes: int = 60  # a slot must start at least this long after `now`
    max_days_ahead: int = 30  # the last bookable date is today + this many days
    closed_on_holidays: bool = True  # Indonesian national holidays (`holidays` package)
    closures: frozenset[date] = frozenset()  # extra closed dates set by the manager
    service_closures: frozenset[tuple[str, date]] = frozenset()  # (service_id, date) closed
    special_hours: dict[date, DayHours] = field(default_factory=dict)  # a date's own hours
    capacity_percent: int = 100  # distancing: every slot seats this share of its capacity
    rebook_horizon_days: int = 14  # a closure moves bookings at most this far past its end
    version: int = 0  # bumped by every change to the catalog (cache and transactions check it)
    # the mall floor
    checkin_early_minutes: int = 120  # a booking checks in from this long before its slot...
    checkin_late_minutes: int = 30  # ...until this long after the slot's start
    recalls_before_no_show: int = 2  # a called ticket is recalled this often before no-show
    no_show_after_minutes: int = 5  # after the last recall, the sweep marks it a no-show
    # the no-show policy: this many no-shows within the window pause online booking
    no_show_limit: int = 3
    no_show_window_days: int = 90
    no_show_pause_days: int = 30
    waitlist_hold_minutes: int = 15  # a freed seat is held this long for the first waiting
    # a no-show may be put back in line once within this long after it was marked
    requeue_grace_minutes: int = 30
    # a waiting citizen is told their turn is near: predicted within this many minutes...
    nudge_minutes: int = 5
    nudge_position: int = 3  # ...or this many-th in line (the first few counted)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def hours_on(self, day: date) -> DayHours | None:
        """The opening hours of that date: its special hours, else its weekday's; None closed."""
        return self.special_hours.get(day) or self.weekly_hours.get(day.weekday())

    def seats(self, service: "Service") -> int:
        """A slot's bookable seats after the distancing percentage (rounded down)."""
        return service.capacity * self.capacity_percent // 100


@dataclass(frozen=True)
class Agency:
    agency_id: str
    mall_id: str
    name: str
    letter: str = "A"  # ticket numbers of the agency's services: "B-017"


@dataclass(frozen=True)
class Service:
    service_id: str
    mall_id: str
    agency_id: str
    agency_name: str
    name: str
    requirements: tuple[str, ...] = ()
    slot_minutes: int = 30
    capacity: int = 4  # bookable seats per slot
    online: bool = True  # False: walk-in only, never bookable online
    walkin_quota: int = 0  # walk-in tickets a day, apart from the online seats; 0: none
    name_en: str = ""  # the name in English ("" : the Indonesian one serves both)
    requirements_en: tuple[str, ...] = ()
    # left the mall's YAML, or deleted on the admin page while it had bookings: no new
    # bookings, walk-ins or waitlist joins; its bookings stay until served, moved or cancelled
    retired: bool = False

    def name_in(self, lang: str) -> str:
        """The name a reader of `lang` sees: English where the catalog has it."""
        return self.name_en if lang == "en" and self.name_en else self.name


@dataclass(frozen=True)
class Counter:
    """A loket: one desk, serving one or more services (possibly of several agencies)."""

    counter_id: str
    mall_id: str
    name: str
    service_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Slot:
    """A bookable window of one service on one date; `start`/`end` are aware, in the mall's zone."""

    start: datetime
    end: datetime

    @property
    def date(self) -> date:
        return self.start.date()

    @property
    def start_hhmm(self) -> str:
        return self.start.strftime("%H:%M")

    @property
    def end_hhmm(self) -> str:
        return self.end.strftime("%H:%M")

    @property
    def length(self) -> timedelta:
        return self.end - self.start
