"""Kiosks at the mall's entrance (X-Kiosk-Key, bound to one mall): check-in and walk-ins."""
from __future__ import annotations

from chalice import Blueprint, Response
from pydantic import Field

from chalicelib import errors as E
from chalicelib.api import fields as F
from chalicelib.api import schemas as S
from chalicelib.api.docs import Answer, Op
from chalicelib.api.http import Body, created, language, now, parse, route
from chalicelib.services import floor, kiosks, queue
from chalicelib.services.catalog import catalog_of

bp = Blueprint(__name__)


class CheckIn(Body):
    code: str = Field(min_length=1, max_length=64,
                      description="The booking code as typed or as a scanner reads the QR: "
                                  "8 characters of `23456789ABCDEFGHJKLMNPQRSTUVWXYZ`, in "
                                  "any case; spaces and dashes are ignored. Anything else "
                                  "(a stray scan) is an unknown code, 404.",
                      examples=["K7RM-4QXP"])


class Requeue(Body):
    ticket: str = Field(min_length=1, max_length=300,
                        description="The no-show's ticket number as typed (`A-012`), its "
                                    "printed QR (the ticket's page) or the booking code it "
                                    "checked in with.", examples=["A-012"])


class WalkIn(Body):
    service_id: F.Slug
    priority: bool = Field(False, description="Elderly, disabled or pregnant: called first.")


def _kiosk():
    return kiosks.authenticate(bp.current_request.headers.get("x-kiosk-key"))


@route(bp, "/v1/kiosk/me", doc=Op(
    "kiosk_me", "The kiosk and its mall", "kiosk",
    (Answer(200, "This kiosk", S.KioskIdentity),), auth="kiosk"))
def me():
    kiosk = _kiosk()
    return {"kiosk_id": kiosk.kiosk_id, "label": kiosk.label, "mall_id": kiosk.mall_id,
            "mall_name": catalog_of(kiosk.mall_id).mall.name}


@route(bp, "/v1/kiosk/checkins", methods=["POST"], doc=Op(
    "check_in", "Check in a booking: issues its queue ticket", "kiosk",
    (Answer(201, "Checked in; the ticket to print", S.Ticket),
     Answer(200, "Checked in already: the same ticket", S.Ticket)),
    (E.UnknownCode, E.NotToday, E.TooEarly, E.TooLate, E.TooManyAttempts, E.Busy), body=CheckIn,
    auth="kiosk",
    description="Accepts a booking of this kiosk's mall on its day, from "
                "`checkin_early_minutes` (120) before the slot until `checkin_late_minutes` "
                "(30) after its start. Exactly once: however often a code is scanned, and "
                "however simultaneously, it gets one ticket."))
def check_in():
    request = bp.current_request
    kiosk = _kiosk()
    ticket, fresh = floor.check_in(kiosk, parse(request, CheckIn).code, now())
    ticket = queue.named(ticket, language(request))
    return created(ticket) if fresh else ticket


@route(bp, "/v1/kiosk/walkins", methods=["POST"], doc=Op(
    "walk_in", "A ticket without a booking, within the service's daily walk-in quota", "kiosk",
    (Answer(201, "The ticket to print", S.Ticket),),
    (E.NotFound, E.WalkinQuotaFull, E.WalkinUnavailable, E.ServiceRetired, E.ServiceClosed, E.Busy),
    body=WalkIn, auth="kiosk"))
def walk_in():
    request = bp.current_request
    kiosk = _kiosk()
    body = parse(request, WalkIn)
    return created(queue.named(floor.walk_in(kiosk.mall_id, body.service_id, body.priority,
                                             now(), kiosk=kiosk), language(request)))


@route(bp, "/v1/kiosk/requeues", methods=["POST"], doc=Op(
    "kiosk_requeue", "Put a no-show back in line, once, within the mall's grace time", "kiosk",
    (Answer(200, "The ticket, waiting again behind those waiting now", S.Ticket),),
    (E.NotFound, E.RequeueNotNoShow, E.RequeueUsed, E.RequeueTooLate, E.TooManyAttempts,
     E.Busy), body=Requeue, auth="kiosk",
    description="A ticket marked a no-show (after its recalls) joins the queue again once, "
                "within `requeue_grace_minutes` (30) of the no-show, behind everyone waiting "
                "then; the TV announces it only when a counter calls it."))
def requeue():
    request = bp.current_request
    kiosk = _kiosk()
    return queue.named(floor.kiosk_requeue(kiosk, parse(request, Requeue).ticket, now()),
                       language(request))


@route(bp, "/v1/display/walkin-token", methods=["POST"], doc=Op(
    "display_walkin_token", "The hall TV's fresh QR for phones to take a walk-in ticket",
    "kiosk", (Answer(200, "The token, its URL and QR; valid a few minutes", S.WalkinToken),),
    auth="display",
    description="With the TV's own key (`X-Display-Key`, made by the mall's admin as a "
                "kiosk of kind `display`), which does nothing else; a kiosk's key is refused "
                "here (401), so it never sits in the TV's browser. Revoking the display "
                "stops its QRs at once."))
def display_walkin_token():
    display = kiosks.authenticate(bp.current_request.headers.get("x-display-key"), "display")
    return Response(floor.walkin_token(display, now()), headers={"Cache-Control": "no-store"})


@route(bp, "/v1/kiosk/walkin-token", methods=["POST"], doc=Op(
    "walkin_token", "A fresh QR for phones in the hall to take a walk-in ticket", "kiosk",
    (Answer(200, "The token, its URL and QR; valid a few minutes", S.WalkinToken),),
    auth="kiosk"))
def walkin_token():
    kiosk = _kiosk()
    return Response(floor.walkin_token(kiosk, now()), headers={"Cache-Control": "no-store"})
