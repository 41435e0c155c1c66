"""Catalog reads and writes: a mall's whole catalog is one partition, read with one Query.

Catalog reads are cached per Lambda container for `catalog_cache_seconds`. Every change to
a mall's catalog is one transaction that also adds 1 to the mall's `version` and writes an
audit entry; every booking transaction checks that version (`catalog_unchanged`), so a
booking never uses a stale capacity or hours: it fails, the cache is dropped, it retries.
"""
from __future__ import annotations

import threading
import time as _time
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone

from pynamodb.exceptions import TransactWriteError
from ulid import ULID

from chalicelib import clock, config
from chalicelib.domain.catalog import Agency, Counter, DayHours, Mall, Service
from chalicelib.store.db import failed_steps, steps
from chalicelib.store.models import (
    AgencyItem,
    AuditEntry,
    ClosureItem,
    CounterItem,
    Item,
    LastImport,
    MallEntry,
    MallProfile,
    ServiceItem,
)


@dataclass(frozen=True)
class MallCatalog:
    mall: Mall
    agencies: dict[str, Agency]
    services: dict[str, Service]  # in display order (agency name, service name)
    counters: dict[str, Counter] = field(default_factory=dict)  # in name order

    def counters_serving(self, service_id: str) -> list[Counter]:
        return [c for c in self.counters.values() if service_id in c.service_ids]


def _t(hhmm: str) -> time:
    return time.fromisoformat(hhmm)


def day_hours_from_json(h: dict) -> DayHours:
    return DayHours(_t(h["open"]), _t(h["close"]),
                    tuple((_t(a), _t(b)) for a, b in h.get("breaks", [])))


