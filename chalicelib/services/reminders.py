"""The day-before reminder: from 17:00 in each mall's own time zone (WIB, WITA or WIT), every
booking of the next day gets one email with its code, what to bring and a link to manage
it. Run by the five-minute sweep; a booking is marked in the same transaction as its
reminder is queued (the table's stream then sends it), so no run sends one twice and a
missed run is caught up by the next."""
from __future__ import annotations

from datetime import datetime, time, timedelta

from chalicelib import config
from chalicelib.services.booking import mail_context, public_view
from chalicelib.store import accounts as account_store
from chalicelib.store import bookings as booking_store
from chalicelib.store import catalog as catalog_store
from chalicelib.store import outbox

REMINDER_TIME = time(17, 0)  # after office hours, before the evening
FRESH_HOURS = 6  # a booking made this recently needs no reminder: its confirmation is fresh


def send_due(now: datetime) -> int:
    """Queue (and send) the reminders due now; the number queued."""
    sent = 0
    base = config.get().public_base_url.rstrip("/")
    for entry in catalog_store.list_malls():
        catalog = catalog_store.mall_catalog(entry.mall_id)
        if catalog is None:
            continue
        mall = catalog.mall
        local = now.astimezone(mall.tz)
        if local.time() < REMINDER_TIME:
            continue
        tomorrow = (local + timedelta(days=1)).date().isoformat()
        mails = []
        for booking in booking_store.expected_on(mall.mall_id, tomorrow):
            if booking.reminded_at or booking.status != "booked":
                continue
            created = datetime.fromisoformat(booking.created_at)
            if now - created < timedelta(hours=FRESH_HOURS):
                continue
            account = account_store.get(booking.account_id)
            service = catalog.services.get(booking.service_id)
            if account is None or service is None:  # booked at the mall for someone: no email
                continue
            ctx = {**mail_context(account, public_view(booking), mall, service),
                   "sequence": int(booking.sequence),
                   "manage_url": f"{base}/#/b/{booking.booking_id}"}
            mail = outbox.new_messages("booking_reminder", account, ctx,
                                       ref=booking.booking_id, now=now, mall_id=mall.mall_id)
            if booking_store.remind_once(booking, mail, now.isoformat(timespec="seconds")):
                mails.append(mail)
        sent += len(mails)
    return sent
