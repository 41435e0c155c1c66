"""Catalog reads and writes: a mall's whole catalog is one partition, read with one Query.

Catalog reads are cached per Lambda container for `catalog_cache_seconds`; capacity and
the booking window are still enforced at write time, so a stale cache can only show a
slightly stale page, never overbook.
"""
from __future__ import annotations

import threading
import time as _time
from dataclasses import dataclass, field
from datetime import date, time

from chalicelib import config
from chalicelib.domain.catalog import Agency, Counter, DayHours, Mall, Service
from chalicelib.store.db import transaction
from chalicelib.store.models import (
    AgencyItem,
    ClosureItem,
    CounterItem,
    Item,
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


def hours_from_json(raw: dict) -> dict[int, DayHours]:
    return {
        int(day): DayHours(_t(h["open"]), _t(h["close"]),
                           tuple((_t(a), _t(b)) for a, b in h.get("breaks", [])))
        for day, h in raw.items()
    }


def hours_to_json(hours: dict[int, DayHours]) -> dict:
    return {
        str(day): {"open": h.open.strftime("%H:%M"), "close": h.close.strftime("%H:%M"),
                   "breaks": [[a.strftime("%H:%M"), b.strftime("%H:%M")] for a, b in h.breaks]}
        for day, h in hours.items()
    }


def _mall_pk(mall_id: str) -> str:
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


def _load_mall(mall_id: str) -> MallCatalog | None:
    profile, agencies, services, closures, counters = None, {}, [], set(), []
    for item in Item.query(_mall_pk(mall_id)):
        if isinstance(item, MallProfile):
            profile = item
        elif isinstance(item, AgencyItem):
            agencies[item.agency_id] = Agency(item.agency_id, mall_id, item.name, item.letter)
        elif isinstance(item, ServiceItem):
            services.append(item)
        elif isinstance(item, ClosureItem):
            closures.add(date.fromisoformat(item.date))
        elif isinstance(item, CounterItem):
            counters.append(Counter(item.counter_id, mall_id, item.name,
                                    tuple(item.service_ids or ())))
    if profile is None:
        return None
    mall = Mall(
        mall_id=mall_id, name=profile.name, city=profile.city, timezone=profile.timezone,
        address=profile.address, weekly_hours=hours_from_json(profile.weekly_hours),
        min_lead_minutes=int(profile.min_lead_minutes),
        max_days_ahead=int(profile.max_days_ahead),
        closed_on_holidays=profile.closed_on_holidays, closures=frozenset(closures),
        checkin_early_minutes=int(profile.checkin_early_minutes),
        checkin_late_minutes=int(profile.checkin_late_minutes),
        recalls_before_no_show=int(profile.recalls_before_no_show),
        no_show_after_minutes=int(profile.no_show_after_minutes),
    )
    built = [
        Service(
            service_id=s.service_id, mall_id=mall_id, agency_id=s.agency_id,
            agency_name=agencies[s.agency_id].name if s.agency_id in agencies else "",
            name=s.name, requirements=tuple(s.requirements or ()),
            slot_minutes=int(s.slot_minutes), capacity=int(s.capacity), online=s.online,
            walkin_quota=int(s.walkin_quota),
        )
        for s in services
    ]
    built.sort(key=lambda s: (s.agency_name, s.name))
    counters.sort(key=lambda c: (len(c.name), c.name))  # "Loket 2" before "Loket 10"
    return MallCatalog(mall, agencies, {s.service_id: s for s in built},
                       {c.counter_id: c for c in counters})


def mall_catalog(mall_id: str) -> MallCatalog | None:
    """The mall with its agencies, services and closures; None if there is no such mall."""
    return cache.get(("mall", mall_id), lambda: _load_mall(mall_id))


def list_malls() -> list[MallEntry]:
    return cache.get(("malls",), lambda: sorted(Item.query("MALLS"), key=lambda m: m.name))


# --- writes (seed now, mall managers later) ---------------------------------------------


def put_mall(mall: Mall) -> None:
    """Create or replace a mall's profile and its directory line in one transaction."""
    with transaction() as tx:
        tx.save(MallProfile(
            pk=_mall_pk(mall.mall_id), sk="PROFILE", mall_id=mall.mall_id, name=mall.name,
            city=mall.city, timezone=mall.timezone, address=mall.address,
            weekly_hours=hours_to_json(mall.weekly_hours),
            min_lead_minutes=mall.min_lead_minutes, max_days_ahead=mall.max_days_ahead,
            closed_on_holidays=mall.closed_on_holidays,
            checkin_early_minutes=mall.checkin_early_minutes,
            checkin_late_minutes=mall.checkin_late_minutes,
            recalls_before_no_show=mall.recalls_before_no_show,
            no_show_after_minutes=mall.no_show_after_minutes))
        tx.save(MallEntry(pk="MALLS", sk=f"MALL#{mall.mall_id}", mall_id=mall.mall_id,
                          name=mall.name, city=mall.city, timezone=mall.timezone))
    cache.clear()


def put_agency(agency: Agency) -> None:
    AgencyItem(pk=_mall_pk(agency.mall_id), sk=f"AGENCY#{agency.agency_id}",
               agency_id=agency.agency_id, name=agency.name, letter=agency.letter).save()
    cache.clear()


def put_service(service: Service) -> None:
    ServiceItem(pk=_mall_pk(service.mall_id), sk=f"SERVICE#{service.service_id}",
                service_id=service.service_id, agency_id=service.agency_id, name=service.name,
                requirements=list(service.requirements), slot_minutes=service.slot_minutes,
                capacity=service.capacity, online=service.online,
                walkin_quota=service.walkin_quota).save()
    cache.clear()


def put_counter(counter: Counter) -> None:
    CounterItem(pk=_mall_pk(counter.mall_id), sk=f"COUNTER#{counter.counter_id}",
                counter_id=counter.counter_id, name=counter.name,
                service_ids=list(counter.service_ids)).save()
    cache.clear()


def put_closure(mall_id: str, day: date, reason: str = "") -> None:
    ClosureItem(pk=_mall_pk(mall_id), sk=f"CLOSURE#{day.isoformat()}", date=day.isoformat(),
                reason=reason).save()
    cache.clear()
