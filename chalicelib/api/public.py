"""Catalog and availability: no login needed."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib import errors as E
from chalicelib.api import schemas as S
from chalicelib.api.docs import DATE_QUERY, Answer, Op, date_query
from chalicelib.api.http import language, now, query_param, route
from chalicelib.errors import ValidationFailed
from chalicelib.services import booking, catalog, survey

bp = Blueprint(__name__)


@route(bp, "/v1/malls", doc=Op(
    "malls", "All malls", "catalog", (Answer(200, "The malls", [S.Mall]),)))
def malls():
    return catalog.list_malls()


@route(bp, "/v1/malls/{mall_id}", doc=Op(
    "mall", "One mall with its opening hours and booking window", "catalog",
    (Answer(200, "The mall", S.MallDetail),), (E.NotFound,)))
def mall(mall_id):
    return catalog.mall_detail(mall_id, now(), language(bp.current_request))


@route(bp, "/v1/malls/{mall_id}/services", doc=Op(
    "services", "The services offered at a mall", "catalog",
    (Answer(200, "The services", [S.Service]),), (E.NotFound,)))
def services(mall_id):
    return catalog.list_services(mall_id, language(bp.current_request))


@route(bp, "/v1/malls/{mall_id}/services/{service_id}/days", doc=Op(
    "days", "Free seats per day for a date range (up to 62 days)", "catalog",
    (Answer(200, "Each day: open, full, closed (with why), past, or not_yet (with the date "
                 "it opens: the window moves each midnight, mall time)", S.DaySummary),),
    (E.NotFound, E.ValidationFailed),
    parameters=(date_query("from", "The first day, in the mall's time zone."),
                date_query("to", "The last day: on or after `from`, 62 days in all at most."))))
def days(mall_id, service_id):
    request = bp.current_request
    first, last = query_param(request, "from"), query_param(request, "to")
    if not first or not last:
        raise ValidationFailed.field("from" if not first else "to", "validation.date_required")
    return booking.day_summary(mall_id, service_id, first, last, now(), language(request))


@route(bp, "/v1/malls/{mall_id}/services/{service_id}/slots", doc=Op(
    "slots", "Bookable slots of one day", "catalog",
    (Answer(200, "The slots; a closed day or one outside the window is []", [S.Slot]),),
    (E.NotFound, E.ValidationFailed), parameters=(DATE_QUERY,)))
def slots(mall_id, service_id):
    day = query_param(bp.current_request, "date")
    if not day:
        raise ValidationFailed.field("date", "validation.date_required")
    return booking.list_slots(mall_id, service_id, day, now())




@route(bp, "/v1/malls/{mall_id}/skm", doc=Op(
    "mall_skm", "The mall's satisfaction index (IKM) per service, agency and for the mall",
    "catalog", (Answer(200, "The indices of the period (no comments)", S.SkmReport),),
    (E.NotFound, E.ValidationFailed),
    parameters=(date_query("from"), date_query("to", "On or after `from`, at most 366 days on.")),
    description="What a mall publishes (PermenPANRB 14/2017): one Query of its day counters."))
def mall_skm(mall_id):
    request = bp.current_request
    return survey.public_indices(mall_id, query_param(request, "from"),
                                 query_param(request, "to"), language(request))
