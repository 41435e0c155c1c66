"""Counter staff (role staff, bound to one mall): call, recall, start, finish, no-show,
transfer; and bookings made at the mall for citizens without email or phone."""
from __future__ import annotations

from chalice import Blueprint
from pydantic import Field

from chalicelib import errors as E
from chalicelib.api import fields as F
from chalicelib.api import schemas as S
from chalicelib.api.docs import Answer, Op
from chalicelib.api.http import Body, created, language, now, parse, principal, route
from chalicelib.services import booking, queue

bp = Blueprint(__name__)


class Transfer(Body):
    service_id: F.Slug


class Break(Body):
    on: bool = Field(description="true: start a break; false: end it.")


class NewSlot(Body):
    date: F.Date
    start: F.Time


class NewAssistedBooking(Body):
    service_id: F.Slug
    date: F.Date
    start: F.Time
    name: F.PersonName = Field(description="As on the citizen's KTP.")
    nik: F.Nik
    phone: F.Phone | None = None


def _staff():
    return principal(bp.current_request)


@route(bp, "/v1/staff/counters", doc=Op(
    "counters", "The counters of the staff's mall", "staff",
    (Answer(200, "The counters", [S.Counter]),), (E.Forbidden,), auth="bearer"))
def counters():
    return queue.counters(_staff(), now())


@route(bp, "/v1/staff/counters/{counter_id}", doc=Op(
    "counter", "A counter now: its current ticket and who waits for it", "staff",
    (Answer(200, "The counter", S.CounterState),), (E.Forbidden, E.NotFound), auth="bearer"))
def counter(counter_id):
    return queue.counter_state(_staff(), counter_id, now(), language(bp.current_request))


@route(bp, "/v1/staff/counters/{counter_id}/open", methods=["POST"], doc=Op(
    "open_counter", "Start working at this counter: the picker shows it taken by you", "staff",
    (Answer(200, "The counter", S.CounterState),), (E.Forbidden, E.NotFound), auth="bearer"))
def open_counter(counter_id):
    return queue.open_counter(_staff(), counter_id, now())


@route(bp, "/v1/staff/counters/{counter_id}/leave", methods=["POST"], doc=Op(
    "leave_counter", "Stop working at this counter: it is free again", "staff",
    (Answer(200, "The counter", S.CounterState),), (E.Forbidden, E.NotFound), auth="bearer",
    description="A counter another staff member has taken over since stays theirs: the "
                "answer names who holds it."))
def leave_counter(counter_id):
    return queue.leave_counter(_staff(), counter_id, now())


@route(bp, "/v1/staff/counters/{counter_id}/break", methods=["POST"], doc=Op(
    "counter_break", "Start or end a break: the TV shows it, call-next waits for its end",
    "staff", (Answer(200, "The counter", S.CounterState),),
    (E.Forbidden, E.NotFound, E.CounterBusy), body=Break, auth="bearer",
    description="A break starts only while the counter holds no ticket (409 `counter_busy`)."))
def counter_break(counter_id):
    request = bp.current_request
    return queue.set_break(principal(request), counter_id, parse(request, Break).on, now())


@route(bp, "/v1/staff/counters/{counter_id}/call-next", methods=["POST"], doc=Op(
    "call_next", "Call the next ticket for this counter", "staff",
    (Answer(200, "The called ticket, or null when nobody waits", S.CallNext),),
    (E.Forbidden, E.NotFound, E.CounterBusy, E.Busy), auth="bearer",
    description="Priority tickets first; booked citizens whose slot has started, by slot "
                "time; then walk-ins by arrival; a walk-in at least every third call while "
                "walk-ins wait. Each ticket is called by exactly one counter. A counter that "
                "still holds a called or serving ticket answers 409 `counter_busy`."))
def call_next(counter_id):
    return {"ticket": queue.named(queue.call_next(_staff(), counter_id, now()),
                                  language(bp.current_request))}


def _ticket_route(action: str, summary: str, fn, errors=()):
    @route(bp, f"/v1/staff/tickets/{{ticket_id}}/{action}", methods=["POST"], doc=Op(
        action.replace("-", "_"), summary, "staff", (Answer(200, "The ticket", S.Ticket),),
        (E.Forbidden, E.NotFound, E.TicketNotChangeable, *errors), auth="bearer"))
    def view(ticket_id):
        return queue.named(fn(_staff(), ticket_id, now()), language(bp.current_request))

    view.__name__ = f"ticket_{action.replace('-', '_')}"
    return view


recall = _ticket_route("recall", "Announce a called ticket again", queue.recall)
start = _ticket_route("start", "The called citizen is at the counter: start serving",
                      queue.start)
finish = _ticket_route("finish", "Served: the counter is free again", queue.finish)
no_show = _ticket_route("no-show", "The called citizen did not come (after the recalls)",
                        queue.no_show)
requeue = _ticket_route("requeue", "Put a no-show back in line, once, within the grace time",
                        queue.requeue, (E.RequeueNotNoShow, E.RequeueUsed, E.RequeueTooLate,
                                        E.Busy))


@route(bp, "/v1/staff/no-shows", doc=Op(
    "recent_no_shows", "Today's no-shows that may still be put back in line", "staff",
    (Answer(200, "Latest first", [S.RecentNoShow]),), (E.Forbidden,), auth="bearer"))
