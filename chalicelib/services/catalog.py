"""Reading the catalog for citizens: malls, their services and open days."""
from __future__ import annotations

from chalicelib.domain import schedule
from chalicelib.domain.catalog import is_slug
from chalicelib.errors import NotFound
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


def mall_detail(mall_id: str, now) -> dict:
    mall = catalog_of(mall_id).mall
    return {"mall_id": mall.mall_id, "name": mall.name, "city": mall.city,
            "today": schedule.local_today(mall, now).isoformat(),
            "timezone": mall.timezone, "address": mall.address,
            "min_lead_minutes": mall.min_lead_minutes, "max_days_ahead": mall.max_days_ahead,
            "weekly_hours": store.hours_to_json(mall.weekly_hours)}


def list_services(mall_id: str) -> list[dict]:
    return [{"service_id": s.service_id, "name": s.name, "agency_id": s.agency_id,
             "agency_name": s.agency_name, "requirements": list(s.requirements),
             "online": s.online, "slot_minutes": s.slot_minutes, "capacity": s.capacity,
             "walkin_quota": s.walkin_quota}
            for s in catalog_of(mall_id).services.values()]
