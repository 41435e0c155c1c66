"""Booking, cancelling and moving a slot; availability. Capacity is enforced at write time."""
from __future__ import annotations

import functools
import hashlib
import json
import logging
from datetime import datetime, timedelta

from ulid import ULID

from chalicelib import config
from chalicelib.i18n import Text
from chalicelib.domain import identity, queue, schedule
from chalicelib.domain.catalog import Service, Slot
from chalicelib.errors import (
    AlreadyBooked,
    AssistedLimitReached,
    BookingLimitReached,
    BookingNotChangeable,
    BookingPaused,
    Busy,
    Forbidden,
    IdempotencyKeyReused,
    NotFound,
    SlotFull,
    Unauthorized,
    ValidationFailed,
)
from chalicelib.services import nik_keys
from chalicelib.services import throttle
from chalicelib.services.auth import Principal, require_role
from chalicelib.services.catalog import mall_and_service, open_service
from chalicelib.services.queue import follow_url
from chalicelib.store import accounts as account_store
from chalicelib.store import bookings as store
from chalicelib.store import catalog as catalog_store
from chalicelib.store import stats as stats_store
from chalicelib.store import outbox
from chalicelib.store.bookings import SeatRef, TransactionFailed
from chalicelib.store.db import backoff
from chalicelib.store.models import Booking, IdempotencyRecord

log = logging.getLogger(__name__)

ATTEMPTS = 5  # transaction retries on a lost race (version moved, code collision, conflict)


def public_view(b: Booking) -> dict:
    return {"booking_id": b.booking_id, "code": b.code, "status": b.status,
            "mall_id": b.mall_id, "service_id": b.service_id, "date": b.date,
            "start": b.start, "end": b.end, "created_at": b.created_at,
            "assisted": bool(b.booked_by),  # made by staff at the mall for the citizen
            # checked in: the live queue number's page (the ticket id is its secret)
            "ticket_url": follow_url(b.ticket_id) if b.ticket_id else None}


# --- availability ---------------------------------------------------------------------------


def list_slots(mall_id: str, service_id: str, day_text: str, now: datetime) -> list[dict]:
    """Bookable slots of a day with seats left; a closed day or one outside the window is []."""
    mall, service = mall_and_service(mall_id, service_id)
    day = schedule.parse_date(day_text)
    slots = schedule.bookable_slots(mall, service, day, now)
    if not slots:
        return []
    taken = store.seats_taken(mall_id, service_id, day.isoformat())
    seats = mall.seats(service)
    return [{"start": s.start_hhmm, "end": s.end_hhmm, "capacity": seats,
             "remaining": max(seats - taken.get(s.start_hhmm, 0), 0)}
            for s in slots]


MAX_SUMMARY_DAYS = 62


def day_summary(mall_id: str, service_id: str, first: str, last: str, now: datetime,
                lang: str = "id") -> dict:
    """Free seats per day for a date range, to find a day with seats at a glance: one Query
    over the mall's statistics partition (its counters hold every day's taken seats), plus
    one for today's slots, whose earlier seats are gone."""
    mall, service = mall_and_service(mall_id, service_id)
    day_from, day_to = schedule.parse_date(first, "from"), schedule.parse_date(last, "to")
    if day_to < day_from:
        raise ValidationFailed.field("to", "validation.date_order")
    if (day_to - day_from).days >= MAX_SUMMARY_DAYS:
        raise ValidationFailed.field("to", "validation.range_too_long", days=MAX_SUMMARY_DAYS)
    today = schedule.local_today(mall, now)
    schedule.within_reach(mall, today, day_from, "from")
    schedule.within_reach(mall, today, day_to, "to")
    window_end = today + timedelta(days=mall.max_days_ahead)
    taken = stats_store.taken_seats(mall_id, service_id, day_from.isoformat(),
                                    day_to.isoformat())
    seats = mall.seats(service)
    days = []
    day = day_from
    while day <= day_to:
        entry = {"date": day.isoformat()}
        reason = schedule.closed_text(mall, day, service.service_id)
        if day < today:
            entry["status"] = "past"
        elif not service.online or service.retired:
            entry["status"] = "closed"
        elif reason is not None:
            entry.update(status="closed", reason=reason.render(lang))
        elif day > window_end:
            opens = day - timedelta(days=mall.max_days_ahead)
            entry.update(status="not_yet", opens_on=opens.isoformat())
        else:
            slots = schedule.bookable_slots(mall, service, day, now)
            if day == today:
                counts = store.seats_taken(mall_id, service_id, day.isoformat())
                free = sum(max(seats - counts.get(s.start_hhmm, 0), 0) for s in slots)
            else:
                free = max(len(slots) * seats - taken.get(day.isoformat(), 0), 0)
            entry.update(status="open" if free else "full", seats=len(slots) * seats,
                         remaining=free)
        days.append(entry)
        day += timedelta(days=1)
    return {"service_id": service_id, "today": today.isoformat(),
            "window_end": window_end.isoformat(), "days": days,
            "next_opening": _next_opening(mall, service, window_end)}