def recent_no_shows():
    return queue.recent_no_shows(_staff(), now(), language(bp.current_request))


@route(bp, "/v1/staff/tickets/{ticket_id}/transfer", methods=["POST"], doc=Op(
    "transfer", "Send the citizen to another service's queue, keeping their place", "staff",
    (Answer(200, "The new ticket, waiting in that service's queue", S.Ticket),),
    (E.Forbidden, E.NotFound, E.TicketNotChangeable, E.ServiceRetired), body=Transfer, auth="bearer"))
def transfer(ticket_id):
    request = bp.current_request
    who = principal(request)
    return queue.named(queue.transfer(who, ticket_id, parse(request, Transfer).service_id, now()),
                       language(request))


def _assisted_view(b, catalog=None) -> dict:
    from chalicelib.mail.qr import qr_svg  # the QR code library loads when a QR is drawn
    from chalicelib.services.catalog import catalog_of

    catalog = catalog or catalog_of(b.mall_id)
    service = catalog.services.get(b.service_id)
    return {**booking.public_view(b), "holder_name": b.holder_name or "",
            "nik_last4": b.holder_nik_last4 or "", "mall_name": catalog.mall.name,
            "service_name": service.name if service else "", "qr_svg": qr_svg(b.code),
            "booked_by": b.booked_by or ""}


@route(bp, "/v1/staff/bookings", methods=["POST"], doc=Op(
    "assisted_booking", "Book for a citizen without email or phone, to print", "staff",
    (Answer(201, "Booked; print the code and QR for the citizen", S.AssistedBooking),),
    (E.Forbidden, E.NotFound, E.SlotFull, E.AlreadyBooked, E.BookingLimitReached,
     E.BookingPaused, E.AssistedLimitReached, E.SlotUnavailable, E.ServiceRetired, E.Busy),
    body=NewAssistedBooking, auth="bearer",
    description="The same rules as a citizen's own booking: capacity, one booking per NIK, "
                "service and day, the active-booking limit per NIK and the mall's no-show "
                "pause. At most `ANTRE_ASSISTED_PER_DAY` (25) a day per staff member (429 "
                "`assisted_limit_reached`); each is audited (who, the NIK's last 4, the "
                "booking). The citizen who holds this NIK sees and can cancel it in their "
                "own account, now or after registering."))
def assisted_booking():
    request = bp.current_request
    who = principal(request)
    body = parse(request, NewAssistedBooking)
    made = booking.book_for_citizen(who, **body.model_dump(), now=now())
    return created(_assisted_view(made))


@route(bp, "/v1/staff/bookings", doc=Op(
    "assisted_bookings", "Bookings made for citizens: the staff member's own, or (for the "
    "mall's admin) every staff member's, newest first",
    "staff", (Answer(200, "The bookings, with their QR to print again",
                     [S.AssistedBooking]),), (E.Forbidden,), auth="bearer"))
def assisted_bookings():
    return [_assisted_view(b) for b in booking.assisted_bookings(_staff())]


@route(bp, "/v1/staff/bookings/{booking_id}/cancel", methods=["POST"], doc=Op(
    "assisted_cancel", "Cancel a booking made at this mall for a citizen; audited", "staff",
    (Answer(200, "The booking, now `cancelled`", S.Booking),),
    (E.Forbidden, E.NotFound, E.BookingNotChangeable, E.Busy), auth="bearer",
    description="Staff of the mall and its admin; its seat is free again at once. The "
                "citizen is emailed if the NIK has an account."))
def assisted_cancel(booking_id):
    return booking.staff_cancel(_staff(), booking_id, now())


@route(bp, "/v1/staff/bookings/{booking_id}/reschedule", methods=["POST"], doc=Op(
    "assisted_reschedule", "Move a booking made at this mall for a citizen; audited", "staff",
    (Answer(200, "The booking with its new slot, same code", S.Booking),),
    (E.Forbidden, E.NotFound, E.BookingNotChangeable, E.SlotFull, E.AlreadyBooked,
     E.SlotUnavailable, E.Busy), body=NewSlot, auth="bearer"))
def assisted_reschedule(booking_id):
    request = bp.current_request
    body = parse(request, NewSlot)
    return booking.staff_reschedule(principal(request), booking_id, **body.model_dump(),
                                    now=now())


# --- a NIK won back by its owner (accounts) ---------------------------------------------------


class NikClaim(Body):
    email: F.AnyEmail = Field(description="The claimant's verified account (registered "
                                          "without the NIK).")
    nik: F.Nik = Field(description="As read from the KTP the claimant shows in person.")


@route(bp, "/v1/staff/nik-claims", methods=["POST"], doc=Op(
    "claim_nik", "Move a NIK to its owner's account after seeing the KTP in person", "staff",
    (Answer(200, "Moved", S.NikClaimed),),
    (E.Forbidden, E.ValidationFailed, E.TooManyAttempts, E.Busy), body=NikClaim, auth="bearer",
    description="Staff with the `claim` right (and mall admins). The account that held the "
                "NIK loses it and its sessions; its bookings of that NIK still ahead are "
                "cancelled with an email; the move is audited."))
def claim_nik():
    from chalicelib.services import accounts

    request = bp.current_request
    body = parse(request, NikClaim)
    return accounts.claim_nik(principal(request), email=body.email, nik=body.nik, now=now())
