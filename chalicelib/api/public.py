"""Catalog and availability: no login needed."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.http import now, query_param, route
from chalicelib.errors import ValidationFailed
from chalicelib.services import booking, catalog

bp = Blueprint(__name__)


@route(bp, "/v1/malls")
def malls():
    return catalog.list_malls()


@route(bp, "/v1/malls/{mall_id}")
def mall(mall_id):
    return catalog.mall_detail(mall_id)


@route(bp, "/v1/malls/{mall_id}/services")
def services(mall_id):
    return catalog.list_services(mall_id)


@route(bp, "/v1/malls/{mall_id}/services/{service_id}/slots")
def slots(mall_id, service_id):
    day = query_param(bp.current_request, "date")
    if not day:
        raise ValidationFailed("date: required, as YYYY-MM-DD")
    return booking.list_slots(mall_id, service_id, day, now())


