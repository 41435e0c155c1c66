"""What a mall admin needs to run the service: today, the mail that could not be sent."""
from __future__ import annotations

from datetime import datetime

from chalicelib.domain import identity
from chalicelib.errors import NotFound
from chalicelib.mail.sender import deliver
from chalicelib.services.admin import managed
from chalicelib.services.auth import Principal
from chalicelib.store import outbox


def _view(mail) -> dict:
    return {"mail_id": mail.mail_id, "kind": mail.kind, "to": mail.to, "status": mail.status,
            "attempts": int(mail.attempts), "last_error": mail.last_error,
            "booking_id": mail.ref if mail.kind.startswith("booking") else None,
            "created_at": mail.created_at}


def failed_mail(principal: Principal, mall_id: str) -> list[dict]:
    """Mail about the mall that SES refused every time it was tried."""
    managed(principal, mall_id)
    return [_view(m) for m in outbox.failed(mall_id)]


def retry_mail(principal: Principal, mall_id: str, mail_id: str, now: datetime) -> dict:
    """Send a failed mail again (after fixing the cause, e.g. a mistyped sender identity)."""
    managed(principal, mall_id)
    mail = outbox.get(mail_id) if identity.is_ulid(mail_id) else None
    if mail is None or mail.mall_id != mall_id:
        raise NotFound("mail.not_found")
    if outbox.requeue(mail, now):  # the admin asked to send it now: the answer says how it went
        deliver(mail, now)
    return _view(outbox.get(mail_id))
