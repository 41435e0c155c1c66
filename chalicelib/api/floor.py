"""The queue in the hall, without login: the call display, a ticket followed on a phone,
and a walk-in ticket taken on a phone with the QR from the hall's screen."""
from __future__ import annotations

import hashlib
import json

from chalice import Blueprint, Response
from typing import Literal

from pydantic import Field

from chalicelib import config
from chalicelib import errors as E
from chalicelib.api import fields as F
from chalicelib.api import schemas as S
from chalicelib.api.docs import IF_NONE_MATCH, Answer, Op
from chalicelib.api.http import Body, client_address, created, language, now, parse, route
from chalicelib.domain import skm
from chalicelib.services import floor, queue, survey

bp = Blueprint(__name__)


class PhoneWalkIn(Body):
    token: str = Field(min_length=1, max_length=1000, description="From the hall's QR.")
    service_id: F.Slug
    priority: bool = Field(False, description="Always false: priority is given at the kiosk "
                                              "or by staff (true is refused, 422).")
    phone: str | None = Field(None, max_length=64, description="The id this phone keeps for "
                              "the hall QR (the answer's cookie holds the same): one ticket "
                              "per phone and token.")


Score = F.whole(1, 4)


class SurveyAnswer(Body):
    scores: list[Score] = Field(min_length=9, max_length=9, description=(
        "The nine elements' scores, 1 to 4, in the order of the questions."))
    comment: F.text(survey.COMMENT_MAX, blank=True, description=(
        "Optional, plain text on one line (no control or hidden characters).")) | None = None
    age_group: Literal[skm.PROFILE["age_group"]] | None = None  # type: ignore[valid-type]
    sex: Literal[skm.PROFILE["sex"]] | None = None  # type: ignore[valid-type]
    education: Literal[skm.PROFILE["education"]] | None = None  # type: ignore[valid-type]


PHONE_COOKIE = "antre_walkin"


def _cookie(request, name: str) -> str | None:
    for part in (request.headers.get("cookie") or "").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None


@route(bp, "/v1/malls/{mall_id}/display", doc=Op(
    "display", "What the hall's TV shows: the counters' tickets and the last calls", "floor",
    (Answer(200, "The display", S.Display, headers=("ETag",)),
     Answer(304, "Nothing changed since the ETag sent")), (E.NotFound,),
    parameters=(IF_NONE_MATCH,),
    description="One DynamoDB Query per poll. Send the ETag back as If-None-Match: the "
                "answer is 304 without a body until a counter calls, recalls or finishes."))
def display(mall_id):
    body = queue.display(mall_id, now(), language(bp.current_request))
    etag = '"' + hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": "no-cache", "Vary": "Accept-Language"}
    if etag in (bp.current_request.headers.get("if-none-match") or ""):
        return Response(body="", status_code=304, headers=headers)
    return Response(body, headers=headers)


@route(bp, "/v1/tickets/{ticket_id}", doc=Op(
    "ticket", "A ticket: its status, the people ahead and an estimated wait", "floor",
    (Answer(200, "The ticket", S.Ticket),), (E.NotFound,)))
def ticket(ticket_id):
    return Response(queue.named(queue.follow(ticket_id, now()), language(bp.current_request)),
                    headers={"Cache-Control": "no-store"})


@route(bp, "/v1/tickets/{ticket_id}/survey", doc=Op(
    "ticket_survey", "The satisfaction survey (SKM) of a ticket: its questions and whether "
    "it may answer", "floor", (Answer(200, "The questions, in the request's language",
                                      S.SurveyForm),), (E.NotFound,)))
def ticket_survey(ticket_id):
    request = bp.current_request
    return Response(survey.form(ticket_id, now(), language(request)),
                    headers={"Cache-Control": "no-store", "Vary": "Accept-Language"})


@route(bp, "/v1/tickets/{ticket_id}/survey", methods=["POST"], doc=Op(
    "answer_survey", "Answer the satisfaction survey once, without login", "floor",
    (Answer(201, "Stored and counted", S.SurveyReceipt),),
    (E.NotFound, E.SurveyNotOpen, E.SurveyAnswered, E.ValidationFailed, E.TooManyAttempts,
     E.Busy), body=SurveyAnswer,
    description="Only a ticket that is done, for `ANTRE_SURVEY_DAYS` (7) after; one answer "
                "per ticket. The answer keeps the service, its day, the scores and what "
                "the respondent chose to add, never the ticket or who held it. A few per "
                "client address an hour."))
def answer_survey(ticket_id):
    request = bp.current_request
    body = parse(request, SurveyAnswer)
    return created(survey.answer(
        ticket_id, body.scores, body.comment, {name: getattr(body, name) for name in skm.PROFILE},
        now(), client_address(request)))


@route(bp, "/v1/tickets/{ticket_id}/qr.svg", doc=Op(
    "ticket_qr", "The QR printed on a ticket: it opens the ticket's page on a phone", "floor",
    (Answer(200, "The QR code", {"type": "string"}, media="image/svg+xml"),), (E.NotFound,)))
def ticket_qr(ticket_id):
    return Response(queue.ticket_qr(ticket_id),
                    headers={"Content-Type": "image/svg+xml",
                             "Cache-Control": "public, max-age=86400"})


@route(bp, "/v1/malls/{mall_id}/walkins", doc=Op(
    "walkin_services", "Today's walk-in quota per service and what is left of it", "floor",
    (Answer(200, "The walk-in services", S.WalkinServices),), (E.NotFound,)))
def walkin_services(mall_id):
    return Response(floor.walkin_services(mall_id, now(), language(bp.current_request)),
                    headers={"Cache-Control": "no-store"})


@route(bp, "/v1/walkins", methods=["POST"], doc=Op(
    "phone_walk_in", "A walk-in ticket on one's own phone, with the QR from the hall", "floor",
    (Answer(201, "The ticket; Set-Cookie names the phone for this QR", S.Ticket,
            headers=("Set-Cookie",)),),
    (E.QrExpired, E.QrUsed, E.NotFound, E.WalkinQuotaFull, E.WalkinUnavailable, E.ServiceRetired,
     E.ServiceClosed, E.TooManyAttempts, E.Busy), body=PhoneWalkIn,
    description="One ticket per phone (its cookie, or the `phone` id the page keeps) and "
                "`ANTRE_WALKIN_QR_TICKETS` (15) in all per QR token; a few per client "
                "address, counted only for a valid token; a token stops when the kiosk or "
                "TV that showed it is revoked. No priority from a phone."))
def phone_walk_in():
    request = bp.current_request
    body = parse(request, PhoneWalkIn)
    phone = floor.phone_id(_cookie(request, PHONE_COOKIE), body.phone)
    ticket = floor.phone_walk_in(body.token, body.service_id, body.priority, now(),
                                 client_address(request), phone=phone)
    secure = "; Secure" if config.get().public_base_url.startswith("https:") else ""
    return Response(ticket, status_code=201, headers={
        "Set-Cookie": f"{PHONE_COOKIE}={phone}; Max-Age=86400; Path=/; HttpOnly; "
                      f"SameSite=Strict{secure}"})
