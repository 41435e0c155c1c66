"""What must hold in the table whatever happened before: checked after fault injection and
after every step of the state machine (tests/api/test_faults.py, tests/api/test_state_machine.py).

It reads the whole local table with a Scan: a test may, the app never does.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from chalicelib.services.catalog import catalog_of
from chalicelib.store.models import (Booking, BookingGuard, CodeClaim, Item, OutboxMail,
                                     SlotCounter, Ticket, WaitlistEntry)

# a booking holds its seat from booking on, unless it was cancelled (a no-show's seat was
# not given to anyone else either: its slot had passed)
HOLDS_SEAT = {"booked", "checked_in", "served", "no_show"}
ACTIVE = {"booked", "checked_in"}


# only the attributes the checks read: an outbox mail carries its whole rendered message,
# and projecting it away makes the Scan one page instead of several
_READ = ("pk", "sk", "type", "status", "mall_id", "service_id", "date", "start", "booked",
         "nik_hash", "booking_id", "ticket_id", "holder_name", "offer_start", "agency_id",
         "number", "kind", "channel", "ref", "waitlist_id")


def table() -> dict[type, list]:
    by_type: dict[type, list] = defaultdict(list)
    for item in Item.scan(consistent_read=True, attributes_to_get=list(_READ)):
        by_type[type(item)].append(item)
    return by_type


def check(by_type: dict[type, list] | None = None, *, capacity_fixed: bool = True) -> dict:
    """Assert every invariant; returns counts of what was seen (for the test's figures)."""
    by_type = by_type if by_type is not None else table()
    bookings: list[Booking] = by_type[Booking]
    _seats(by_type, bookings, capacity_fixed)
    _one_active_per_citizen(by_type, bookings)
    _claims_follow_bookings(by_type, bookings)
    _tickets_unique(by_type[Ticket], bookings)
    _one_confirmation_each(by_type[OutboxMail], bookings)
    return {"bookings": len(bookings), "tickets": len(by_type[Ticket]),
            "mail": len(by_type[OutboxMail]),
            "active": sum(1 for b in bookings if b.status in ACTIVE)}


def _seats(by_type, bookings, capacity_fixed: bool) -> None:
    """A slot's counter is its seat-holding bookings plus the waitlist offers holding a seat
    there, and (unless an admin lowered capacity since) never more than its seats."""
    holders: Counter = Counter()
    for b in bookings:
        if b.status in HOLDS_SEAT:
            holders[(b.mall_id, b.service_id, b.date, b.start)] += 1
    for w in by_type[WaitlistEntry]:
        if w.status == "offered":
            holders[(w.mall_id, w.service_id, w.date, w.offer_start)] += 1
    counted: Counter = Counter()
    for c in by_type[SlotCounter]:
        _, mall_id, service_id, day = c.pk.split("#")
        counted[(mall_id, service_id, day, c.sk)] = int(c.booked)
    drift = {k: (counted[k], holders[k]) for k in set(counted) | set(holders)
             if counted[k] != holders[k]}
    assert not drift, f"slot counters differ from their holders (counter, holders): {drift}"
    if capacity_fixed:
        catalogs = {mall_id: catalog_of(mall_id) for mall_id, *_ in counted}
        for (mall_id, service_id, _, _), taken in counted.items():
            catalog = catalogs[mall_id]
            seats = catalog.mall.seats(catalog.services[service_id])
            assert taken <= seats, f"overbooked: {taken} of {seats} in {mall_id}/{service_id}"


def _one_active_per_citizen(by_type, bookings) -> None:
    """At most one active booking per NIK, service and date, and the guard item that
    enforces it names that booking."""
    active = Counter((b.nik_hash, b.mall_id, b.service_id, b.date)
                     for b in bookings if b.status in ACTIVE)
    twice = [k for k, n in active.items() if n > 1]
    assert not twice, f"more than one active booking per NIK, service and date: {twice}"
    guards = {(g.pk, g.sk): g.booking_id for g in by_type[BookingGuard]}
    for b in bookings:
        if b.status == "booked":
            key = (f"NIK#{b.nik_hash}", f"GUARD#{b.mall_id}#{b.service_id}#{b.date}")
            assert guards.get(key) == b.booking_id, f"booking {b.booking_id} has no guard"


def _claims_follow_bookings(by_type, bookings) -> None:
    """The code claim the kiosk reads says what the booking says."""
    claims = {c.booking_id: c for c in by_type[CodeClaim]}
    for b in bookings:
        claim = claims.get(b.booking_id)
        assert claim is not None, f"booking {b.booking_id} has no code claim"
        assert (claim.date, claim.start, claim.ticket_id) == (b.date, b.start, b.ticket_id), \
            f"claim differs from booking {b.booking_id}"
        # the floor no longer reads the claim once the citizen is in the queue
        if b.status in ("booked", "cancelled", "checked_in"):
            assert claim.status == b.status, f"claim status differs for {b.booking_id}"


def _tickets_unique(tickets, bookings) -> None:
    """A queue number is given once per agency and day, and a booking gets at most one."""
    numbers = Counter((t.mall_id, t.date, t.agency_id, int(t.number)) for t in tickets)
    twice = [k for k, n in numbers.items() if n > 1]
    assert not twice, f"ticket numbers issued twice: {twice}"
    per_booking = Counter(t.booking_id for t in tickets
                          if t.booking_id and t.status != "transferred")
    assert not [k for k, n in per_booking.items() if n > 1], "a booking got two tickets"
    by_id = {t.ticket_id: t for t in tickets}
    for b in bookings:
        if b.ticket_id:
            assert by_id[b.ticket_id].booking_id == b.booking_id


def _one_confirmation_each(mail, bookings) -> None:
    """Every booking made for an account has exactly one confirmation email in the outbox."""
    confirmations = Counter(m.ref for m in mail
                            if m.kind == "booking_confirmed" and m.channel == "email")
    for b in bookings:
        if b.holder_name:  # booked by staff for a citizen without an account: no email
            continue
        assert confirmations[b.booking_id] == 1, \
            f"booking {b.booking_id} has {confirmations[b.booking_id]} confirmations"
