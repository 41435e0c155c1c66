"""The waitlist of a full day: when a seat of that service and date frees up (a cancel, a
reschedule, a lapsed offer, a raised capacity), the first waiting citizen is offered it.
The seat is held for them (nobody else can book it) for the mall's hold time, 15 minutes
by default, and they are emailed; if they let it lapse, the next one is offered."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from ulid import ULID

from chalicelib import config
from chalicelib.domain import identity, schedule
from chalicelib.errors import (
    AlreadyBooked,
    AlreadyWaiting,
    BookingLimitReached,
    BookingPaused,
    Busy,
    Forbidden,
    NotFound,
    OfferExpired,
    SeatsAvailable,
    SlotUnavailable,
    WaitlistLimitReached,
)
from chalicelib.services import booking as booking_service
from chalicelib.services.auth import Principal
from chalicelib.services.catalog import mall_and_service, open_service
from chalicelib.store import accounts as account_store
from chalicelib.store import bookings as booking_store
from chalicelib.store import catalog as catalog_store
from chalicelib.store import outbox
from chalicelib.store import waitlist as store
from chalicelib.store.bookings import SeatRef, TransactionFailed
from chalicelib.store.models import WaitlistEntry

log = logging.getLogger(__name__)

OFFER_ATTEMPTS = 5


def view(entry: WaitlistEntry, position: int | None = None, mall=None,
         now: datetime | None = None) -> dict:
    """An entry as its citizen sees it. An offer says when it lapses and, from the server's
    clock, how many seconds are left: a phone's own clock may be wrong by minutes."""
    answer = {"waitlist_id": entry.waitlist_id, "mall_id": entry.mall_id,
              "service_id": entry.service_id, "date": entry.date, "status": entry.status,
              "position": position, "booking_id": entry.booking_id}
    if entry.status == "offered" and entry.offer_start:
        expires = datetime.fromtimestamp(int(entry.offer_expires_at), mall.tz) if mall \
            else datetime.fromtimestamp(int(entry.offer_expires_at)).astimezone()
        answer["offer"] = {"start": entry.offer_start,
                           "expires_at": expires.isoformat(timespec="seconds")}
        if now is not None:
            answer["offer"]["seconds_left"] = max(0, int(entry.offer_expires_at)
                                                  - int(now.timestamp()))
    return answer


def _position(entry: WaitlistEntry) -> int | None:
    """1 for the first waiting; None once it is not waiting any more."""
    if entry.status != "waiting":
        return None
    queue = store.waiting(entry.mall_id, entry.service_id, entry.date)
    ids = [e.waitlist_id for e in queue]
    return ids.index(entry.waitlist_id) + 1 if entry.waitlist_id in ids else None


def join(principal: Principal, mall_id: str, service_id: str, date: str,
         now: datetime) -> dict:
    """Wait for a seat of a full day. 409 seats_available while the day still has seats."""
    mall, service = open_service(mall_id, service_id)
    day = schedule.parse_date(date)
    slots = schedule.bookable_slots(mall, service, day, now)
    if not slots:
        raise SlotUnavailable("waitlist.no_slots", date=day)
    taken = booking_store.seats_taken(mall_id, service_id, day.isoformat())
    if any(taken.get(s.start_hhmm, 0) < mall.seats(service) for s in slots):
        raise SeatsAvailable("waitlist.seats_available", date=day)
    account = principal.account or account_store.get(principal.account_id)
    if principal.role != "citizen" or account is None or not account.nik_hash:
        raise Forbidden("booking.citizens_only")
    for _ in range(booking_service.ATTEMPTS):
        try:
            return _join(account, mall, service, day, slots, now)
        except _StateMoved:
            continue  # a booking or another join changed the citizen's state: decide again
    raise Busy()


class _StateMoved(Exception):
    pass


