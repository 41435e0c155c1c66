"""The citizen's rights over their data (UU PDP 27/2022): a copy of everything held about them,
and erasure of the account.

Everything personal of a citizen lives under their account's partition (the account, its
bookings, its waiting-list entries), plus the claims that make email and NIK unique and the
NIK's state (active bookings, no-shows). Erasure cancels what is still ahead (seats freed for
others, offers handed on), then removes the account and its claims in one transaction, so the
email and the NIK can register again at once; the bookings' records go after it (what a crash
leaves behind expires with the retention TTL). Statistics are counters per service and day and
never held a person.
"""
from __future__ import annotations

from datetime import datetime

from chalicelib import config
from chalicelib.errors import Forbidden, NotFound, WrongPassword
from chalicelib.services import throttle
from chalicelib.services.auth import Principal, check_password
from chalicelib.store import accounts as account_store
from chalicelib.store import bookings as booking_store
from chalicelib.store import outbox
from chalicelib.store import privacy as store

EXPORT_VERSION = 1


def _account(principal: Principal):
    account = principal.account or account_store.get(principal.account_id)
    if account is None:
        raise NotFound()
    return account


def export(principal: Principal, now: datetime) -> dict:
    """Everything held about the citizen, machine-readable: one Query of their partition and
    one read of the NIK's state. Secrets (password and code hashes) are not personal data of
    theirs to read and are left out; the full NIK was never stored (only a keyed hash and its
    last 4 digits)."""
    account = _account(principal)
    held = store.partition(account.account_id)  # staff and admins: no bookings of their own
    state = booking_store.citizen_state(account.nik_hash) if account.nik_hash else None
    return {
        "format": "antre-personal-data", "version": EXPORT_VERSION,
        "exported_at": now.isoformat(timespec="seconds"),
        "account": {"account_id": account.account_id, "role": account.role,
                    "mall_id": getattr(account, "mall_id", None), "email": account.email,
                    "name": account.name, "phone": account.phone,
                    "nik_last4": account.nik_last4, "verified": bool(account.verified),
                    "sms_opt_in": bool(account.sms_opt_in), "created_at": account.created_at},
        "bookings": [{
            "booking_id": b.booking_id, "code": b.code, "status": b.status,
            "mall_id": b.mall_id, "service_id": b.service_id, "date": b.date,
            "start": b.start, "end": b.end, "created_at": b.created_at,
            "updated_at": getattr(b, "updated_at", None), "ticket_id": b.ticket_id,
            "forgotten_after": _instant(b.expires_at)} for b in held.bookings],
        "waitlist": [{
            "waitlist_id": w.waitlist_id, "mall_id": w.mall_id, "service_id": w.service_id,
            "date": w.date, "status": w.status, "created_at": w.created_at}
            for w in held.waitlist],
        "no_shows": [_instant(t) for t in (state.no_shows if state else [])],
        "retention": {"booking_days_after_slot": config.get().retention_days},
    }


def _instant(epoch) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(int(epoch)).astimezone().isoformat(timespec="seconds")


def erasable(principal: Principal) -> None:
    """A staff or admin account is the mall's to end (disabled on the admin page), so that a
    desk's trail keeps its author; their copy of their data is theirs all the same."""
    if principal.role != "citizen":
        raise Forbidden("error.staff_not_erasable")


def delete_account(principal: Principal, password: str, now: datetime,
                   address: str = "unknown") -> dict:
    """Erase the citizen's account after their password is typed again (a stolen session
    alone cannot erase anyone): future bookings cancelled with their seats freed, waiting
    entries ended, the account and its email and NIK claims removed, the records deleted.
    The no-show dates stay with the NIK's keyed hash until the pause window has passed (so
    erasing an account cannot lift a pause), then expire."""
    erasable(principal)
    throttle.take("login_address", address, now)
    account = _account(principal)
    throttle.take("login_account", account.email, now)
    if not check_password(account.password_hash, password):
        raise WrongPassword()
    now_epoch = int(now.timestamp())
    held = store.partition(account.account_id)
    cancelled = 0
    for booking in held.bookings:
        if booking.status == "booked" and int(booking.start_at) > now_epoch:
            try:
                booking_store.cancel_and_release(booking, now_epoch,
                                                 now.isoformat(timespec="seconds"), None)
            except booking_store.TransactionFailed:
                continue  # checked in or started meanwhile: it is history now
            cancelled += 1
            _seat_freed(booking, now)
    from chalicelib.services import waitlist

    left = 0
    for entry in held.waitlist:
        if entry.status in ("waiting", "offered"):
            waitlist.leave(principal, entry.waitlist_id, now)
            left += 1
    mail = outbox.new_mail("account_deleted", account.email,
                           {"cancelled": cancelled},
                           ref=account.account_id, now=now)
    store.erase_account(account, mail)
    store.forget_records(account.account_id)
    return {"deleted": True, "cancelled_bookings": cancelled, "left_waitlists": left}


def _seat_freed(booking, now: datetime) -> None:
    from chalicelib.services.booking import _seat_freed as offer

    offer(booking.mall_id, booking.service_id, booking.date, now)
