"""A citizen's bookings: book, list, show, QR, cancel, reschedule."""
from __future__ import annotations

from chalice import Blueprint, Response
from pydantic import Field

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
        raise ValidationFailed("Idempotency-Key: 1 to 128 printable characters")
    return key


@route(bp, "/v1/bookings", methods=["POST"])
def book():
    request = bp.current_request
    who = principal(request)
    body = parse(request, NewBooking)
    result, fresh = booking.book(who, **body.model_dump(), now=now(),
                                 idempotency_key=_idempotency_key(request))
    return created(result) if fresh else result


@route(bp, "/v1/bookings")
def my_bookings():
    return booking.list_bookings(principal(bp.current_request))


@route(bp, "/v1/bookings/{booking_id}")
def one_booking(booking_id):
    return booking.public_view(booking.get_booking(principal(bp.current_request), booking_id))


@route(bp, "/v1/bookings/{booking_id}/qr.svg")
def booking_qr(booking_id):
    found = booking.get_booking(principal(bp.current_request), booking_id)
    return Response(qr_svg(found.code), headers={"Content-Type": "image/svg+xml",
                                                 "Cache-Control": "private, max-age=3600"})


@route(bp, "/v1/bookings/{booking_id}/cancel", methods=["POST"])
def cancel(booking_id):
    return booking.cancel(principal(bp.current_request), booking_id, now())


@route(bp, "/v1/bookings/{booking_id}/reschedule", methods=["POST"])
def reschedule(booking_id):
    request = bp.current_request
    who = principal(request)
    body = parse(request, NewSlot)
    return booking.reschedule(who, booking_id, **body.model_dump(), now=now())