def _next_opening(mall, service, window_end) -> dict | None:
    """The first day after the window on which the service is open, and the day it becomes
    bookable: what "new days open every midnight" can honestly name (a closed Sunday is no
    day to wait for). None when nothing opens in the next two months."""
    for n in range(1, 62):
        day = window_end + timedelta(days=n)
        if schedule.closed_text(mall, day, service.service_id) is None \
                and mall.hours_on(day) is not None:
            return {"date": day.isoformat(),
                    "opens_on": (day - timedelta(days=mall.max_days_ahead)).isoformat()}
    return None


# --- booking --------------------------------------------------------------------------------


def mail_context(account, booking_fields: dict, mall, service: Service) -> dict:
    base = config.get().public_base_url.rstrip("/")
    return {"name": account.name, "booking_id": booking_fields["booking_id"],
            "manage_url": f"{base}/#/b/{booking_fields['booking_id']}",
            "code": booking_fields["code"], "mall_name": mall.name, "mall_address": mall.address,
            "timezone": mall.timezone, "service_name": service.name,
            "english_service_name": service.name_en or service.name,
            "agency_name": service.agency_name, "requirements": list(service.requirements),
            "english_requirements": list(service.requirements_en or service.requirements),
            "date": booking_fields["date"], "start": booking_fields["start"],
            "end": booking_fields["end"], "sequence": booking_fields.get("sequence", 0)}


def _request_hash(mall_id, service_id, day, start) -> str:
    return hashlib.sha256(json.dumps([mall_id, service_id, day, start]).encode()).hexdigest()


def first_reads(principal: Principal, idempotency_key: str | None = None) -> dict:
    """What a booking reads besides the caller's account, asked for in the same call that
    checks the token (`accounts.authenticated`): the citizen's state, whose key the token
    carries, and the record of an earlier request with the same Idempotency-Key."""
    keys = {}
    if principal.role == "citizen" and principal.nik_hash:
        keys["citizen"] = store.citizen_state_key(principal.nik_hash)
    if idempotency_key:
        keys["idempotency"] = store.idempotency_key(principal.account_id, idempotency_key)
    return keys


def _replay(principal: Principal, key: str, request_hash: str, fresh: bool = False):
    """The booking an earlier request with this key made, or None. `fresh`: read again,
    not what was read with the account."""
    record = principal.read.get("idempotency") if "idempotency" in principal.read \
        and not fresh else store.idempotency_record(principal.account_id, key)
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise IdempotencyKeyReused()
    booking = store.get(principal.account_id, record.booking_id)
    if booking is None:  # cannot happen: both are written in one transaction
        raise Busy()
    return public_view(booking)


class CatalogChanged(Exception):
    """The catalog changed between the decision and its transaction: decide again."""


