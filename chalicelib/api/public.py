"""Catalog and availability: no login needed."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib import errors as E
from chalicelib.api import schemas as S
from chalicelib.api.docs import DATE_QUERY, Answer, Op
from chalicelib.api.http import now, query_param, route
from chalicelib.errors import ValidationFailed
from chalicelib.services import booking, catalog

bp = Blueprint(__name__)


@route(bp, "/v1/malls", doc=Op(
    "malls", "All malls", "catalog", (Answer(200, "The malls", [S.Mall]),)))
def malls():
    return catalog.list_malls()


@route(bp, "/v1/malls/{mall_id}", doc=Op(
    "mall", "One mall with its opening hours and booking window", "catalog",
    (Answer(200, "The mall", S.MallDetail),), (E.NotFound,)))
def mall(mall_id):
    return catalog.mall_detail(mall_id, now())


@route(bp, "/v1/malls/{mall_id}/services", doc=Op(
    "services", "The services offered at a mall", "catalog",
    (Answer(200, "The services", [S.Service]),), (E.NotFound,)))
def services(mall_id):
    return catalog.list_services(mall_id)


@route(bp, "/v1/malls/{mall_id}/services/{service_id}/slots", doc=Op(
    "slots", "Bookable slots of one day", "catalog",
    (Answer(200, "The slots; a closed day or one outside the window is []", [S.Slot]),),
    (E.NotFound, E.ValidationFailed), parameters=(DATE_QUERY,)))
def slots(mall_id, service_id):
    day = query_param(bp.current_request, "date")
    if not day:
        raise ValidationFailed.field("date", "validation.date_required")
    return booking.list_slots(mall_id, service_id, day, now())


