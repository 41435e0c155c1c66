"""The satisfaction survey (SKM) a citizen answers once their ticket is done, without login,
and the index (IKM) a mall reads from its day counters: per service, per agency and for the
mall, with the minimum number of respondents for the number served (domain.skm)."""
from __future__ import annotations

import secrets
from datetime import datetime

from chalicelib import config
from chalicelib.domain import skm
from chalicelib.errors import NotFound, SurveyAnswered, SurveyNotOpen
from chalicelib.services import admin, queue, statistics, throttle
from chalicelib.services.auth import Principal
from chalicelib.services.catalog import catalog_of
from chalicelib.store import floor as floor_store
from chalicelib.store import stats as stats_store
from chalicelib.store import survey as store
from chalicelib.store.bookings import forget_at
from chalicelib.store.models import Ticket

COMMENT_MAX = 500
COMMENTS_SHOWN = 50


def _ticket(ticket_id: str) -> Ticket:
    ticket = floor_store.get_ticket(ticket_id) if queue.is_ticket_id(ticket_id) else None
    if ticket is None:
        raise NotFound("ticket.not_found")
    return ticket


def _window_start(now: datetime) -> int:
    """A ticket finished after this instant may still be answered for."""
    return int(now.timestamp()) - 86400 * config.get().survey_days


def _state(ticket: Ticket, now: datetime) -> str:
    if ticket.surveyed:
        return "answered"
    if ticket.status != "done" or int(ticket.finished_at or 0) < _window_start(now):
        return "closed"
    return "open"


def form(ticket_id: str, now: datetime, lang: str) -> dict:
    """The questions in the reader's language and whether this ticket may answer: one GetItem."""
    ticket = _ticket(ticket_id)
    state = _state(ticket, now)
    closes = None
    if ticket.status == "done" and ticket.finished_at:
        closes = queue.iso(int(ticket.finished_at) + 86400 * config.get().survey_days,
                           catalog_of(ticket.mall_id).mall)
    return {"ticket_id": ticket.ticket_id, "ticket_number": ticket.ticket_number,
            "state": state, "open": state == "open", "answered": state == "answered",
            "closes_at": closes, "questions": skm.questions(lang),
            "profile": {name: list(choices) for name, choices in skm.PROFILE.items()},
            "comment_max": COMMENT_MAX}


def answer(ticket_id: str, scores: list[int], comment: str | None, profile: dict,
           now: datetime, address: str, once: bool = True) -> dict:
    """Store one answer for a done ticket, counted in its service-day, or refuse (409).
    The answer keeps the service, its day and the scores, never who answered."""
    ticket = _ticket(ticket_id)
    state = _state(ticket, now)
    if state == "answered" and once:
        raise SurveyAnswered("survey.answered")
    if state == "closed":
        raise SurveyNotOpen("survey.not_open", days=config.get().survey_days)
    throttle.take("survey_address", address, now)
    # a random key, not a time-ordered one: the moment of answering, next to the moments
    # tickets finished, would point at the ticket and so at who held it
    response = store.new_response(
        ticket.mall_id, ticket.date, secrets.token_hex(8),
        service_id=ticket.service_id, agency_id=ticket.agency_id, scores=list(scores),
        comment=comment or None, expires_at=forget_at(int(now.timestamp())),
        **{name: profile.get(name) for name in skm.PROFILE})
    try:
        store.answer_once(ticket, response, dict(zip(skm.ELEMENT_IDS, scores)),
                          _window_start(now), once=once)
    except store.TransactionFailed as e:
        if "ticket" in e.failed:  # answered meanwhile (a second tap, another phone)
            raise SurveyAnswered("survey.answered") from e
        raise
    return {"answered": True, "ticket_number": ticket.ticket_number,
            "complaint_url": COMPLAINT_URL if min(scores) <= 2 and comment else None}


COMPLAINT_URL = "https://www.lapor.go.id"


# --- the index -------------------------------------------------------------------------------


def _period(first: str | None, last: str | None):
    day_from, day_to = statistics.period(first, last)  # the statistics' rule for a period
    return day_from.isoformat(), day_to.isoformat()


def _group(rows: list[dict], lang: str) -> dict:
    respondents, sums = 0, [0] * len(skm.ELEMENTS)
    served = 0
    for row in rows:
        n, row_sums = stats_store.survey_sums(row, skm.ELEMENT_IDS)
        respondents += n
        sums = [a + b for a, b in zip(sums, row_sums)]
        served += int(row.get("served", 0))
    return {**skm.summary(sums, respondents, lang), "served": served,
            "minimum_respondents": skm.krejcie_morgan(served),
            "enough": respondents >= skm.krejcie_morgan(served) and respondents > 0}


def indices(catalog, first: str | None, last: str | None, lang: str) -> dict:
    """The IKM for the mall, each agency and each service over a period: one Query of the
    mall's day counters."""
    day_from, day_to = _period(first, last)
    rows = stats_store.read(catalog.mall.mall_id, day_from, day_to)
    by_service: dict[str, list[dict]] = {}
    for row in rows:
        by_service.setdefault(row.get("service_id", ""), []).append(row)
    services = []
    for service_id, found in by_service.items():
        service = catalog.services.get(service_id)
        services.append({"service_id": service_id,
                         "service_name": service.name_in(lang) if service else service_id,
                         "agency_id": service.agency_id if service else "",
                         **_group(found, lang)})
    services.sort(key=lambda s: (s["agency_id"], s["service_name"]))
    agencies = []
    for agency_id in sorted({s["agency_id"] for s in services}):
        agency = catalog.agencies.get(agency_id)
        agencies.append({"agency_id": agency_id, "agency_name": agency.name if agency else "",
                         **_group([r for r in rows if catalog.services.get(r.get("service_id"))
                                   and catalog.services[r["service_id"]].agency_id == agency_id],
                                  lang)})
    return {"mall_id": catalog.mall.mall_id, "mall_name": catalog.mall.name,
            "from": day_from, "to": day_to, "mall": _group(rows, lang),
            "agencies": agencies, "services": services,
            "elements": [{"element_id": e["element_id"], "question": e["question"]}
                         for e in skm.questions(lang)]}


def public_indices(mall_id: str, first: str | None, last: str | None, lang: str) -> dict:
    catalog = catalog_of(mall_id)  # raises NotFound for an unknown mall
    return indices(catalog, first, last, lang)


def for_admin(principal: Principal, mall_id: str, first: str | None, last: str | None,
              lang: str) -> dict:
    """The indices and the latest comments (two Queries), for an admin of the mall."""
    catalog = admin.managed(principal, mall_id)
    found = indices(catalog, first, last, lang)
    comments = store.latest_comments(mall_id, found["from"], found["to"], COMMENTS_SHOWN)
    found["comments"] = [{
        "date": c.date, "service_id": c.service_id,
        "service_name": catalog.services[c.service_id].name_in(lang)
        if c.service_id in catalog.services else c.service_id,
        "scores": [int(s) for s in c.scores], "comment": c.comment} for c in comments]
    return found