def fresh_catalog(fn):
    """Run `fn` again, on a freshly read catalog, when its transaction found the catalog
    changed (an admin changed capacity or hours meanwhile)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        for _ in range(ATTEMPTS):
            try:
                return fn(*args, **kwargs)
            except CatalogChanged:
                catalog_store.cache.clear()
        raise Busy()

    return wrapper


@fresh_catalog
def book(principal: Principal, *, mall_id: str, service_id: str, date: str, start: str,
         now: datetime, idempotency_key: str | None = None,
         enforce_capacity: bool = True) -> tuple[dict, bool]:
    """Book a seat. Returns (booking, created); a replayed Idempotency-Key gives created=False.

    `enforce_capacity=False` exists only for the race test's canary.
    """
    request_hash = _request_hash(mall_id, service_id, date, start)
    if idempotency_key:
        replay = _replay(principal, idempotency_key, request_hash)
        if replay:
            return replay, False
    mall, service = open_service(mall_id, service_id)
    slot = schedule.find_bookable_slot(mall, service, schedule.parse_date(date),
                                       schedule.parse_hhmm(start), now)
    account = _account(principal)
    if account is None or not account.verified:
        raise Unauthorized()
    if principal.role != "citizen" or not account.nik_hash:
        raise Forbidden("booking.citizens_only")
    held_hash = account.nik_hash
    account = nik_keys.rehash(account)  # after a rotation: to the new key's hash
    state_read = principal.read.get("citizen") if account.nik_hash == held_hash else None

    def mail_for(booking):
        return outbox.new_messages("booking_confirmed", account,
                                   mail_context(account, public_view(booking), mall, service),
                                   ref=booking.booking_id, now=now, mall_id=mall.mall_id)

    def idempotency_for(booking):
        if not idempotency_key:
            return None
        return IdempotencyRecord(
            *store.idempotency_key(principal.account_id, idempotency_key),
            booking_id=booking.booking_id, request_hash=request_hash,
            expires_at=int(now.timestamp()) + store.IDEMPOTENCY_TTL_SECONDS)

    limit, refused = throttle.in_transaction("booking_account", principal.account_id, now)
    try:
        booking, mail = _place(principal.account_id, account.nik_hash, mall, service, slot, now,
                               mail_for=mail_for, idempotency_for=idempotency_for,
                               enforce_capacity=enforce_capacity, extra_for=lambda b: limit,
                               refused=refused, state_read=state_read)
    except _KeyTaken:  # the same key won a concurrent request: answer with its booking
        replay = _replay(principal, idempotency_key, request_hash, fresh=True)
        if replay is None:  # cannot happen: the key is written with its booking
            raise Busy() from None
        return replay, False
    return public_view(booking), True


def _place(owner_id: str, nik_hash: str, mall, service: Service, slot: Slot, now: datetime, *,
           mail_for=None, idempotency_for=None, new_citizen: bool = False,
           enforce_capacity: bool = True, held: bool = False, extra_for=None,
           refused=None, state_read=None, fatal_extra=None, for_staff: bool = False,
           citizen_actions=(), typed_nik=None, **holder) -> tuple[Booking, object]:
    """The booking transaction with its retries, for a citizen's own booking and for one
    staff make for a citizen. Returns (booking, its confirmation mail or None).

    `new_citizen`: the NIK may have no state yet (no account); it is then created with the
    booking. The citizen's active-booking limit holds either way: it is kept per NIK.
    `state_read`: the citizen's state as read with the account (None: not read), for the
    first attempt only; a retry, which lost a race, reads it again.
    `typed_nik`: the NIK staff typed, in place of `nik_hash`: each attempt finds under which
    key's hash it lives (services.nik_keys; a rotation may move it between attempts).
    """
    from chalicelib.services import nik_keys

    limit = config.get().max_active_bookings
    booking_id = str(ULID())
    now_epoch = int(now.timestamp())
    first = [state_read] if state_read is not None else []

    def attempt():
        nonlocal nik_hash
        key_id, ring = None, None
        if typed_nik is not None:
            ring = nik_keys.ring()
            key_id, nik_hash, _ = nik_keys.resolve(ring, typed_nik)
        state = first.pop() if first else store.citizen_state(nik_hash)
        if state is None and not new_citizen:  # written with the account; cannot be missing
            raise Busy()
        if state is not None:  # booked by the citizen or by staff: the same pause
            _not_paused(state, mall, now_epoch, "assisted.paused" if for_staff else None)
        active = {bid: int(end) for bid, end in
                  ((state.active.as_dict() or {}) if state else {}).items() if int(end) > now_epoch}
        if len(active) >= limit:
            raise BookingLimitReached("assisted.nik_limit" if for_staff else "booking.limit",
                                      count=len(active), limit=limit)
        booking = _new_booking(owner_id, nik_hash, booking_id, mall, service, slot, now, **holder)
        active[booking_id] = int(booking.end_at)
        mail = mail_for(booking) if mail_for else None
        idem = idempotency_for(booking) if idempotency_for else None
        extra = extra_for(booking) if extra_for else None
        if ring is not None:
            extra = _with_ring_step(extra, ring)
        try:
            store.book_if_free(booking, mall, mall.seats(service), state, active, mail, idem,
                               enforce_capacity=enforce_capacity, held=held, extra=extra,
                               citizen_actions=citizen_actions if state is not None else (),
                               nik_key=key_id)
        except TransactionFailed as e:
            if nik_keys.STEP in e.failed:  # the next attempt loads and checks the ring again
                nik_keys.forget()
            raise
        if ring is not None:
            nik_keys.written()
        return booking, mail

    return _with_retries(attempt, {"idempotency": _KeyTaken, "guard": AlreadyBooked,
                                   "seat": SlotFull,
                                   **({"throttle": refused} if refused else {}),
                                   **(fatal_extra or {})})


def _with_ring_step(extra, ring):
    from chalicelib.services import nik_keys

    def steps(s):
        nik_keys.step(s, ring)
        if extra is not None:
            extra(s)

    return steps


def _not_paused(state, mall, now_epoch: int, message: str | None = None) -> None:
    """The mall's no-show policy, counting the no-shows at this mall only: the same for a
    booking the citizen makes, one staff make for them and joining a waitlist."""
    until = queue.paused_until(store.no_shows_by_mall(state).get(mall.mall_id, []), now_epoch,
                               mall.no_show_limit, mall.no_show_window_days,
                               mall.no_show_pause_days)
    if until is not None:
        raise BookingPaused(message or "booking.paused", count=mall.no_show_limit,
                            days=mall.no_show_window_days,
                            until=datetime.fromtimestamp(until, mall.tz).date())


def assisted_owner(mall_id: str) -> str:
    """Bookings staff make for citizens without an account live under this key of the mall."""
    return f"mall-{mall_id}"


def _staff_of_mall(principal: Principal) -> str:
    require_role(principal, "staff", "admin")
    if not principal.mall_id:
        raise Forbidden()
    return principal.mall_id


def _assisted_change(principal: Principal, action: str, booking: Booking, before=None,
                     after=None):
    """The audit entry of a staff member's act on a booking made for a citizen: who, the
    NIK's last 4 (never the NIK), the booking."""
    from chalicelib.store.catalog import Change, audited

    change = Change(principal.account_id, action, booking.booking_id, before,
                    {"nik_last4": booking.holder_nik_last4, "service_id": booking.service_id,
                     **(after or {})})
    return lambda s: audited(s, booking.mall_id, change)