def _join(account, mall, service, day, slots, now: datetime) -> dict:
    """What booking checks, then the entry: the citizen could accept an offer (not at the
    active-booking limit, not paused at this mall, not booked that service and day: the
    transaction's guard), and waits on at most `waitlist_max_entries` waitlists, counted in
    their state at the version read."""
    cfg = config.get()
    mall_id, service_id = mall.mall_id, service.service_id
    now_epoch = int(now.timestamp())
    state = booking_store.citizen_state(account.nik_hash)
    if state is None:  # written with the account; cannot be missing
        raise Busy()
    booking_service._not_paused(state, mall, now_epoch)
    active = [end for end in (state.active.as_dict() or {}).values() if int(end) > now_epoch]
    if len(active) >= cfg.max_active_bookings:
        raise BookingLimitReached("waitlist.booking_limit", count=len(active),
                                  limit=cfg.max_active_bookings)
    waiting = {wid: int(end) for wid, end in (state.waiting.as_dict() or {}).items()
               if int(end) > now_epoch}
    if len(waiting) >= cfg.waitlist_max_entries:
        raise WaitlistLimitReached("waitlist.limit", count=len(waiting),
                                   limit=cfg.waitlist_max_entries)
    waitlist_id = str(ULID())
    created = now.isoformat(timespec="milliseconds")
    entry = WaitlistEntry(
        pk=account_store.account_pk(account.account_id), sk=f"WAITLIST#{waitlist_id}",
        waitlist_id=waitlist_id, account_id=account.account_id, nik_hash=account.nik_hash,
        mall_id=mall_id, service_id=service_id, date=day.isoformat(), status="waiting",
        created_at=created, due_pk=store.queue_pk(mall_id, service_id, day.isoformat()),
        due_sk=f"{created}#{waitlist_id}",
        expires_at=booking_store.forget_at(int(slots[-1].end.timestamp())))
    waiting[waitlist_id] = int(slots[-1].end.timestamp())
    try:
        store.join(entry, state, waiting)
    except TransactionFailed as e:
        if "booked" in e.failed:
            raise AlreadyBooked() from e
        if "waiting" in e.failed:
            raise AlreadyWaiting() from e
        if "citizen" in e.failed:
            raise _StateMoved() from e
        raise
    return view(entry, _position(entry), mall, now)


def mine(principal: Principal, now: datetime) -> list[dict]:
    found = []
    for entry in store.of_account(principal.account_id):
        catalog = catalog_store.mall_catalog(entry.mall_id)
        found.append(view(entry, _position(entry), catalog.mall if catalog else None, now))
    return found


def _entry(principal: Principal, waitlist_id: str) -> WaitlistEntry:
    entry = store.get(principal.account_id, waitlist_id) if identity.is_ulid(waitlist_id) \
        else None
    if entry is None:
        raise NotFound("waitlist.not_found")
    return entry


def leave(principal: Principal, waitlist_id: str, now: datetime) -> dict:
    """Stop waiting; an offer still held goes to the next one at once."""
    entry = _entry(principal, waitlist_id)
    if entry.status not in ("waiting", "offered"):
        return view(entry)
    offered = entry.status == "offered"
    release = SeatRef(entry.mall_id, entry.service_id, entry.date, entry.offer_start) \
        if offered else None
    try:
        store.end(entry, "left", release)
    except TransactionFailed:
        return view(_entry(principal, waitlist_id))
    if offered:
        offer_freed(entry.mall_id, entry.service_id, entry.date, now)
    entry.status = "left"
    return view(entry)


def accept(principal: Principal, waitlist_id: str, now: datetime) -> dict:
    """Book the held seat: a booking like any other (same rules, same email), which takes no
    seat again. 409 offer_expired once the hold has lapsed."""
    entry = _entry(principal, waitlist_id)
    now_epoch = int(now.timestamp())
    if entry.status != "offered" or int(entry.offer_expires_at or 0) <= now_epoch:
        raise OfferExpired("waitlist.offer_expired")
    mall, service = mall_and_service(entry.mall_id, entry.service_id)
    slot = next((s for s in schedule.day_slots(mall, service, schedule.parse_date(entry.date))
                 if s.start_hhmm == entry.offer_start), None)
    account = principal.account or account_store.get(principal.account_id)
    if slot is None or account is None:
        raise OfferExpired("waitlist.offer_expired")

    def mail_for(made):
        return outbox.new_messages(
            "booking_confirmed", account,
            booking_service.mail_context(account, booking_service.public_view(made), mall,
                                         service), ref=made.booking_id, now=now,
            mall_id=mall.mall_id)

    try:
        made, mail = booking_service._place(
            account.account_id, account.nik_hash, mall, service, slot, now, mail_for=mail_for,
            held=True, extra_for=lambda b: store.accepted_step(entry, b.booking_id, now_epoch),
            citizen_actions=store.uncounted(entry))
    except (AlreadyBooked, BookingLimitReached):
        raise
    except Busy:
        fresh = _entry(principal, waitlist_id)
        if fresh.status != "offered":
            raise OfferExpired("waitlist.offer_expired") from None
        raise
    return booking_service.public_view(made)


# --- offering freed seats -----------------------------------------------------------------------


