"""Arriving at the mall: a booking checks in at the kiosk, a walk-in takes a ticket at the
kiosk or on their own phone (from the QR on the hall's screen)."""
from __future__ import annotations

import re
from datetime import datetime

from chalicelib import config
from chalicelib.domain import identity, schedule
from chalicelib.errors import (
    Busy,
    NotFound,
    NotToday,
    QrExpired,
    QrUsed,
    ServiceClosed,
    TooEarly,
    TooLate,
    Unauthorized,
    UnknownCode,
    ValidationFailed,
    WalkinQuotaFull,
    WalkinUnavailable,
)
from chalicelib.i18n import ByLanguage, Text
from chalicelib.services import throttle
from chalicelib.services.catalog import catalog_of, refuse_retired
from chalicelib.services.queue import (
    follow,
    iso,
    new_ticket_id,
    ticket_number,
    ticket_view,
    today,
    wait_of,
)
from chalicelib.store import floor as store
from chalicelib.store.bookings import TransactionFailed
from chalicelib.store.kiosks import Kiosk, qr_use_steps
from chalicelib.store.models import CodeClaim, Ticket

CHECKIN_ATTEMPTS = 3
WALKIN_AUDIENCE = "antre-walkin"


def _ticket(mall_id: str, day: str, agency, service, number: int, kind: str, now: datetime,
            **fields) -> Ticket:
    ticket_id = new_ticket_id()
    epoch = int(now.timestamp())
    return Ticket(pk=f"TICKET#{ticket_id}", sk="TICKET", ticket_id=ticket_id, mall_id=mall_id,
                  date=day, agency_id=agency.agency_id, service_id=service.service_id,
                  number=number, ticket_number=ticket_number(agency.letter, number), kind=kind,
                  status="waiting", arrived_at=epoch, issued_at=epoch, **fields)


# --- check-in ----------------------------------------------------------------------------------


def _may_check_in(claim: CodeClaim, mall, now: datetime) -> None:
    """Raise why this booking cannot check in now; return if it can."""
    if claim.status == "cancelled":
        raise NotToday("checkin.cancelled")
    if claim.status != "booked":
        raise NotToday("checkin.used", status=Text(f"status.{claim.status}"))
    local = schedule.local_today(mall, now)
    day = schedule.parse_date(claim.date)
    if day != local:
        raise NotToday("checkin.other_day", date=day, start=claim.start)
    start_at = int(claim.start_at)
    opens = start_at - 60 * mall.checkin_early_minutes
    if now.timestamp() < opens:
        raise TooEarly("checkin.too_early", start=claim.start,
                       opens=datetime.fromtimestamp(opens, mall.tz).strftime("%H:%M"))
    if now.timestamp() > start_at + 60 * mall.checkin_late_minutes:
        raise TooLate("checkin.too_late", start=claim.start, minutes=mall.checkin_late_minutes)


def check_in(kiosk: Kiosk, raw_code: str, now: datetime, *, once: bool = True,
             atomic_numbers: bool = True) -> tuple[dict, bool]:
    """The ticket for a booking code scanned or typed at the kiosk. Returns (ticket, new):
    the same code again answers the same ticket (new=False), however often and however
    simultaneously it is scanned. Three DynamoDB calls: the code, a number, the transaction.

    `once=False` and `atomic_numbers=False` exist only for the race tests' canaries.
    """
    code = identity.normalize_booking_code(raw_code)
    for _ in range(CHECKIN_ATTEMPTS):
        claim = store.get_claim(code) if code else None
        if claim is None or claim.mall_id != kiosk.mall_id:
            # only misses are counted: a kiosk guessing codes is slowed down, while a good
            # scan costs no extra write
            throttle.take("checkin_misses", kiosk.kiosk_id, now)
            raise UnknownCode("checkin.unknown_code")
        catalog = catalog_of(kiosk.mall_id)
        if claim.ticket_id:
            return _answer(store.get_ticket(claim.ticket_id), catalog, now), False
        mall = catalog.mall
        _may_check_in(claim, mall, now)
        service = catalog.services.get(claim.service_id)
        if service is None:  # the service was removed from the catalog after booking
            raise UnknownCode("checkin.unknown_code")
        agency = catalog.agencies[service.agency_id]
        day = today(mall, now)
        number, _ = store.take_number(mall.mall_id, day, agency.agency_id,
                                          service.service_id, atomic=atomic_numbers)
        ticket = _ticket(mall.mall_id, day, agency, service, number, "booking", now,
                         booking_id=claim.booking_id, account_id=claim.account_id,
                         nik_hash=claim.nik_hash, slot_start_at=int(claim.start_at),
                         source="kiosk")
        try:
            store.check_in_once(ticket, claim, kiosk, now.isoformat(timespec="seconds"), once,
                                hour=now.astimezone(mall.tz).hour)
        except TransactionFailed as e:
            store.give_back(mall.mall_id, day, agency.agency_id, service.service_id)
            if "kiosk" in e.failed:
                raise Unauthorized("kiosk.unauthorized") from e
            continue  # a simultaneous scan won, or the booking changed: decide again
        return ticket_view(ticket, catalog, wait=wait_of(ticket, catalog, now)), True
    raise Busy()