def day_hours_to_json(h: DayHours) -> dict:
    return {"open": h.open.strftime("%H:%M"), "close": h.close.strftime("%H:%M"),
            "breaks": [[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in h.breaks]}


def hours_from_json(raw: dict) -> dict[int, DayHours]:
    return {int(day): day_hours_from_json(h) for day, h in raw.items()}


def hours_to_json(hours: dict[int, DayHours]) -> dict:
    return {str(day): day_hours_to_json(h) for day, h in sorted(hours.items())}


def mall_pk(mall_id: str) -> str:
    return f"MALL#{mall_id}"


class _Cache:
    def __init__(self):
        self._lock = threading.Lock()
        self._items: dict[str, tuple[float, object]] = {}
        self.ttl: float | None = None  # None: `catalog_cache_seconds` from config

    def get(self, key, load):
        ttl = config.get().catalog_cache_seconds if self.ttl is None else self.ttl
        now = _time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit and now - hit[0] < ttl:
                return hit[1]
        value = load()
        with self._lock:
            self._items[key] = (now, value)
        return value

    def clear(self):
        with self._lock:
            self._items.clear()


cache = _Cache()


# --- reads -----------------------------------------------------------------------------------


def _service(s: ServiceItem, mall_id: str, agencies: dict[str, Agency]) -> Service:
    return Service(
        service_id=s.service_id, mall_id=mall_id, agency_id=s.agency_id,
        agency_name=agencies[s.agency_id].name if s.agency_id in agencies else "",
        name=s.name, requirements=tuple(s.requirements or ()),
        slot_minutes=int(s.slot_minutes), capacity=int(s.capacity), online=s.online,
        walkin_quota=int(s.walkin_quota), name_en=s.name_en or "",
        requirements_en=tuple(s.requirements_en or ()), retired=bool(s.retired))


def _mall(profile: MallProfile, closures: set, service_closures: set) -> Mall:
    return Mall(
        mall_id=profile.mall_id, name=profile.name, city=profile.city,
        timezone=profile.timezone, address=profile.address,
        weekly_hours=hours_from_json(profile.weekly_hours),
        min_lead_minutes=int(profile.min_lead_minutes),
        max_days_ahead=int(profile.max_days_ahead),
        closed_on_holidays=profile.closed_on_holidays, closures=frozenset(closures),
        service_closures=frozenset(service_closures),
        special_hours={date.fromisoformat(d): day_hours_from_json(h)
                       for d, h in (profile.special_hours or {}).items()},
        checkin_early_minutes=int(profile.checkin_early_minutes),
        checkin_late_minutes=int(profile.checkin_late_minutes),
        recalls_before_no_show=int(profile.recalls_before_no_show),
        no_show_after_minutes=int(profile.no_show_after_minutes),
        no_show_limit=int(profile.no_show_limit),
        no_show_window_days=int(profile.no_show_window_days),
        no_show_pause_days=int(profile.no_show_pause_days),
        waitlist_hold_minutes=int(profile.waitlist_hold_minutes),
        requeue_grace_minutes=int(profile.requeue_grace_minutes),
        nudge_minutes=int(profile.nudge_minutes), nudge_position=int(profile.nudge_position),
        capacity_percent=int(profile.capacity_percent),
        rebook_horizon_days=int(profile.rebook_horizon_days),
        version=int(profile.version))


def _load_mall(mall_id: str) -> MallCatalog | None:
    profile, agencies, services, counters = None, {}, [], []
    closures, service_closures = set(), set()
    for item in Item.query(mall_pk(mall_id), consistent_read=True):
        if isinstance(item, MallProfile):
            profile = item
        elif isinstance(item, AgencyItem):
            agencies[item.agency_id] = Agency(item.agency_id, mall_id, item.name, item.letter)
        elif isinstance(item, ServiceItem):
            services.append(item)
        elif isinstance(item, ClosureItem):
            day = date.fromisoformat(item.date)
            if item.service_id:
                service_closures.add((item.service_id, day))
            else:
                closures.add(day)
        elif isinstance(item, CounterItem):
            counters.append(Counter(item.counter_id, mall_id, item.name,
                                    tuple(item.service_ids or ())))
    if profile is None:
        return None
    built = sorted((_service(s, mall_id, agencies) for s in services),
                   key=lambda s: (s.agency_name, s.name))
    counters.sort(key=lambda c: (len(c.name), c.name))  # "Loket 2" before "Loket 10"
    return MallCatalog(_mall(profile, closures, service_closures), agencies,
                       {s.service_id: s for s in built}, {c.counter_id: c for c in counters})


def mall_catalog(mall_id: str) -> MallCatalog | None:
    """The mall with its agencies, services and closures; None if there is no such mall."""
    return cache.get(("mall", mall_id), lambda: _load_mall(mall_id))


def fresh_catalog(mall_id: str) -> MallCatalog | None:
    """The catalog as stored now, bypassing (and refreshing) the cache."""
    catalog = _load_mall(mall_id)
    cache.clear()
    return catalog


def list_malls() -> list[MallEntry]:
    return cache.get(("malls",), lambda: sorted(Item.query("MALLS"), key=lambda m: m.name))


def catalog_unchanged(s, mall: Mall) -> None:
    """Add to a transaction: the mall's catalog is still at the version this decision used."""
    s.check("catalog", MallProfile, mall_pk(mall.mall_id), "PROFILE",
            MallProfile.version == mall.version)


# --- items of the catalog's values ---------------------------------------------------------------


def profile_item(mall: Mall) -> MallProfile:
    return MallProfile(
        pk=mall_pk(mall.mall_id), sk="PROFILE", mall_id=mall.mall_id, name=mall.name,
        city=mall.city, timezone=mall.timezone, address=mall.address,
        weekly_hours=hours_to_json(mall.weekly_hours),
        min_lead_minutes=mall.min_lead_minutes, max_days_ahead=mall.max_days_ahead,
        closed_on_holidays=mall.closed_on_holidays,
        checkin_early_minutes=mall.checkin_early_minutes,
        checkin_late_minutes=mall.checkin_late_minutes,
        recalls_before_no_show=mall.recalls_before_no_show,
        no_show_after_minutes=mall.no_show_after_minutes,
        no_show_limit=mall.no_show_limit, no_show_window_days=mall.no_show_window_days,
        no_show_pause_days=mall.no_show_pause_days,
        waitlist_hold_minutes=mall.waitlist_hold_minutes,
        requeue_grace_minutes=mall.requeue_grace_minutes,
        nudge_minutes=mall.nudge_minutes, nudge_position=mall.nudge_position,
        capacity_percent=mall.capacity_percent, rebook_horizon_days=mall.rebook_horizon_days,
        special_hours={d.isoformat(): day_hours_to_json(h)
                       for d, h in sorted(mall.special_hours.items())},
        version=mall.version)


def entry_item(mall: Mall) -> MallEntry:
    return MallEntry(pk="MALLS", sk=f"MALL#{mall.mall_id}", mall_id=mall.mall_id,
                     name=mall.name, city=mall.city, timezone=mall.timezone)


def agency_item(agency: Agency) -> AgencyItem:
    return AgencyItem(pk=mall_pk(agency.mall_id), sk=f"AGENCY#{agency.agency_id}",
                      agency_id=agency.agency_id, name=agency.name, letter=agency.letter)


def service_item(service: Service) -> ServiceItem:
    return ServiceItem(
        pk=mall_pk(service.mall_id), sk=f"SERVICE#{service.service_id}",
        service_id=service.service_id, agency_id=service.agency_id, name=service.name,
        requirements=list(service.requirements), slot_minutes=service.slot_minutes,
        capacity=service.capacity, online=service.online, walkin_quota=service.walkin_quota,
        name_en=service.name_en, requirements_en=list(service.requirements_en),
        retired=True if service.retired else None)


def counter_item(counter: Counter) -> CounterItem:
    return CounterItem(pk=mall_pk(counter.mall_id), sk=f"COUNTER#{counter.counter_id}",
                       counter_id=counter.counter_id, name=counter.name,
                       service_ids=list(counter.service_ids))


def closure_item(mall_id: str, day: date, reason: str = "", service_id: str | None = None,
                 closure_id: str | None = None) -> ClosureItem:
    sk = f"CLOSURE#{day.isoformat()}" + (f"#{service_id}" if service_id else "")
    return ClosureItem(pk=mall_pk(mall_id), sk=sk, date=day.isoformat(), reason=reason,
                       service_id=service_id, closure_id=closure_id)


def closure_items(mall_id: str, first: date, last: date) -> list[ClosureItem]:
    """The mall's closed days (whole mall and services) between two dates: one Query."""
    return list(ClosureItem.query(
        mall_pk(mall_id), ClosureItem.sk.between(f"CLOSURE#{first.isoformat()}",
                                                 f"CLOSURE#{last.isoformat()}#~"),
        consistent_read=True))


# --- writes: each change is one transaction with the version and the audit entry -------------


class ChangeRefused(Exception):
    """A condition of the change failed (`failed` names the steps: "version" when the
    catalog moved past the version given to `apply`); nothing was written."""

    def __init__(self, failed: set[str]):
        super().__init__(", ".join(sorted(failed)))
        self.failed = failed


@dataclass(frozen=True)
class Change:
    """What an admin changed, for the audit log."""

    actor: str
    action: str
    target: str = ""
    before: object = None
    after: object = None


def audited(s, mall_id: str, change: Change) -> None:
    """Add the audit entry of a change to a transaction."""
    now = clock.now().astimezone(timezone.utc).isoformat(timespec="milliseconds")
    s.save("audit", AuditEntry(
        pk=f"AUDIT#{mall_id}", sk=f"{now}#{ULID()}", mall_id=mall_id, at=now,
        actor=change.actor, action=change.action, target=change.target,
        before=change.before, after=change.after))


def apply(mall_id: str, change: Change, saves=(), deletes=(), extra=None,
          version: int | None = None) -> None:
    """Write a change to a mall's catalog: its items, the version and the audit entry, all
    or nothing. `extra(steps)` adds further writes of the same change (e.g. a closure job).
    The profile must exist, except when it is among `saves` (a new mall). With `version`,
    the change holds only while the catalog is at that version (a decision made on what it
    read, e.g. that no closure overlaps). A failed condition (that one, or one of `extra`'s)
    raises ChangeRefused and writes nothing."""
    creating = any(isinstance(item, MallProfile) for item in saves)
    s = None
    try:
        with steps() as s:
            for item in saves:
                if isinstance(item, MallProfile):
                    s.save("profile", item)
                else:
                    s.save(f"save:{item.sk}", item)
            for item in deletes:
                s.delete(f"delete:{item.sk}", item)
            if not creating:
                condition = Item.pk.exists()
                if version is not None:
                    condition = condition & (MallProfile.version == version)
                s.update("version", MallProfile(pk=mall_pk(mall_id), sk="PROFILE"),
                         actions=[MallProfile.version.add(1)], condition=condition)
            audited(s, mall_id, change)
            if extra is not None:
                extra(s)
    except TransactWriteError as e:
        failed = failed_steps(e, s.names if s else [])
        if failed and not any(":" in name for name in failed):
            raise ChangeRefused(failed) from e
        raise
    cache.clear()


def last_import(mall_id: str) -> dict | None:
    """The items the last YAML import wrote (see `LastImport`), or None before any."""
    try:
        return LastImport.get(f"IMPORT#{mall_id}", "LAST", consistent_read=True).items
    except LastImport.DoesNotExist:
        return None


def last_import_item(mall_id: str, items: dict, at: str) -> LastImport:
    return LastImport(pk=f"IMPORT#{mall_id}", sk="LAST", mall_id=mall_id, at=at, items=items)


def audit_log(mall_id: str, limit: int = 100) -> list[AuditEntry]:
    """The mall's changes, newest first: one Query."""
    return list(AuditEntry.query(f"AUDIT#{mall_id}", scan_index_forward=False, limit=limit))


SEED = "system:seed"


def put_mall(mall: Mall, actor: str = SEED) -> None:
    """Create or replace a mall's profile and its directory line (keeping its version)."""
    current = fresh_catalog(mall.mall_id)
    version = current.mall.version + 1 if current else 0
    profile = profile_item(Mall(**{**mall.__dict__, "version": version}))
    apply(mall.mall_id, Change(actor, "mall.put", mall.mall_id), saves=[profile, entry_item(mall)])


def put_agency(agency: Agency, actor: str = SEED) -> None:
    apply(agency.mall_id, Change(actor, "agency.put", agency.agency_id),
          saves=[agency_item(agency)])


def put_service(service: Service, actor: str = SEED) -> None:
    apply(service.mall_id, Change(actor, "service.put", service.service_id),
          saves=[service_item(service)])


def put_counter(counter: Counter, actor: str = SEED) -> None:
    apply(counter.mall_id, Change(actor, "counter.put", counter.counter_id),
          saves=[counter_item(counter)])


def put_closure(mall_id: str, day: date, reason: str = "", actor: str = SEED) -> None:
    apply(mall_id, Change(actor, "closure.put", day.isoformat()),
          saves=[closure_item(mall_id, day, reason)])
