"""Reading the catalog for citizens: malls, their services and open days."""
from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote_plus

from chalicelib.domain import schedule
from chalicelib.domain.catalog import is_slug
from chalicelib.errors import NotFound, ServiceRetired
from chalicelib.store import catalog as store


def list_malls() -> list[dict]:
    return [{"mall_id": m.mall_id, "name": m.name, "city": m.city, "timezone": m.timezone}
            for m in store.list_malls()]


def catalog_of(mall_id: str):
    """The mall's whole catalog (cached), or NotFound."""
    catalog = store.mall_catalog(mall_id) if is_slug(mall_id) else None
    if catalog is None:
        raise NotFound("mall.not_found")
    return catalog


def mall_and_service(mall_id: str, service_id: str):
    """(Mall, Service) of a mall's service, or NotFound."""
    catalog = catalog_of(mall_id)
    service = catalog.services.get(service_id) if is_slug(service_id) else None
    if service is None:
        raise NotFound("service.not_found")
    return catalog.mall, service


def open_service(mall_id: str, service_id: str):
    """(Mall, Service) of a service that takes new bookings, walk-ins and waitlist places:
    a retired one answers 409 service_retired (its existing bookings still stand)."""
    mall, service = mall_and_service(mall_id, service_id)
    refuse_retired(service)
    return mall, service


def refuse_retired(service) -> None:
    if service.retired:
        raise ServiceRetired("service.retired", service=service.name)


def mall_detail(mall_id: str, now, lang: str = "id") -> dict:
    """The mall's page: where it is (with an OpenStreetMap link, no third-party script),
    its hours, its special days and the closed days of the booking window."""
    mall = catalog_of(mall_id).mall
    today = schedule.local_today(mall, now)
    window = [today + timedelta(days=n) for n in range(mall.max_days_ahead + 1)]
    closed = []
    for day in window:
        reason = schedule.closed_text(mall, day)
        if reason is not None and mall.hours_on(day) is not None:  # closed on an open weekday
            closed.append({"date": day.isoformat(), "reason": reason.render(lang)})
    return {"mall_id": mall.mall_id, "name": mall.name, "city": mall.city,
            "today": today.isoformat(),
            "map_url": "https://www.openstreetmap.org/search?query=" + quote_plus(_place(mall)),
            "closed_days": closed,
            "special_hours": {d.isoformat(): store.day_hours_to_json(h)
                              for d, h in sorted(mall.special_hours.items())
                              if today <= d <= window[-1]},
            "timezone": mall.timezone, "address": mall.address,
            "min_lead_minutes": mall.min_lead_minutes, "max_days_ahead": mall.max_days_ahead,
            "waitlist_hold_minutes": mall.waitlist_hold_minutes,
            "weekly_hours": store.hours_to_json(mall.weekly_hours)}


def _place(mall) -> str:
    """What the map searches for: the address, with the city unless the address names it."""
    place = mall.address or mall.name
    return place if mall.city.lower() in place.lower() else f"{place}, {mall.city}"


def list_services(mall_id: str, lang: str = "id") -> list[dict]:
    """The services, each named and with its requirements in the reader's language
    (English where the catalog has it, else Bahasa Indonesia), never mixed."""
    english = lang == "en"
    return [{"service_id": s.service_id,
             "name": s.name_en if english and s.name_en else s.name,
             "agency_id": s.agency_id, "agency_name": s.agency_name,
             "requirements": list(s.requirements_en if english and s.requirements_en
                                  else s.requirements),
             "online": s.online, "slot_minutes": s.slot_minutes, "capacity": s.capacity,
             "walkin_quota": s.walkin_quota}
            for s in catalog_of(mall_id).services.values() if not s.retired]
