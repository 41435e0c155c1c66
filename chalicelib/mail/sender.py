"""Sends outbox mail through SES (v1 SendRawEmail) and SMS through SNS (Publish to a phone
number), never inside a citizen's request.

`deliver_new` is the table stream's handler (`send_new_mail` in app.py): it sends each
outbox item as soon as the transaction that wrote it commits. `deliver_due` is the
scheduled retry (`app.schedule`) for whatever failed or the stream never handed over.
Both go through `deliver`, whose conditional lease sends each item once.
"""
from __future__ import annotations

import logging
from datetime import datetime

from chalicelib import aws, config
from chalicelib.store import outbox, suppression
from chalicelib.store.models import OutboxMail

log = logging.getLogger(__name__)
MAIL_DEAD_LOG = "mail dead after its retries"


def ses_client():
    cfg = config.get()
    return aws.client("ses", cfg.ses_region, cfg.endpoint_url)


def sns_client():
    cfg = config.get()
    return aws.client("sns", cfg.region, cfg.endpoint_url)


def deliver(mail: OutboxMail, now: datetime, ses=None) -> str:
    """Send one outbox item (an email through SES, an SMS through SNS) if it is still due;
    returns its status afterwards. The lease makes it once: the request and the retry
    never send the same item at the same time, and a sent item is never due again."""
    cfg = config.get()
    sms = mail.channel == "sms"
    try:
        if not outbox.claim(mail, now):
            return mail.status
        late = _too_late(mail, now)
        if late:
            outbox.mark_dropped(mail, now, late)
            return "dropped"
        if not sms and suppression.is_suppressed(mail.to):  # SES reported a bounce or complaint
            _record_failure(mail, now, "suppressed: the address bounced or complained", 0)
            return mail.status
        if sms and not _within_sms_budget(mail, now):
            outbox.mark_dropped(mail, now, "sms budget: sent by email only")
            return "dropped"
        if sms:
            from chalicelib.mail.sms import render_sms

            text = render_sms(mail.kind, mail.context)
        else:
            from chalicelib.mail.render import build_mime, render

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


def _too_late(mail: OutboxMail, now: datetime) -> str | None:
    """Why this message must not go any more, or None: past its `send_before` (a nudge that
    could not go out in time is dropped, never sent late), or about a ticket that no longer
    waits (one GetItem, for those kinds only)."""
    if mail.send_before is not None and int(now.timestamp()) > int(mail.send_before):
        return "late: not sent before its expiry"
    if mail.kind in outbox.WHILE_WAITING:
        from chalicelib.store import floor

        ticket = floor.get_ticket(mail.ref or "") if mail.ref else None
        if ticket is None or ticket.status != "waiting":
            return "the ticket was called (or ended) before it could be sent"
    return None


SMS_BUDGET_LOG = "SMS daily budget reached"  # infra/template.yaml's alarm counts this line


def _within_sms_budget(mail: OutboxMail, now: datetime) -> bool:
    """Count the SMS against the stage's daily budget (one conditional write). Past it,
    only booking codes and seat offers still go by SMS: everything else has its email. A
    phone's own code was counted when it was asked for (services.accounts)."""
    from chalicelib.errors import TooManyAttempts
    from chalicelib.services import throttle

    if mail.kind == "phone_verify":
        return True
    budget = config.get().sms_daily_budget
    try:
        count = throttle.take_counted("sms_day", "stage", now, limit=budget,
                                      uncapped=mail.kind in outbox.SMS_ALWAYS)
    except TooManyAttempts:
        log.warning("%s: SMS %s (%s) goes by email only", SMS_BUDGET_LOG, mail.mail_id,
                    mail.kind)
        return False
    if count > budget:
        log.warning("%s: SMS %s (%s) still sent", SMS_BUDGET_LOG, mail.mail_id, mail.kind)
    return True


def _record_failure(mail, now, error, max_attempts):
    try:
        dead = outbox.mark_failed_attempt(mail, now, error, max_attempts)
    except Exception:  # the lease runs out and the retry picks the mail up again
        log.exception("could not record failure of mail %s", mail.mail_id)
        return
    if dead:  # the stack's MailDead metric filter and alarm read this line
        log.error("%s: mail %s (%s) failed %d times and is listed for the mall's admins",
                  MAIL_DEAD_LOG, mail.mail_id, mail.kind, max_attempts)


def deliver_new(records, now: datetime) -> dict[str, int]:
    """The stream's handler: send the outbox items these stream records created; every
    other change to the table is passed over. Never raises: the batch is not handed over
    again (Lambda would retry it whole), and what could not be sent stays due for the
    retry. Returns counts by resulting status."""
    counts: dict[str, int] = {}
    for record in records:
        try:
            mail = outbox.from_stream(record)
            status = "skipped" if mail is None else deliver(mail, now)
        except Exception:
            log.exception("stream record %s left for the retry", record.event_id)
            status = "left"
        counts[status] = counts.get(status, 0) + 1
    return counts


def deliver_due(now: datetime, limit: int = 50) -> dict[str, int]:
    """Scheduled retry: send every due mail; returns counts by resulting status."""
    counts: dict[str, int] = {}
    for mail in outbox.due(now, limit):
        status = deliver(mail, now)
        counts[status] = counts.get(status, 0) + 1
    return counts