@fresh_catalog
def book_for_citizen(principal: Principal, *, service_id: str, date: str, start: str,
                     name: str, nik: str, phone: str | None, now: datetime) -> Booking:
    """Staff book at the mall for a citizen without email or phone, under the same rules
    (capacity, one per NIK, service and day, the active-booking limit per NIK, the mall's
    no-show pause), at most `assisted_per_day` a day per staff member, audited in the same
    transaction. The NIK's holder sees the booking once they have an account."""
    mall_id = _staff_of_mall(principal)
    mall, service = open_service(mall_id, service_id)
    slot = schedule.find_bookable_slot(mall, service, schedule.parse_date(date),
                                       schedule.parse_hhmm(start), now)
    nik = identity.validate_nik(nik)
    phone = identity.normalize_phone(phone) if phone else None
    if not name.strip():
        raise ValidationFailed.field("name", "validation.name_required")
    per_day = config.get().assisted_per_day
    today = schedule.local_today(mall, now).isoformat()

    def extra_for(b):
        counted = store.assisted_steps(b, mall_id, principal.account_id, today, per_day)
        audit = _assisted_change(principal, "booking.assisted", b, after={
            "date": b.date, "start": b.start, "code": b.code})

        def steps(s):
            counted(s)
            audit(s)

        return steps

    booking, _ = _place(assisted_owner(mall.mall_id), None, mall, service, slot,
                        now, typed_nik=nik, new_citizen=True, for_staff=True, extra_for=extra_for,
                        fatal_extra={"assisted_limit": lambda: AssistedLimitReached(
                            "assisted.daily_limit", limit=per_day)},
                        holder_name=name.strip(), holder_phone=phone,
                        holder_nik_last4=identity.nik_last4(nik),
                        booked_by=principal.account_id)
    return booking