def offer_freed(mall_id: str, service_id: str, day: str, now: datetime) -> int:
    """Offer the free seats of that service and day to the first waiting citizens, one seat
    each; the number offered. Called after anything frees a seat."""
    catalog = catalog_store.mall_catalog(mall_id)
    if catalog is None or service_id not in catalog.services:
        return 0
    mall, service = catalog.mall, catalog.services[service_id]
    offered = 0
    skipped: set[str] = set()  # entries that could not accept a seat now
    for _ in range(OFFER_ATTEMPTS * 4):
        first = _first_able(mall, store.waiting(mall_id, service_id, day, limit=SCAN_WAITING),
                            skipped, now)
        if first is None:
            return offered
        slots = schedule.bookable_slots(mall, service, schedule.parse_date(day), now)
        taken = booking_store.seats_taken(mall_id, service_id, day)
        free = [s for s in slots if taken.get(s.start_hhmm, 0) < mall.seats(service)]
        if not free:
            return offered
        entry, slot = first, free[0]
        expires = int(now.timestamp()) + 60 * mall.waitlist_hold_minutes
        mail = _offer_mail(entry, mall, service, slot, expires, now)
        try:
            store.offer(entry, mall, SeatRef(mall_id, service_id, day, slot.start_hhmm),
                        mall.seats(service), expires, mail)
        except TransactionFailed as e:
            if "catalog" in e.failed:
                catalog_store.cache.clear()
                catalog = catalog_store.mall_catalog(mall_id)
                mall, service = catalog.mall, catalog.services[service_id]
            if "booked" in e.failed:
                skipped.add(entry.waitlist_id)  # booked that service and day meanwhile
            continue  # the seat or the entry changed meanwhile: look again
        offered += 1
    return offered


SCAN_WAITING = 20  # waiting entries read per offer; the ones who could not accept are passed


def _first_able(mall, waiting: list[WaitlistEntry], skipped: set[str], now: datetime):
    """The first waiting entry whose citizen could accept a seat now: not at the
    active-booking limit and not paused at this mall (one GetItem each; the offer's own
    transaction checks that they did not book that service and day). Those who could not
    stay waiting: a cancelled booking or an ended pause makes them able again."""
    now_epoch = int(now.timestamp())
    limit = config.get().max_active_bookings
    for entry in waiting:
        if entry.waitlist_id in skipped:
            continue
        state = booking_store.citizen_state(entry.nik_hash)
        active = [end for end in ((state.active.as_dict() or {}) if state else {}).values()
                  if int(end) > now_epoch]
        try:
            if state is not None:
                booking_service._not_paused(state, mall, now_epoch)
        except BookingPaused:
            skipped.add(entry.waitlist_id)
            continue
        if len(active) >= limit:
            skipped.add(entry.waitlist_id)
            continue
        return entry
    return None


def _offer_mail(entry, mall, service, slot, expires: int, now: datetime):
    account = account_store.get(entry.account_id)
    if account is None:
        return None
    base = config.get().public_base_url.rstrip("/")
    ctx = {"name": account.name, "mall_name": mall.name, "service_name": service.name,
           "english_service_name": service.name_en or service.name,
           "timezone": mall.timezone, "date": entry.date, "start": slot.start_hhmm,
           "end": slot.end_hhmm, "expires": datetime.fromtimestamp(expires, mall.tz)
           .strftime("%H:%M"), "accept_url": f"{base}/#/w/{entry.waitlist_id}"}
    return outbox.new_messages("waitlist_offer", account, ctx, ref=entry.waitlist_id,
                               now=now, mall_id=mall.mall_id)


def expire_offers(now: datetime) -> int:
    """The sweep: offers whose hold lapsed end, their seats go back and to the next one."""
    ended = 0
    now_epoch = int(now.timestamp())
    for mall_entry in catalog_store.list_malls():
        for entry in store.lapsed(mall_entry.mall_id, now_epoch):
            try:
                store.end(entry, "expired", SeatRef(entry.mall_id, entry.service_id,
                                                    entry.date, entry.offer_start))
            except TransactionFailed:
                continue  # accepted or left meanwhile
            ended += 1
            offer_freed(entry.mall_id, entry.service_id, entry.date, now)
    return ended


def offer_after_capacity_change(mall_id: str, service_ids, now: datetime,
                                days: dict[str, list[str] | None] | None = None) -> int:
    """After seats were added: offer them to whoever waits in the booking window (only on
    `days[service]` where the caller knows no other day can have a waiting list)."""
    catalog = catalog_store.fresh_catalog(mall_id)
    today = schedule.local_today(catalog.mall, now)
    offered = 0
    for service_id in service_ids:
        only = (days or {}).get(service_id)
        for n in range(catalog.mall.max_days_ahead + 1):
            day = (today + timedelta(days=n)).isoformat()
            if only is not None and day not in only:
                continue
            if store.waiting(mall_id, service_id, day, limit=1):
                offered += offer_freed(mall_id, service_id, day, now)
    return offered