def _answer(ticket: Ticket | None, catalog, now: datetime) -> dict:
    """The ticket a repeated scan answers, as it stands now."""
    if ticket is None:  # cannot happen: the claim's ticket is written with it
        raise Busy()
    return follow(ticket.ticket_id, now, ticket)


# --- walk-ins ---------------------------------------------------------------------------------


def _open_for_walkins(mall, service, now: datetime) -> None:
    """Walk-in tickets are issued from opening to closing time on an open day (during a
    break too: the queue forms and counters call it when they resume)."""
    local = now.astimezone(mall.tz)
    reason = schedule.closed_text(mall, local.date(), service.service_id)
    name = ByLanguage(id=service.name, en=service.name_en or service.name)  # the reader's
    if reason is not None:
        if schedule.closed_reason(mall, local.date()) is None:  # only this service is closed
            raise ServiceClosed("walkin.service_closed_today", service=name)
        raise ServiceClosed("walkin.closed_today", reason=reason)
    hours = mall.hours_on(local.date())
    if not hours.open <= local.time() < hours.close:
        raise ServiceClosed("walkin.closed", service=name,
                            hours=f"{hours.open:%H:%M}–{hours.close:%H:%M}")


def walk_in(mall_id: str, service_id: str, priority: bool, now: datetime, *,
            kiosk: Kiosk | None = None, source: str = "kiosk", extra=None,
            refusals: dict | None = None) -> dict:
    """A ticket without a booking, within the service's daily walk-in quota, which is apart
    from the online seats: walk-ins never take a bookable seat, nor bookings a walk-in's."""
    catalog = catalog_of(mall_id)
    service = catalog.services.get(service_id)
    if service is None:
        raise NotFound("service.not_found")
    refuse_retired(service)
    if service.walkin_quota <= 0:
        raise WalkinUnavailable("walkin.not_offered", service=service.name)
    mall = catalog.mall
    _open_for_walkins(mall, service, now)
    agency = catalog.agencies[service.agency_id]
    day = today(mall, now)
    try:
        number, _ = store.take_number(mall.mall_id, day, agency.agency_id,
                                          service.service_id, walkin_quota=service.walkin_quota)
    except store.QuotaFull:
        raise WalkinQuotaFull("walkin.quota_full", service=service.name) from None
    ticket = _ticket(mall.mall_id, day, agency, service, number, "walkin", now,
                     priority=priority, source=source)
    try:
        store.walk_in(ticket, kiosk, extra=extra, hour=now.astimezone(mall.tz).hour)
    except TransactionFailed as e:
        store.give_back(mall.mall_id, day, agency.agency_id, service.service_id, walkin=True)
        for step, error in (refusals or {}).items():
            if step in e.failed:
                raise error() from e
        if "kiosk" in e.failed:
            raise Unauthorized("kiosk.unauthorized") from e
        raise Busy() from e
    # the same estimate as the ticket's page, so the kiosk and the phone never disagree
    return ticket_view(ticket, catalog, wait=wait_of(ticket, catalog, now))


def walkin_services(mall_id: str, now: datetime, lang: str = "id") -> dict:
    """Today's walk-in quota per service and what is left of it: one Query. Services are
    named in the reader's language (English where the catalog has it)."""
    catalog = catalog_of(mall_id)
    mall = catalog.mall
    day = today(mall, now)
    counts = store.agency_counts(mall.mall_id, day)
    local = now.astimezone(mall.tz)
    hours = mall.hours_on(local.date())
    open_now = (schedule.closed_reason(mall, local.date()) is None and hours is not None
                and hours.open <= local.time() < hours.close)
    services = []
    for s in catalog.services.values():
        if s.walkin_quota <= 0 or s.retired:
            continue
        issued = counts.get(s.service_id, {}).get("walkins", 0)
        name = s.name_en if lang == "en" and s.name_en else s.name
        services.append({"service_id": s.service_id, "name": name,
                         "agency_name": s.agency_name, "quota": s.walkin_quota,
                         "remaining": max(s.walkin_quota - issued, 0),
                         "waiting": counts.get(s.service_id, {}).get("waiting", 0)})
    return {"mall_id": mall.mall_id, "date": day, "open_now": open_now,
            "opens": f"{hours.open:%H:%M}" if hours else None,
            "closes": f"{hours.close:%H:%M}" if hours else None, "services": services}


# --- the QR on the hall's screen: a walk-in ticket on the citizen's own phone ----------------