def assisted_bookings(principal: Principal, limit: int = 50) -> list[Booking]:
    """Bookings made for citizens at this mall, newest first: a staff member's own (one
    Query and one BatchGetItem), or for the mall's admin every staff member's (one Query)."""
    mall_id = _staff_of_mall(principal)
    if principal.role == "admin":
        return store.list_for(assisted_owner(mall_id), limit=limit)
    return store.assisted_by_staff(mall_id, principal.account_id, limit=limit)


def assisted_booking(principal: Principal, booking_id: str) -> Booking:
    """A booking staff of this mall made for a citizen; any other is NotFound."""
    mall_id = _staff_of_mall(principal)
    booking = store.get(assisted_owner(mall_id), booking_id) \
        if identity.is_ulid(booking_id) else None
    if booking is None:
        raise NotFound("booking.not_found")
    return booking


def _holder_account(booking: Booking):
    """The account that now holds the booking's NIK (to email a change), or None."""
    state = store.citizen_state(booking.nik_hash)
    if state is None or not state.account_id:
        return None
    account = account_store.get(state.account_id)
    return account if account is not None and account.verified \
        and account.nik_hash == booking.nik_hash else None


def staff_cancel(principal: Principal, booking_id: str, now: datetime) -> dict:
    """Staff of the mall (or its admin) cancel a booking made there for a citizen, audited;
    the citizen is emailed if the NIK has an account."""
    booking = assisted_booking(principal, booking_id)
    return _cancel(booking, _holder_account(booking), now,
                   extra=_assisted_change(principal, "booking.assisted_cancel", booking,
                                          before={"status": booking.status},
                                          after={"status": "cancelled"}))


@fresh_catalog
def staff_reschedule(principal: Principal, booking_id: str, *, date: str, start: str,
                     now: datetime) -> dict:
    """Staff of the mall (or its admin) move a booking made there for a citizen, audited."""
    booking = assisted_booking(principal, booking_id)
    return _reschedule(booking, _holder_account(booking), date, start, now,
                       extra=lambda new: _assisted_change(
                           principal, "booking.assisted_reschedule", booking,
                           before={"date": booking.date, "start": booking.start},
                           after={"date": new.date, "start": new.start}))


def mall_booking(principal: Principal, mall_id: str, code: str) -> Booking:
    """A booking of the mall by its code, for the mall's admin (e.g. one of a retired
    service, to move or cancel); another mall's, or none, is NotFound."""
    from chalicelib.services.admin import managed
    from chalicelib.store.floor import get_claim

    managed(principal, mall_id)
    code = identity.normalize_booking_code(code or "")
    claim = get_claim(code) if code else None
    booking = store.get(claim.account_id, claim.booking_id) \
        if claim is not None and claim.mall_id == mall_id else None
    if booking is None:
        raise NotFound("booking.not_found")
    return booking


def admin_cancel(principal: Principal, mall_id: str, code: str, now: datetime) -> dict:
    """The mall's admin cancels a booking of the mall, audited; its holder is emailed."""
    booking = mall_booking(principal, mall_id, code)
    return _cancel(booking, _holder_account(booking), now,
                   extra=_assisted_change(principal, "booking.admin_cancel", booking,
                                          before={"status": booking.status},
                                          after={"status": "cancelled"}))


