"""Sends outbox mail through SES (v1 SendRawEmail); never raises into the caller's request.

`deliver` runs right after the transaction that wrote the mail; `deliver_due` is the
scheduled retry (`app.schedule`) for whatever failed or was never attempted.
"""
from __future__ import annotations

import logging
from datetime import datetime

import boto3

from chalicelib import config
from chalicelib.mail.render import build_mime, render
from chalicelib.store import outbox
from chalicelib.store.models import OutboxMail

log = logging.getLogger(__name__)

_ses = None


def ses_client():
    global _ses
    if _ses is None:
        cfg = config.get()
        _ses = boto3.client("ses", region_name=cfg.ses_region, endpoint_url=cfg.endpoint_url)
    return _ses


def deliver(mail: OutboxMail, now: datetime, ses=None) -> str:
    """Send one outbox mail if it is still due; returns its status afterwards."""
    cfg = config.get()
    try:
        if not outbox.claim(mail, now):
            return mail.status
        content = render(mail.kind, {**mail.context, "now": now})
        raw = build_mime(cfg.mail_sender, mail.to, content)
    except Exception as exc:  # a rendering bug must not lose the mail: keep it for retry
        log.exception("could not prepare mail %s", mail.mail_id)
        _record_failure(mail, now, f"prepare: {exc!r}", cfg.mail_max_attempts)
        return mail.status
    try:
        answer = (ses or ses_client()).send_raw_email(
            Source=cfg.mail_sender, Destinations=[mail.to], RawMessage={"Data": raw})
    except Exception as exc:
        log.warning("SES refused mail %s: %r", mail.mail_id, exc)
        _record_failure(mail, now, f"ses: {exc!r}", cfg.mail_max_attempts)
        return mail.status
    outbox.mark_sent(mail, now, answer.get("MessageId", ""))
    return "sent"


def _record_failure(mail, now, error, max_attempts):
    try:
        outbox.mark_failed_attempt(mail, now, error, max_attempts)
    except Exception:  # the lease runs out and the retry picks the mail up again
        log.exception("could not record failure of mail %s", mail.mail_id)


def deliver_quietly(mails: list[OutboxMail], now: datetime) -> None:
    """The request path's send: a failure here leaves the mail due for the retry."""
    for mail in mails:
        try:
            deliver(mail, now)
        except Exception:
            log.exception("mail %s left for the retry", mail.mail_id)


def deliver_due(now: datetime, limit: int = 50) -> dict[str, int]:
    """Scheduled retry: send every due mail; returns counts by resulting status."""
    counts: dict[str, int] = {}
    for mail in outbox.due(now, limit):
        status = deliver(mail, now)
        counts[status] = counts.get(status, 0) + 1
    return counts
