"""The email outbox: mail is written in the transaction of the change it reports, then sent.

The table's DynamoDB Stream hands each new outbox item to the sender (`send_new_mail` in
app.py) at once, off the request path. An item is also "due" (carries the sparse `due`
index keys) until it is sent or has failed `mail_max_attempts` times, so the scheduled
retry sends what the stream did not: new mail becomes due for it only `STREAM_GRACE`
after it was written. Senders claim an item with a conditional lease, so the stream's
sender and the retry never send the same mail at the same time, nor one mail twice.
"""
from __future__ import annotations

import zlib
from datetime import datetime, timedelta, timezone

from pynamodb.exceptions import UpdateError
from ulid import ULID

from chalicelib.store.db import insist
from chalicelib.store.models import OutboxMail

DUE = "DUE"
# Every new mail is written to the `due` index, and removed from it when sent: at a national
# rush (every mall opening the next day's bookings at 07:00) one DUE partition would take
# all of those writes, against DynamoDB's 1,000 writes a second per partition. Spread over
# DUE#0..DUE#9 by mail id, the retry reads ten small partitions instead of one.
DUE_SHARDS = 10
LEASE_SECONDS = 120
# the stream delivers new mail within seconds; the retry leaves it alone for this long
STREAM_GRACE = timedelta(minutes=2)


def _iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def due_pk(mail_id: str) -> str:
    return f"{DUE}#{zlib.crc32(mail_id.encode()) % DUE_SHARDS}"


def failed_pk(mall_id: str | None) -> str:
    return f"FAILED#{mall_id or '-'}"


def new_mail(kind: str, to: str, context: dict, ref: str, now: datetime,
             mall_id: str | None = None, mail_id: str | None = None) -> OutboxMail:
    """An outbox item to save inside the caller's transaction: the stream sends it; the
    retry takes it after `STREAM_GRACE` if it is still unsent. A `mail_id` derived from
    what the message is about (saved on condition that it does not exist) makes a message
    that must go once per thing a conditional write; otherwise the id is a new ULID."""
    mail_id = mail_id or str(ULID())
    return OutboxMail(
        pk=f"MAIL#{mail_id}", sk="MAIL", mail_id=mail_id, kind=kind, to=to, context=context,
        status="pending", ref=ref, mall_id=mall_id, created_at=_iso(now), due_pk=due_pk(mail_id),
        due_sk=f"{_iso(now + STREAM_GRACE)}#{mail_id}",
    )


def from_stream(record) -> OutboxMail | None:
    """The outbox item a stream record created (an INSERT of a pending mail item), or None
    for any other change to the table. The record's new image is the whole item."""
    image = record.new_image or {}
    if record.event_name != "INSERT" or image.get("type", {}).get("S") != "mail" \
            or image.get("status", {}).get("S") != "pending":
        return None
    return OutboxMail.from_raw_data(image)


SMS_KINDS = {"password_reset", "booking_confirmed", "booking_reminder",
             "waitlist_offer", "booking_moved_closure", "booking_cancelled_closure",
             "turn_nudge"}
# about a waiting ticket (`ref` is its id): sent only while it still waits
WHILE_WAITING = {"turn_nudge"}
# past the stage's daily SMS budget only these still go by SMS (their email goes anyway)
SMS_ALWAYS = {"booking_confirmed", "waitlist_offer"}


def new_messages(kind: str, account, context: dict, ref: str, now: datetime,
                 mall_id: str | None = None) -> list[OutboxMail]:
    """The email to the account and, if it opted in with a phone its owner proved and the
    kind is sent by SMS, the SMS to its phone: outbox items, written in the caller's
    transaction. A number nobody proved gets nothing (its own code goes apart)."""
    found = [new_mail(kind, account.email, context, ref, now, mall_id)]
    sms = new_sms(kind, account, context, ref, now, mall_id)
    return found + ([sms] if sms is not None else [])


def new_sms(kind: str, account, context: dict, ref: str, now: datetime,
            mall_id: str | None = None, mail_id: str | None = None) -> OutboxMail | None:
    """The SMS of `kind` to the account's phone, or None unless it opted in with a phone its
    owner proved and the kind is sent by SMS."""
    if account is None or not (getattr(account, "sms_opt_in", False)
                               and getattr(account, "phone_verified", False)
                               and kind in SMS_KINDS and account.phone):
        return None
    sms = new_mail(kind, account.phone, context, ref, now, mall_id, mail_id=mail_id)
    sms.channel = "sms"
    return sms


def as_list(mail) -> list[OutboxMail]:
    if mail is None:
        return []
    return list(mail) if isinstance(mail, (list, tuple)) else [mail]