@fresh_catalog
def admin_reschedule(principal: Principal, mall_id: str, code: str, *, date: str, start: str,
                     now: datetime) -> dict:
    """The mall's admin moves a booking of the mall (a retired service's too: its bookings
    are the mall's to place), audited; its holder is emailed."""
    booking = mall_booking(principal, mall_id, code)
    return _reschedule(booking, _holder_account(booking), date, start, now,
                       extra=lambda new: _assisted_change(
                           principal, "booking.admin_reschedule", booking,
                           before={"date": booking.date, "start": booking.start},
                           after={"date": new.date, "start": new.start}))


class _KeyTaken(Exception):
    pass


def _with_retries(write, fatal: dict):
    """Run `write` (one transaction). A failed step named in `fatal` raises its error; any
    other failure lost a race (version moved, code collision, conflict) and is retried."""
    for attempt in range(ATTEMPTS):
        try:
            return write()
        except TransactionFailed as e:
            if "catalog" in e.failed:
                raise CatalogChanged() from e
            for step, error in fatal.items():
                if step in e.failed:
                    raise error() from e
            log.info("attempt %d lost a race: %s", attempt + 1, e)
            backoff(attempt, 0.05)
    raise Busy()


def _arrival(mall, booking_id: str, slot: Slot) -> tuple[str, str]:
    deadline = int(slot.start.timestamp()) + 60 * mall.checkin_late_minutes
    return store.arrival_keys(mall.mall_id, slot.date.isoformat(), booking_id, deadline)


def _new_booking(owner_id, nik_hash, booking_id, mall, service, slot: Slot, now,
                 **holder) -> Booking:
    due_pk, due_sk = _arrival(mall, booking_id, slot)
    return Booking(
        pk=account_store.account_pk(owner_id), sk=f"BOOKING#{booking_id}",
        booking_id=booking_id, account_id=owner_id,
        code=identity.new_booking_code(), status="booked", mall_id=mall.mall_id,
        service_id=service.service_id, date=slot.date.isoformat(), start=slot.start_hhmm,
        end=slot.end_hhmm, start_at=int(slot.start.timestamp()),
        end_at=int(slot.end.timestamp()), nik_hash=nik_hash, sequence=0,
        created_at=now.isoformat(timespec="seconds"), updated_at=now.isoformat(timespec="seconds"),
        due_pk=due_pk, due_sk=due_sk, **holder,
    )


def _account(principal: Principal):
    """The caller's account: read with the token's check already, else read now."""
    return principal.account or account_store.get(principal.account_id)


def _nik_of(principal: Principal) -> str | None:
    """The NIK (its HMAC) the caller holds now: the checked account's, else the token's."""
    if principal.role != "citizen":
        return None
    account = principal.account
    return account.nik_hash if account is not None else principal.nik_hash


def get_booking(principal: Principal, booking_id: str) -> Booking:
    """The caller's own booking, or one staff made for the NIK the caller holds; anyone
    else's (or none) is NotFound."""
    if not identity.is_ulid(booking_id):
        raise NotFound("booking.not_found")
    booking = store.get(principal.account_id, booking_id)
    nik_hash = _nik_of(principal)
    if booking is None and nik_hash:
        booking = store.assisted_one_for_nik(nik_hash, booking_id)
    if booking is None:
        raise NotFound("booking.not_found")
    return booking


def calendar_file(principal: Principal, booking_id: str, now: datetime) -> bytes:
    """The booking as an .ics calendar event (the same file its email attaches)."""
    from chalicelib.mail.ics import booking_ics

    booking = get_booking(principal, booking_id)
    mall, service = mall_and_service(booking.mall_id, booking.service_id)
    ctx = {**mail_context(_account(principal), public_view(booking), mall, service),
           "sequence": int(booking.sequence), "now": now}
    return booking_ics(ctx, cancelled=booking.status == "cancelled")


def list_bookings(principal: Principal) -> list[dict]:
    """The caller's bookings and those staff made for the NIK the caller holds, newest
    first: two Queries (the second nearly always empty)."""
    found = store.list_for(principal.account_id)
    nik_hash = _nik_of(principal)
    if nik_hash:
        found += store.assisted_for_nik(nik_hash)
    return [public_view(b) for b in sorted(found, key=lambda b: b.booking_id, reverse=True)]


