"""Sends outbox mail through SES (v1 SendRawEmail) and SMS through SNS (Publish to a phone
number); never raises into the caller's request.

`deliver` runs right after the transaction that wrote the mail; `deliver_due` is the
scheduled retry (`app.schedule`) for whatever failed or was never attempted.
"""
from __future__ import annotations

import logging
from datetime import datetime

import boto3

from chalicelib import config
from chalicelib.mail.render import build_mime, render
from chalicelib.mail.sms import render_sms
from chalicelib.store import outbox, suppression
from chalicelib.store.models import OutboxMail

log = logging.getLogger(__name__)

_ses = None


def ses_client():
    global _ses
    if _ses is None:
        cfg = config.get()
        _ses = boto3.client("ses", region_name=cfg.ses_region, endpoint_url=cfg.endpoint_url)
    return _ses


def sns_client():
    global _sns
    if _sns is None:
        cfg = config.get()
        _sns = boto3.client("sns", region_name=cfg.region, endpoint_url=cfg.endpoint_url)
    return _sns


_sns = None


def deliver(mail: OutboxMail, now: datetime, ses=None) -> str:
    """Send one outbox item (an email through SES, an SMS through SNS) if it is still due;
    returns its status afterwards. The lease makes it once: the request and the retry
    never send the same item at the same time, and a sent item is never due again."""
    cfg = config.get()
    sms = mail.channel == "sms"
    try:
        if not outbox.claim(mail, now):
            return mail.status
        if not sms and suppression.is_suppressed(mail.to):  # SES reported a bounce or complaint
            _record_failure(mail, now, "suppressed: the address bounced or complained", 0)
            return mail.status
        if sms:
            text = render_sms(mail.kind, mail.context)
        else:
            raw = build_mime(cfg.mail_sender, mail.to,
                             render(mail.kind, {**mail.context, "now": now}))
    except Exception as exc:  # a rendering bug must not lose the mail: keep it for retry
        log.exception("could not prepare mail %s", mail.mail_id)
        _record_failure(mail, now, f"prepare: {exc!r}", cfg.mail_max_attempts)
        return mail.status
    try:
        if sms:
            answer = sns_client().publish(PhoneNumber=mail.to, Message=text, MessageAttributes={
                "AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}})
        else:
            answer = (ses or ses_client()).send_raw_email(
                Source=cfg.mail_sender, Destinations=[mail.to], RawMessage={"Data": raw},
                # the stage's configuration set reports bounces and complaints (feedback.py)
                **({"ConfigurationSetName": cfg.ses_configuration_set}
                   if cfg.ses_configuration_set else {}))
    except Exception as exc:
        log.warning("%s refused mail %s: %r", "SNS" if sms else "SES", mail.mail_id, exc)
        _record_failure(mail, now, f"{'sns' if sms else 'ses'}: {exc!r}",
                        cfg.mail_max_attempts)
        return mail.status
    outbox.mark_sent(mail, now, answer.get("MessageId", ""))
    return "sent"


def _record_failure(mail, now, error, max_attempts):
    try:
        outbox.mark_failed_attempt(mail, now, error, max_attempts)
    except Exception:  # the lease runs out and the retry picks the mail up again
        log.exception("could not record failure of mail %s", mail.mail_id)


def deliver_quietly(mails: list, now: datetime) -> None:
    """The request path's send: a failure here leaves the mail due for the retry. Items may
    be outbox items or lists of them (an email with its SMS)."""
    for mail in [item for entry in mails for item in outbox.as_list(entry)]:
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