def saved(s, mail) -> None:
    """Add the outbox item(s) to a transaction (one, a list, or None)."""
    for n, item in enumerate(as_list(mail)):
        s.save("mail" if n == 0 else f"mail{n + 1}", item)


def get(mail_id: str) -> OutboxMail | None:
    try:
        return OutboxMail.get(f"MAIL#{mail_id}", "MAIL", consistent_read=True)
    except OutboxMail.DoesNotExist:
        return None


def claim(mail: OutboxMail, now: datetime) -> bool:
    """Take the lease on a due mail; False if it is sent, failed, or leased by another."""
    epoch = int(now.timestamp())
    try:
        mail.update(
            actions=[OutboxMail.lease_until.set(epoch + LEASE_SECONDS),
                     OutboxMail.attempts.add(1)],
            condition=(OutboxMail.status == "pending") & (OutboxMail.lease_until < epoch),
        )
        return True
    except UpdateError as e:
        if e.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise


# Sent mail holds personal data (and a verification code): DynamoDB's TTL deletes it.
KEEP_SENT = {"verify": timedelta(days=1), "phone_verify": timedelta(days=1),
             "password_reset": timedelta(days=1)}
KEEP_SENT_DEFAULT = timedelta(days=30)


def mark_sent(mail: OutboxMail, now: datetime, message_id: str) -> None:
    """Record a send SES or SNS accepted. Neither takes an idempotency key, so a mail sent
    but not marked would go out again once its lease ends: this write insists."""
    keep = KEEP_SENT.get(mail.kind, KEEP_SENT_DEFAULT)
    insist(lambda: mail.update(actions=[
        OutboxMail.status.set("sent"), OutboxMail.sent_at.set(_iso(now)),
        OutboxMail.ses_message_id.set(message_id), OutboxMail.lease_until.set(0),
        OutboxMail.expires_at.set(int((now + keep).timestamp())),
        OutboxMail.due_pk.remove(), OutboxMail.due_sk.remove(),
    ]))


def mark_dropped(mail: OutboxMail, now: datetime, why: str) -> None:
    """A message not sent on purpose (an SMS past the day's budget, whose email went; a
    message past its `send_before`; a nudge whose ticket was called): never due."""
    insist(lambda: mail.update(actions=[
        OutboxMail.status.set("dropped"), OutboxMail.last_error.set(why),
        OutboxMail.lease_until.set(0),
        OutboxMail.expires_at.set(int((now + KEEP_SENT_DEFAULT).timestamp())),
        OutboxMail.due_pk.remove(), OutboxMail.due_sk.remove()]))


def mark_failed_attempt(mail: OutboxMail, now: datetime, error: str, max_attempts: int) -> bool:
    """Record a failed send: due again after a backoff, or `failed` for good after the cap
    (then True)."""
    attempts = int(mail.attempts)
    actions = [OutboxMail.last_error.set(error[:500]), OutboxMail.lease_until.set(0)]
    if attempts >= max_attempts:
        actions += [OutboxMail.status.set("failed"),
                    OutboxMail.due_pk.set(failed_pk(mail.mall_id))]
    else:
        retry_at = now + timedelta(minutes=min(2 ** (attempts - 1), 60))
        actions.append(OutboxMail.due_sk.set(f"{_iso(retry_at)}#{mail.mail_id}"))
    mail.update(actions=actions)
    return attempts >= max_attempts


def due(now: datetime, limit: int = 50) -> list[OutboxMail]:
    """Mail due for (re)sending now, oldest first: a Query on each of the sparse `due`
    index's DUE partitions."""
    until = f"{_iso(now)}#~"
    found = [mail for shard in range(DUE_SHARDS)
             for mail in OutboxMail.due.query(f"{DUE}#{shard}", OutboxMail.due_sk <= until,
                                              limit=limit)]
    return sorted(found, key=lambda mail: mail.due_sk)[:limit]


def failed(mall_id: str, limit: int = 100) -> list[OutboxMail]:
    """Mail about this mall that failed for good, oldest first: a Query on the `due` index."""
    return list(OutboxMail.due.query(failed_pk(mall_id), limit=limit))


def requeue(mail: OutboxMail, now: datetime) -> bool:
    """Make failed mail due again with fresh attempts; False if it is not failed (any more)."""
    try:
        mail.update(
            actions=[OutboxMail.status.set("pending"), OutboxMail.attempts.set(0),
                     OutboxMail.due_pk.set(due_pk(mail.mail_id)),
                     OutboxMail.due_sk.set(f"{_iso(now)}#{mail.mail_id}")],
            condition=OutboxMail.status == "failed")
        return True
    except UpdateError as e:
        if e.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