def _changed():
    return BookingNotChangeable("booking.changed")


def _changeable(booking: Booking, now_epoch: int) -> None:
    if booking.status != "booked":
        raise BookingNotChangeable("booking.status", status=Text(f"status.{booking.status}"))
    if booking.start_at <= now_epoch:
        raise BookingNotChangeable("booking.passed")


def cancel(principal: Principal, booking_id: str, now: datetime) -> dict:
    return _cancel(get_booking(principal, booking_id), _account(principal), now)


def _cancel(booking: Booking, account, now: datetime, extra=None) -> dict:
    """Cancel and free the seat; `account` (None: nobody to email) is told, `extra(steps)`
    adds writes of the same change (the audit of a staff member's cancel)."""
    booking_id = booking.booking_id
    now_epoch = int(now.timestamp())
    _changeable(booking, now_epoch)
    mall, service = mall_and_service(booking.mall_id, booking.service_id)
    mail = None
    if account is not None:
        ctx = mail_context(account, {**public_view(booking), "sequence": booking.sequence + 1},
                           mall, service)
        mail = outbox.new_mail("booking_cancelled", account.email, ctx, ref=booking_id,
                               now=now, mall_id=mall.mall_id)
    _with_retries(lambda: store.cancel_and_release(
        booking, now_epoch, now.isoformat(timespec="seconds"), mail, extra=extra),
        {"booking": BookingNotChangeable})
    _seat_freed(booking.mall_id, booking.service_id, booking.date, now)
    booking.status = "cancelled"
    return {**public_view(booking), "status": "cancelled"}


def _seat_freed(mall_id: str, service_id: str, day: str, now: datetime) -> None:
    """Offer a freed seat to the waitlist; a failure there never fails the citizen's change
    (the sweep offers again when an offer lapses, and the next cancel retries)."""
    from chalicelib.services import waitlist

    try:
        waitlist.offer_freed(mall_id, service_id, day, now)
    except Exception:
        log.exception("could not offer the freed seat of %s %s %s", mall_id, service_id, day)


@fresh_catalog
def reschedule(principal: Principal, booking_id: str, *, date: str, start: str,
               now: datetime) -> dict:
    booking = get_booking(principal, booking_id)
    open_service(booking.mall_id, booking.service_id)  # a retired one's: the mall moves them
    return _reschedule(booking, _account(principal), date, start, now)


def _reschedule(booking: Booking, account, date: str, start: str, now: datetime,
                extra=None) -> dict:
    """Move the booking; `account` (None: nobody to email) is told; `extra(new_seat)` gives
    steps of the same move (the audit of a staff member's move)."""
    booking_id = booking.booking_id
    now_epoch = int(now.timestamp())
    _changeable(booking, now_epoch)
    mall, service = mall_and_service(booking.mall_id, booking.service_id)
    slot = schedule.find_bookable_slot(mall, service, schedule.parse_date(date),
                                       schedule.parse_hhmm(start), now)
    new = SeatRef(booking.mall_id, booking.service_id, slot.date.isoformat(), slot.start_hhmm)
    if (new.date, new.start) == (booking.date, booking.start):
        return public_view(booking)
    moved = {**public_view(booking), "date": new.date, "start": new.start,
             "end": slot.end_hhmm, "sequence": booking.sequence + 1}
    mail = None
    if account is not None:
        ctx = {**mail_context(account, moved, mall, service),
               "old_date": booking.date, "old_start": booking.start}
        mail = outbox.new_mail("booking_rescheduled", account.email, ctx, ref=booking_id,
                               now=now, mall_id=mall.mall_id)
    _with_retries(lambda: store.move_if_free(
        booking, mall, new, int(slot.start.timestamp()), int(slot.end.timestamp()), slot.end_hhmm,
        mall.seats(service), now_epoch, now.isoformat(timespec="seconds"), mail,
        _arrival(mall, booking.booking_id, slot), extra=extra(new) if extra else None),
        {"booking": _changed, "guard": AlreadyBooked, "seat": SlotFull})
    _seat_freed(booking.mall_id, booking.service_id, booking.date, now)
    moved.pop("sequence")
    return moved
