"""A citizen's bookings: book, list, show, QR, cancel, reschedule."""
from __future__ import annotations

from chalice import Blueprint, Response
from chalicelib import errors as E
from chalicelib.api import fields as F
from chalicelib.api import schemas as S
from chalicelib.api.docs import IDEMPOTENCY_KEY, IDEMPOTENCY_KEY_RE, Answer, Op
from typing import Annotated

from pydantic import StringConstraints

from chalicelib.api.http import Body, client_address, created, now, parse, principal, route
from chalicelib.errors import ValidationFailed
from chalicelib.services import booking, privacy, waitlist

bp = Blueprint(__name__)

class NewBooking(Body):
    mall_id: F.Slug
    service_id: F.Slug
    date: F.Date
    start: F.Time


class NewSlot(Body):
    date: F.Date
    start: F.Time


def _idempotency_key(request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is not None and not IDEMPOTENCY_KEY_RE.fullmatch(key):
        raise ValidationFailed.field("Idempotency-Key", "validation.idempotency_key")
    return key


@route(bp, "/v1/bookings", methods=["POST"], doc=Op(
    "book", "Book a slot", "bookings",
    (Answer(201, "Booked; the confirmation is emailed", S.Booking),
     Answer(200, "The booking made earlier with the same Idempotency-Key", S.Booking)),
    (E.Forbidden, E.BookingPaused, E.NotFound, E.SlotFull, E.AlreadyBooked,
     E.BookingLimitReached, E.SlotUnavailable, E.ServiceRetired, E.IdempotencyKeyReused, E.Busy),
    body=NewBooking, auth="bearer", parameters=(IDEMPOTENCY_KEY,)))
def book():
    request = bp.current_request
    key = request.headers.get("idempotency-key") or ""
    valid_key = key if IDEMPOTENCY_KEY_RE.fullmatch(key) else None
    who = principal(request, also=lambda p: booking.first_reads(p, valid_key))
    body = parse(request, NewBooking)
    result, fresh = booking.book(who, **body.model_dump(), now=now(),
                                 idempotency_key=_idempotency_key(request))
    return created(result) if fresh else result


@route(bp, "/v1/bookings", doc=Op(
    "my_bookings", "The caller's bookings, newest first", "bookings",
    (Answer(200, "The bookings", [S.Booking]),), auth="bearer"))
def my_bookings():
    return booking.list_bookings(principal(bp.current_request))


@route(bp, "/v1/bookings/{booking_id}", doc=Op(
    "one_booking", "One booking", "bookings", (Answer(200, "The booking", S.Booking),),
    (E.NotFound,), auth="bearer"))
def one_booking(booking_id):
    return booking.public_view(booking.get_booking(principal(bp.current_request), booking_id))


@route(bp, "/v1/bookings/{booking_id}/qr.svg", doc=Op(
    "booking_qr", "The booking code as a QR image", "bookings",
    (Answer(200, "The QR code", {"type": "string"}, media="image/svg+xml"),),
    (E.NotFound,), auth="bearer"))
def booking_qr(booking_id):
    from chalicelib.mail.qr import qr_svg  # the QR code library loads when a QR is drawn

    found = booking.get_booking(principal(bp.current_request), booking_id)
    return Response(qr_svg(found.code), headers={"Content-Type": "image/svg+xml",
                                                 "Cache-Control": "private, max-age=3600"})


@route(bp, "/v1/bookings/{booking_id}/calendar.ics", doc=Op(
    "booking_calendar", "The booking as a calendar file (.ics)", "bookings",
    (Answer(200, "The event, in the mall's time zone", {"type": "string"},
            media="text/calendar"),), (E.NotFound,), auth="bearer"))
def booking_calendar(booking_id):
    found = booking.calendar_file(principal(bp.current_request), booking_id, now()).decode()
    return Response(found, headers={
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": f'attachment; filename="antre-{booking_id}.ics"',
        "Cache-Control": "private, no-store"})


@route(bp, "/v1/bookings/{booking_id}/cancel", methods=["POST"], doc=Op(
    "cancel", "Cancel a booking; its seat is free again at once", "bookings",
    (Answer(200, "The booking, now `cancelled`", S.Booking),),
    (E.NotFound, E.BookingNotChangeable, E.Busy), auth="bearer"))
def cancel(booking_id):
    return booking.cancel(principal(bp.current_request), booking_id, now())


@route(bp, "/v1/bookings/{booking_id}/reschedule", methods=["POST"], doc=Op(
    "reschedule", "Move a booking to another slot, keeping its code", "bookings",
    (Answer(200, "The booking with its new slot", S.Booking),),
    (E.NotFound, E.BookingNotChangeable, E.SlotFull, E.AlreadyBooked, E.SlotUnavailable,
     E.ServiceRetired, E.Busy), body=NewSlot, auth="bearer"))
def reschedule(booking_id):
    request = bp.current_request
    who = principal(request)
    body = parse(request, NewSlot)
    return booking.reschedule(who, booking_id, **body.model_dump(), now=now())


# --- the waitlist of a full day ----------------------------------------------------------------


class NewWaitlist(Body):
    mall_id: F.Slug
    service_id: F.Slug
    date: F.Date


@route(bp, "/v1/waitlist", methods=["POST"], doc=Op(
    "join_waitlist", "Wait for a seat of a full day", "bookings",
    (Answer(201, "Waiting; `position` 1 is offered the next free seat", S.WaitlistEntry),),
    (E.Forbidden, E.NotFound, E.SeatsAvailable, E.AlreadyWaiting, E.AlreadyBooked,
     E.BookingLimitReached, E.BookingPaused, E.WaitlistLimitReached, E.SlotUnavailable,
     E.ServiceRetired, E.Busy), body=NewWaitlist, auth="bearer",
    description="Joining checks what booking checks: the active-booking limit, the mall's "
                "no-show pause, a booking of that service and day; and a citizen waits on "
                "at most `ANTRE_WAITLIST_MAX_ENTRIES` (3) waitlists at once. "
                "When a seat of that service and date frees up, the first waiting entry "
                "becomes `offered`: the seat is held for it (nobody else can book it) until "
                "`offer.expires_at` (the mall's hold time, 15 minutes by default), and the "
                "citizen is emailed; entries whose citizen could not accept it now (at the "
                "limit, paused, booked meanwhile) are passed and keep waiting. A lapsed "
                "offer goes to the next one."))
def join_waitlist():
    request = bp.current_request
    who = principal(request)
    body = parse(request, NewWaitlist)
    return created(waitlist.join(who, body.mall_id, body.service_id, body.date, now()))


@route(bp, "/v1/waitlist", doc=Op(
    "my_waitlist", "The caller's waitlist entries, newest first", "bookings",
    (Answer(200, "The entries", [S.WaitlistEntry]),), auth="bearer"))
def my_waitlist():
    return waitlist.mine(principal(bp.current_request), now())


@route(bp, "/v1/waitlist/{waitlist_id}/accept", methods=["POST"], doc=Op(
    "accept_offer", "Book the seat held for this entry", "bookings",
    (Answer(201, "The booking", S.Booking),),
    (E.NotFound, E.OfferExpired, E.AlreadyBooked, E.BookingLimitReached, E.BookingPaused,
     E.Busy), auth="bearer"))
def accept_offer(waitlist_id):
    return created(waitlist.accept(principal(bp.current_request), waitlist_id, now()))


@route(bp, "/v1/waitlist/{waitlist_id}/leave", methods=["POST"], doc=Op(
    "leave_waitlist", "Stop waiting (an offer held goes to the next one)", "bookings",
    (Answer(200, "The entry, `left`", S.WaitlistEntry),), (E.NotFound,), auth="bearer"))
def leave_waitlist(waitlist_id):
    return waitlist.leave(principal(bp.current_request), waitlist_id, now())


# --- the citizen's data (UU PDP 27/2022) ---------------------------------------------------------


class Erasure(Body):
    password: Annotated[str, StringConstraints(strip_whitespace=False, min_length=1,
                                               max_length=128)]


@route(bp, "/v1/me/data", doc=Op(
    "my_data", "Everything held about the caller, as JSON (UU PDP: the right of access)",
    "accounts", (Answer(200, "The copy", S.PersonalData),), auth="bearer"))
def my_data():
    return Response(privacy.export(principal(bp.current_request), now()), headers={
        "Content-Disposition": 'attachment; filename="antre-data-saya.json"',
        "Cache-Control": "no-store"})


@route(bp, "/v1/me/delete", methods=["POST"], doc=Op(
    "delete_me", "Erase the caller's account (UU PDP: the right to erasure), with the password "
    "typed again", "accounts", (Answer(200, "Erased", S.Erased),),
    (E.WrongPassword, E.Forbidden, E.NotFound, E.TooManyAttempts), body=Erasure, auth="bearer"))
def delete_me():
    request = bp.current_request
    who = principal(request)
    privacy.erasable(who)  # before the body: a staff account hears why whatever it sends
    body = parse(request, Erasure)
    return privacy.delete_account(who, body.password, now(), address=client_address(request))
