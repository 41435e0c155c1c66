"""A citizen's bookings: book, list, show, QR, cancel, reschedule."""
from __future__ import annotations

from chalice import Blueprint, Response
from pydantic import Field

from chalicelib import errors as E
from chalicelib.api import schemas as S
from chalicelib.api.docs import IDEMPOTENCY_KEY, Answer, Op
from chalicelib.api.http import Body, created, now, parse, principal, route
from chalicelib.errors import ValidationFailed
from chalicelib.mail.qr import qr_svg
from chalicelib.services import booking

bp = Blueprint(__name__)

ID = Field(min_length=1, max_length=64)


class NewBooking(Body):
    mall_id: str = ID
    service_id: str = ID
    date: str = Field(max_length=10)
    start: str = Field(max_length=5)


class NewSlot(Body):
    date: str = Field(max_length=10)
    start: str = Field(max_length=5)


def _idempotency_key(request) -> str | None:
    key = request.headers.get("idempotency-key")
    if key is not None and not (1 <= len(key) <= 128 and key.isprintable()):
        raise ValidationFailed.field("Idempotency-Key", "validation.idempotency_key")
    return key


@route(bp, "/v1/bookings", methods=["POST"], doc=Op(
    "book", "Book a slot", "bookings",
    (Answer(201, "Booked; the confirmation is emailed", S.Booking),
     Answer(200, "The booking made earlier with the same Idempotency-Key", S.Booking)),
    (E.Forbidden, E.BookingPaused, E.NotFound, E.SlotFull, E.AlreadyBooked,
     E.BookingLimitReached, E.SlotUnavailable, E.IdempotencyKeyReused, E.Busy),
    body=NewBooking, auth="bearer", parameters=(IDEMPOTENCY_KEY,)))
def book():
    request = bp.current_request
    who = principal(request)
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
    found = booking.get_booking(principal(bp.current_request), booking_id)
    return Response(qr_svg(found.code), headers={"Content-Type": "image/svg+xml",
                                                 "Cache-Control": "private, max-age=3600"})


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
     E.Busy), body=NewSlot, auth="bearer"))
def reschedule(booking_id):
    request = bp.current_request
    who = principal(request)
    body = parse(request, NewSlot)
    return booking.reschedule(who, booking_id, **body.model_dump(), now=now())