def walkin_token(kiosk: Kiosk, now: datetime) -> dict:
    """A short-lived signed token for the QR the kiosk and the TV show. It opens the phone
    page and lets each phone take one walk-in ticket, `walkin_qr_tickets` in all; an old
    photo of it is useless minutes later, and revoking the kiosk or TV that showed it stops
    it at once (each ticket's transaction checks that key)."""
    import secrets

    import jwt  # loaded on first use (see services/auth.py)

    cfg = config.get()
    epoch = int(now.timestamp())
    expires = epoch + cfg.walkin_qr_seconds
    token = jwt.encode({"aud": WALKIN_AUDIENCE, "mall": kiosk.mall_id, "iat": epoch,
                        "exp": expires, "jti": secrets.token_urlsafe(12),
                        "k": kiosk.key_pk.removeprefix("KIOSK#")},
                       cfg.jwt_secret, algorithm="HS256")
    from chalicelib.mail.qr import qr_svg

    url = f"{cfg.public_base_url.rstrip('/')}/walkin#m={kiosk.mall_id}&t={token}"
    mall = catalog_of(kiosk.mall_id).mall
    return {"token": token, "url": url, "qr_svg": qr_svg(url), "expires_at": iso(expires, mall),
            "refresh_seconds": max(cfg.walkin_qr_seconds // 3, 10)}


_PHONE_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


def phone_id(*candidates: str | None) -> str:
    """The phone's id for the hall QR: the cookie the walk-in answer set, else the one the
    page keeps, else a new one (a phone that sends neither is one more phone, within the
    token's total and the per-address throttle)."""
    import secrets

    for value in candidates:
        if value and _PHONE_ID.fullmatch(value):
            return value
    return secrets.token_urlsafe(18)


def phone_walk_in(token: str, service_id: str, priority: bool, now: datetime,
                  address: str = "unknown", phone: str | None = None) -> dict:
    """A walk-in ticket taken on a phone with a fresh token from the hall's QR. The token is
    checked first, so junk never spends the address's throttle (nor locks out the phones
    behind the mall's Wi-Fi); then a few per client address, one per phone per token and
    `walkin_qr_tickets` per token, each counted in the ticket's own transaction. Priority is
    given at the kiosk or by staff, never by the phone itself."""
    import jwt

    try:
        claims = jwt.decode(token, config.get().jwt_secret, algorithms=["HS256"],
                            audience=WALKIN_AUDIENCE,
                            options={"require": ["mall", "exp", "jti", "k"],
                                     "verify_exp": False, "verify_iat": False})
    except jwt.PyJWTError as e:
        raise QrExpired("qr.invalid") from e
    if not isinstance(claims["exp"], int) or claims["exp"] <= now.timestamp():
        raise QrExpired("qr.expired")
    if priority:
        raise ValidationFailed.field("priority", "walkin.priority_at_kiosk")
    throttle.take("walkin_address", address, now)
    mall_id, token_id, key = str(claims["mall"]), str(claims["jti"]), str(claims["k"])
    shown_by = Kiosk(kiosk_id="", mall_id=mall_id, label="", key_pk=f"KIOSK#{key}")
    uses = qr_use_steps(token_id, phone or phone_id(), config.get().walkin_qr_tickets,
                        int(claims["exp"]) + 86400)
    return walk_in(mall_id, service_id, False, now, kiosk=shown_by, source="phone", extra=uses,
                   refusals={"kiosk": lambda: QrExpired("qr.invalid"),
                             "qr_phone": lambda: QrUsed("qr.used_by_phone"),
                             "qr_uses": lambda: QrUsed("qr.used_up")})


# --- a no-show back in line, at the kiosk ------------------------------------------------------

_TICKET_NUMBER = re.compile(r"\s*([A-Za-z])\s*-?\s*(\d{1,4})\s*")


def kiosk_requeue(kiosk: Kiosk, raw: str, now: datetime) -> dict:
    """Put a no-show back in line from the kiosk: `raw` is its ticket number as typed
    ("A-012", "a12"), the ticket's page or id (its printed QR), or the booking code it
    checked in with. One or two reads by key, then `queue.requeue_ticket`; an unknown
    one counts against the kiosk's misses as a wrong booking code does."""
    from chalicelib.services.queue import is_ticket_id, requeue_ticket

    catalog = catalog_of(kiosk.mall_id)
    mall = catalog.mall
    ticket = None
    raw = (raw or "").strip()
    number = _TICKET_NUMBER.fullmatch(raw)
    tail = raw.rsplit("#", 1)[-1]
    code = identity.normalize_booking_code(raw)
    if number:
        entry = store.back_entry(mall.mall_id, today(mall, now),
                                 ticket_number(number.group(1).upper(), int(number.group(2))))
        ticket = store.get_ticket(entry.ticket_id) if entry is not None else None
    elif is_ticket_id(tail):
        ticket = store.get_ticket(tail)
    elif code:
        claim = store.get_claim(code)
        if claim is not None and claim.mall_id == mall.mall_id and claim.ticket_id:
            ticket = store.get_ticket(claim.ticket_id)
    if ticket is None or ticket.mall_id != mall.mall_id:
        throttle.take("checkin_misses", kiosk.kiosk_id, now)
        raise NotFound("ticket.not_found")
    return requeue_ticket(catalog, ticket, now)
