"""Mall admins (role admin, bound to one mall by their token)."""
from __future__ import annotations

from chalice import Blueprint
from pydantic import Field

from chalicelib import errors as E
from chalicelib.api import schemas as S
from chalicelib.api.docs import Answer, Op
from chalicelib.api.http import Body, created, now, parse, principal, route
from chalicelib.services import kiosks, operations

bp = Blueprint(__name__)


class NewKiosk(Body):
    label: str = Field(min_length=1, max_length=60,
                       description="Where it stands, e.g. \"Pintu masuk utama\".")


@route(bp, "/v1/admin/mail/failed", doc=Op(
    "failed_mail", "Mail about the admin's mall that failed every attempt", "admin",
    (Answer(200, "Failed mail, oldest first", [S.FailedMail]),), (E.Forbidden,), auth="bearer"))
def failed_mail():
    return operations.failed_mail(principal(bp.current_request))


@route(bp, "/v1/admin/mail/{mail_id}/retry", methods=["POST"], doc=Op(
    "retry_mail", "Send a failed mail again", "admin",
    (Answer(200, "The mail after the new attempt", S.FailedMail),),
    (E.Forbidden, E.NotFound), auth="bearer"))
def retry_mail(mail_id):
    return operations.retry_mail(principal(bp.current_request), mail_id, now())


@route(bp, "/v1/admin/kiosks", doc=Op(
    "kiosks", "The mall's kiosks (never their keys)", "admin",
    (Answer(200, "The kiosks, oldest first", [S.Kiosk]),), (E.Forbidden,), auth="bearer"))
def list_kiosks():
    return kiosks.listed(principal(bp.current_request))


@route(bp, "/v1/admin/kiosks", methods=["POST"], doc=Op(
    "register_kiosk", "Register a kiosk; its key is answered this once", "admin",
    (Answer(201, "The kiosk with its key", S.KioskCreated),), (E.Forbidden,), body=NewKiosk,
    auth="bearer"))
def register_kiosk():
    request = bp.current_request
    who = principal(request)
    return created(kiosks.register(who, parse(request, NewKiosk).label, now()))


@route(bp, "/v1/admin/kiosks/{kiosk_id}/revoke", methods=["POST"], doc=Op(
    "revoke_kiosk", "Revoke a kiosk: its key stops working at once", "admin",
    (Answer(200, "The kiosk, revoked", S.Kiosk),), (E.Forbidden, E.NotFound), auth="bearer"))
def revoke_kiosk(kiosk_id):
    return kiosks.revoke(principal(bp.current_request), kiosk_id, now())
