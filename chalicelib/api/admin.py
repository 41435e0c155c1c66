"""Mall admins (role admin, bound to one mall by their token)."""
from __future__ import annotations

from chalice import Blueprint

from chalicelib.api.http import now, principal, route
from chalicelib.services import operations

bp = Blueprint(__name__)


@route(bp, "/v1/admin/mail/failed")
def failed_mail():
    return operations.failed_mail(principal(bp.current_request))


@route(bp, "/v1/admin/mail/{mail_id}/retry", methods=["POST"])
def retry_mail(mail_id):
    return operations.retry_mail(principal(bp.current_request), mail_id, now())
