"""The shapes of the API's answers, for the OpenAPI document and for the tests that check
real answers against it. Request bodies are declared beside their routes."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
BOOKING_STATUSES = Literal["booked", "cancelled", "checked_in", "served", "no_show", "rebooked"]
TICKET_STATUSES = Literal["waiting", "called", "serving", "done", "no_show", "transferred"]

class AccountCreated(BaseModel):
    account_id: str


class NikClaimed(BaseModel):
    account_id: str = Field(description="The account that holds the NIK now.")
    nik_last4: str
    previous_account_id: str
    bookings_cancelled: int = Field(description="The previous holder's bookings of this NIK "
                                                "still ahead, cancelled (each emailed).")


class Verified(BaseModel):
    verified: Literal[True]


class CodeSent(BaseModel):
    """Answered whether or not the account exists, so the address is not revealed."""

    sent: Literal[True]


class PersonalData(BaseModel):
    """A citizen's copy of their data: the account, bookings, waiting entries, no-shows."""
    format: Literal["antre-personal-data"]
    version: int
    exported_at: dt.datetime
    account: dict
    bookings: list[dict]
    waitlist: list[dict]
    no_shows: list[str]
    retention: dict


class Erased(BaseModel):
    deleted: Literal[True]
    cancelled_bookings: int
    left_waitlists: int


class ResetDone(BaseModel):
    reset: Literal[True]


class LoggedOut(BaseModel):
    logged_out: Literal[True]


class Token(BaseModel):
    token: str = Field(description="Send as `Authorization: Bearer <token>`.")
    expires_at: dt.datetime


class BookingPause(BaseModel):
    mall_id: str
    name: str
    until: dt.date


class Me(BaseModel):
    account_id: str
    email: str
    name: str
    phone: str
    nik_last4: str | None
    role: Literal["citizen", "staff", "admin"]
    mall_id: str | None = Field(description="The mall a staff account belongs to.")
    sms_opt_in: bool = Field(description="Codes, reminders and offers also by SMS.")
    phone_verified: bool = Field(False, description="The phone's owner typed back the code "
                                 "texted to it; only then does anything else go by SMS.")
    booking_paused_until: dt.date | None = Field(
        description="The last day online booking is paused somewhere by a no-show policy "
                    "(the latest of `booking_pauses`).")
    booking_pauses: list[BookingPause] = Field(
        default_factory=list, description="Each mall whose no-show policy pauses online "
                                          "booking now, until when (the mall's date).")
    email_undeliverable: bool = Field(
        False, description="SES reported a permanent bounce or a complaint for the account's "
        "email address: no mail is sent to it until it is fixed.")


class Mall(BaseModel):
    mall_id: str
    name: str
    city: str
    timezone: str = Field(description="IANA zone; the mall's dates and times are in it.",
                          examples=["Asia/Jakarta"])


class DayHours(BaseModel):
    open: str = Field(pattern=HHMM)
    close: str = Field(pattern=HHMM)
    breaks: list[tuple[str, str]] = Field(description="[start, end] pairs, HH:MM.")


class ClosedDay(BaseModel):
    date: dt.date
    reason: str = Field(description="In the request's language.")


class MallDetail(Mall):
    today: dt.date = Field(description="The mall's date now (its own time zone).")
    map_url: str = Field(description="The address on OpenStreetMap.")
    closed_days: list[ClosedDay] = Field(
        description="Days of the booking window it would open but is closed (holidays, "
                    "closures); weekly closed days are in `weekly_hours`.")
    special_hours: dict[str, DayHours] = Field(description="Dates with their own hours.")
    address: str
    min_lead_minutes: int = Field(description="A slot must start at least this long from now.")
    max_days_ahead: int = Field(description="The last bookable date is today plus this many.")
    waitlist_hold_minutes: int = Field(description="How long a seat offered from the waitlist "
                                                   "is held for the citizen.")
    weekly_hours: dict[str, DayHours] = Field(
        description="Keyed by weekday, \"0\" = Monday ... \"6\" = Sunday; a missing day is closed.")


class Service(BaseModel):
    service_id: str
    name: str
    agency_id: str
    agency_name: str
    requirements: list[str]
    online: bool = Field(description="Whether it can be booked online.")
    slot_minutes: int
    capacity: int = Field(description="Seats per slot.")
    walkin_quota: int = Field(description="Walk-in tickets a day at the kiosk, apart from "
                                          "the online seats; 0: no walk-ins.")


class Slot(BaseModel):
    start: str = Field(pattern=HHMM)
    end: str = Field(pattern=HHMM)
    capacity: int
    remaining: int


class DayStatus(BaseModel):
    date: dt.date
    status: Literal["open", "full", "closed", "past", "not_yet"]
    seats: int | None = None
    remaining: int | None = None
    reason: str | None = Field(None, description="Why it is closed, in the request's language.")
    opens_on: dt.date | None = Field(None, description="not_yet: the day it becomes bookable.")


class NextOpening(BaseModel):
    date: dt.date
    opens_on: dt.date


class DaySummary(BaseModel):
    service_id: str
    today: dt.date
    window_end: dt.date = Field(description="The last bookable date today.")
    days: list[DayStatus]
    next_opening: NextOpening | None = Field(
        None, description="The first open day after the window and when it becomes bookable.")


class Booking(BaseModel):
    booking_id: str
    code: str = Field(description="Shown at the kiosk (also as the QR); survives a reschedule.")
    status: BOOKING_STATUSES
    mall_id: str
    service_id: str
    date: dt.date
    start: str = Field(pattern=HHMM)
    end: str = Field(pattern=HHMM)
    created_at: dt.datetime
    ticket_url: str | None = Field(
        None, description="Once checked in: the page of the booking's live queue number.")
    assisted: bool = Field(False, description="Made by staff at the mall for the citizen "
                                              "(who holds its NIK).")


class Offer(BaseModel):
    start: str = Field(pattern=HHMM)
    expires_at: dt.datetime
    seconds_left: int | None = Field(None, description="By the server's clock, when the "
                                     "answer was made: count down from this, not from the "
                                     "device's clock.")


class WaitlistEntry(BaseModel):
    waitlist_id: str
    mall_id: str
    service_id: str
    date: dt.date
    status: Literal["waiting", "offered", "accepted", "left", "expired"]
    position: int | None = Field(description="1: the next seat is offered to this entry.")
    booking_id: str | None = Field(description="The booking an accepted offer became.")
    offer: Offer | None = None


class FailedMail(BaseModel):
    mail_id: str
    kind: Literal["verify", "booking_confirmed", "booking_cancelled", "booking_rescheduled",
                  "booking_moved_closure", "booking_cancelled_closure", "booking_reminder",
                  "password_reset", "waitlist_offer", "phone_verify", "register_attempt",
                  "codes_locked", "nik_claimed", "account_deleted"]
    to: str
    status: Literal["pending", "sent", "failed"]
    attempts: int
    last_error: str | None
    booking_id: str | None
    created_at: str


class AssistedBooking(Booking):
    """A booking staff made for a citizen at the mall; printed for them with its QR."""

    holder_name: str
    nik_last4: str
    mall_name: str
    service_name: str
    qr_svg: str = Field(description="The booking code as an SVG QR, to print.")
    booked_by: str = Field(description="The staff account that made it.")


# --- the mall floor ---------------------------------------------------------------------------


class Ticket(BaseModel):
    """A queue number. Check-in, walk-ins and the staff routes all answer this shape."""

    ticket_id: str = Field(description="Unguessable; opens the ticket's page without login.")
    ticket_number: str = Field(examples=["B-017"],
                               description="The agency's letter and the day's number.")
    service_id: str
    service_name: str
    agency_name: str
    status: TICKET_STATUSES
    people_ahead: int = Field(
        description="Tickets called before this one by the counters that serve its service "
                    "(of every service those counters call).")
    estimated_wait_minutes: int | None = Field(
        description="The calling order replayed over the counters staffed now, with today's "
                    "service times: the earliest likely call, in minutes. Null once called, "
                    "or while no staffed counter serves the service (see no_counter_open).")
    estimated_wait_max_minutes: int | None = Field(
        description="The latest likely call, in minutes: the range a ticket shows.")
    estimated_call_at: str | None = Field(
        description="The replay's moment of the call (ISO 8601, the mall's zone).")
    no_counter_open: bool = Field(
        description="True while the ticket waits and no staffed counter serves its service.")
    slot_start: str | None = Field(
        description="A booked ticket's slot start (ISO 8601, the mall's zone): booked "
                    "citizens who come early are called from then on.")
    waits_for_slot: bool = Field(
        description="True while a booked ticket waits for its slot to start (it came early).")
    counter_id: str | None
    counter_name: str | None
    recalls: int = Field(description="How often a called ticket was announced again.")
    booking_id: str | None
    kind: Literal["booking", "walkin"]
    priority: bool = Field(description="Elderly, disabled or pregnant: called first.")
    mall_id: str
    mall_name: str
    date: dt.date
    issued_at: dt.datetime
    called_at: dt.datetime | None
    transferred_to: str | None = Field(description="The ticket that replaced this one.")
    follow_url: str = Field(description="The ticket's page; its QR is printed on the ticket.")
    nudge: bool = Field(False, description="True once the citizen was told their turn is "
                        "near (the mall's `nudge_minutes` or `nudge_position`), while it waits.")
    requeued: bool = Field(False, description="Put back in line after a no-show (once).")
    requeue_until: dt.datetime | None = Field(
        None, description="A no-show may be put back in line until then (the mall's "
                          "`requeue_grace_minutes`); null otherwise.")


class RecentNoShow(BaseModel):
    ticket_id: str
    ticket_number: str
    service_id: str
    service_name: str
    no_show_at: dt.datetime
    requeue_until: dt.datetime


class CallNext(BaseModel):
    ticket: Ticket | None = Field(description="null when nobody waits for this counter.")


class Counter(BaseModel):
    """A counter; the staff's list adds today's state (who opened it, its break), which the
    admin's catalog answers leave out."""
    counter_id: str
    name: str
    service_ids: list[str]
    staff_name: str | None = Field(None, description="Who opened the counter today (the "
                                   "picker shows it as taken), or null when free.")
    mine: bool | None = Field(None, description="The caller is the one who opened it.")
    opened_at: dt.datetime | None = None
    on_break: bool | None = Field(None, description="On a break: call-next is refused, the "
                                  "TV says so.")
    break_since: dt.datetime | None = None


class QueuedTicket(BaseModel):
    ticket_number: str
    service_id: str
    service_name: str
    kind: Literal["booking", "walkin"]
    priority: bool
    slot_start: str | None = Field(description="HH:MM of a booking's slot, in the mall's zone.")
    arrived_at: dt.datetime
    waited_minutes: int = Field(description="Since the ticket was taken (or checked in).")


class CounterState(Counter):
    date: dt.date
    current: Ticket | None = Field(description="The ticket the counter has called or serves.")
    waiting: int
    waiting_by_service: dict[str, int]
    next: list[str] = Field(description="The next ticket numbers, in calling order.")
    queue: list[QueuedTicket] = Field(description="The next tickets (up to 10), in calling "
                                                  "order, with their waiting time and kind.")
    recalls_before_no_show: int = Field(description="Recalls a called ticket needs before "
                                        "staff may mark it a no-show.")


class NowServing(BaseModel):
    counter_id: str
    counter: str
    ticket_number: str
    status: Literal["called", "serving"]
    service_id: str
    service_name: str
    called_at: dt.datetime


class Call(BaseModel):
    id: str = Field(description="Unique per announcement: a recall is a new one.")
    counter_id: str
    counter: str
    ticket_number: str
    called_at: dt.datetime
    kind: Literal["call", "recall"]


class EarlierCall(BaseModel):
    counter_id: str
    counter: str
    ticket_number: str
    called_at: dt.datetime


class OnBreak(BaseModel):
    counter_id: str
    counter: str
    since: dt.datetime | None


class Display(BaseModel):
    mall_id: str
    mall_name: str
    timezone: str
    date: dt.date
    now_serving: list[NowServing]
    on_break: list[OnBreak] = Field(description="Counters on a break, holding no ticket.")
    recent: list[Call] = Field(description="The last calls, newest first (what to announce).")
    earlier: list[EarlierCall] = Field(
        description="The last distinct numbers called that are no longer at a counter, "
                    "newest first (up to 10).")
    waiting: int
    next: list[str] = Field(description="The next numbers, in calling order (up to 6).")


class WalkinService(BaseModel):
    service_id: str
    name: str
    agency_name: str
    quota: int = Field(description="Walk-in tickets a day, apart from the online seats.")
    remaining: int
    waiting: int


class WalkinServices(BaseModel):
    mall_id: str
    date: dt.date
    open_now: bool
    opens: str | None
    closes: str | None
    services: list[WalkinService]


class WalkinToken(BaseModel):
    token: str
    url: str = Field(description="What the QR holds: the phone page with the token.")
    qr_svg: str
    expires_at: dt.datetime
    refresh_seconds: int = Field(description="Fetch a new token this often.")


class KioskIdentity(BaseModel):
    kiosk_id: str
    label: str
    mall_id: str
    mall_name: str


class Kiosk(BaseModel):
    kiosk_id: str
    label: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    active: bool
    kind: Literal["kiosk", "display"] = Field(
        "kiosk", description="display: the hall's TV, which only mints the hall QR.")


class KioskCreated(Kiosk):
    key: str = Field(description="Shown this once; only its hash is stored.")


# --- running a mall -----------------------------------------------------------------------------


class AdminAgency(BaseModel):
    agency_id: str
    name: str
    letter: str


class AdminService(BaseModel):
    service_id: str
    agency_id: str
    name: str
    name_en: str
    requirements: list[str]
    requirements_en: list[str]
    slot_minutes: int
    capacity: int
    online: bool
    walkin_quota: int
    retired: bool = Field(False, description="Left the catalog (the YAML, or deleted while it "
                          "had bookings): no new bookings, walk-ins or waitlist places; its "
                          "bookings stay until served, moved or cancelled.")


class CatalogWarning(BaseModel):
    code: Literal["no_counter"] = Field(description="`no_counter`: no counter serves the "
                                        "service, so its tickets would never be called.")
    service_id: str


class ServiceBooking(BaseModel):
    booking_id: str
    code: str = Field(description="Moves and cancels go by the code.")
    status: BOOKING_STATUSES
    service_id: str
    date: dt.date
    start: str = Field(pattern=HHMM)
    end: str = Field(pattern=HHMM)
    assisted: bool
    holder_name: str = Field(description="A booking staff made: the citizen's name; else \"\".")


class AdminMall(BaseModel):
    mall_id: str
    name: str
    city: str
    timezone: str
    address: str
    weekly_hours: dict[str, DayHours]
    min_lead_minutes: int
    max_days_ahead: int
    closed_on_holidays: bool
    checkin_early_minutes: int
    checkin_late_minutes: int
    recalls_before_no_show: int
    no_show_after_minutes: int
    no_show_limit: int
    no_show_window_days: int
    no_show_pause_days: int
    waitlist_hold_minutes: int
    requeue_grace_minutes: int
    nudge_minutes: int
    nudge_position: int
    capacity_percent: int
    rebook_horizon_days: int
    version: int = Field(description="Every change to the catalog adds 1.")
    special_hours: dict[str, DayHours]
    closed_days: list[dt.date]
    closed_service_days: list[tuple[str, dt.date]]
    agencies: list[AdminAgency]
    services: list[AdminService]
    counters: list[Counter]
    warnings: list[CatalogWarning] = Field(default_factory=list)


class Conflict(BaseModel):
    service_id: str
    date: dt.date
    start: str
    booked: int
    seats: int


class AdminMallChange(AdminMall):
    conflicts: list[Conflict] = Field(
        description="Slots holding more bookings than their seats now; nobody is cancelled.")


class StaffAccount(BaseModel):
    account_id: str
    email: str
    name: str
    role: Literal["staff", "admin"]
    created_at: str
    disabled: bool


class NewStaffAccount(BaseModel):
    account_id: str
    email: str
    name: str
    role: Literal["staff", "admin"]
    rights: list[str] = Field(default_factory=list)
    temporary_password: str = Field(description="Answered once: hand it over in person.")


class AuditEntry(BaseModel):
    at: dt.datetime
    actor: str
    action: str
    target: str
    before: object | None
    after: object | None


class Closure(BaseModel):
    closure_id: str
    mall_id: str
    service_id: str | None
    from_: dt.date = Field(alias="from")
    to: dt.date
    reason: str
    status: Literal["running", "done", "failed"]
    affected: int | None = Field(description="null until the job has counted them.")
    moved: int
    cancelled: int
    failed: int
    failed_bookings: list[str]
    not_emailed: int = Field(0, description="Moved or cancelled bookings whose citizen has "
                             "no email (booked by staff): see /to-phone.")
    created_at: dt.datetime
    finished_at: dt.datetime | None
    state: Literal["running", "done", "failed", "reopened", "ended_early"] = Field(
        description="status, or whether its days were opened again (all, or from "
                    "`reopened_from` on).")
    reopened_from: dt.date | None = None
    reopened_at: dt.datetime | None = None
    holidays: list["ClosureHoliday"] = Field(
        default_factory=list, description="National holidays among its days, by their own "
                                          "names (they stay holidays).")


class ClosureHoliday(BaseModel):
    date: dt.date
    name: str = Field(description="In Bahasa Indonesia, e.g. Hari Raya Natal.")
    name_en: str


class ClosureDay(BaseModel):
    date: dt.date
    bookings: int


class ClosurePreview(BaseModel):
    """What a closure would do; nothing is written."""
    mall_id: str
    service_id: str | None
    from_: dt.date = Field(alias="from")
    to: dt.date
    reason: str
    days: int
    affected: int
    moved: int
    cancelled: int
    not_emailed: int = Field(description="Of those, citizens without email (booked by "
                                         "staff): to be phoned.")
    moved_to: list[ClosureDay] = Field(description="Where the moved bookings go, by day.")
    holidays: list[ClosureHoliday]


class ClosurePerson(BaseModel):
    """A citizen of a closure nobody could email: staff call them."""
    booking_id: str
    code: str
    name: str
    phone: str
    nik_last4: str
    service_id: str
    service_name: str
    status: str = Field(description="booked: moved to date/start; cancelled: no free slot.")
    date: dt.date
    start: str


class StatsHour(BaseModel):
    """One local hour of a service-day: arrivals (check-ins and walk-ins), calls, mean wait
    of the calls made in that hour."""
    hour: int
    arrivals: int
    calls: int
    wait_mean_minutes: float | None


class StatsCounter(BaseModel):
    """One counter's part of a service-day: tickets served and their mean service time."""
    counter_id: str
    counter_name: str
    served: int
    service_mean_minutes: float | None


class StatsRow(BaseModel):
    date: dt.date
    agency_id: str
    agency_name: str
    service_id: str
    service_name: str
    bookings: int = Field(description="Bookings on this day now, each counted once (a moved "
                                      "or rescheduled one on its new day only).")
    cancellations: int
    rescheduled: int
    moved_by_closure: int = Field(description="Bookings a closure moved away from this day "
                                              "(counted on their new day).")
    moved: int = Field(0, description="Of `bookings`, those a closure moved here.")
    checkins: int
    walkins: int
    served: int
    no_shows: int
    wait_mean_minutes: float | None
    wait_p90_minutes: float | None
    service_mean_minutes: float | None
    service_p90_minutes: float | None
    skm_respondents: int = Field(0, description="Satisfaction survey answers of the day.")
    ikm: float | None = Field(None, description="The day's satisfaction index (25-100).")
    ikm_grade: Literal["A", "B", "C", "D"] | None = None
    hours: list[StatsHour] = []
    counters: list[StatsCounter] = []


# --- the satisfaction survey (SKM) and its index (IKM) ---------------------------------------


class SurveyPoint(BaseModel):
    score: int = Field(ge=1, le=4)
    label: str = Field(description="The regulation's wording of this point.")


class SurveyQuestion(BaseModel):
    element_id: str = Field(description="One of the nine elements (unsur) of PermenPANRB "
                                        "14/2017, in their order.")
    question: str
    points: list[SurveyPoint]


class SurveyForm(BaseModel):
    ticket_id: str
    ticket_number: str
    state: Literal["open", "answered", "closed"] = Field(
        description="open: the ticket is done and may answer; answered: it did; closed: not "
                    "done yet, or done longer ago than the answering window.")
    open: bool
    answered: bool
    closes_at: str | None = Field(description="Until when a done ticket may answer (ISO 8601).")
    questions: list[SurveyQuestion]
    profile: dict[str, list[str]] = Field(description="The respondent profile's choices.")
    comment_max: int


class SurveyReceipt(BaseModel):
    answered: Literal[True]
    ticket_number: str = Field(description="To quote in a complaint.")
    complaint_url: str | None = Field(
        description="SP4N-LAPOR!, offered when a score is 1 or 2 and a comment was written.")


class SkmElementMean(BaseModel):
    element_id: str
    mean: float | None = Field(description="The element's mean score (1 to 4), 2 decimals.")


class SkmIndex(BaseModel):
    respondents: int
    ikm: float | None = Field(description="Sum of the element means x 1/9 (exactly), x 25: "
                                          "25 to 100, 2 decimals; null without respondents.")
    grade: Literal["A", "B", "C", "D"] | None
    grade_name: str | None
    elements: list[SkmElementMean]
    served: int = Field(description="Citizens served in the period.")
    minimum_respondents: int = Field(description="Krejcie-Morgan sample size for `served`.")
    enough: bool


class SkmService(SkmIndex):
    service_id: str
    service_name: str
    agency_id: str


class SkmAgency(SkmIndex):
    agency_id: str
    agency_name: str


class SkmElement(BaseModel):
    element_id: str
    question: str


class SkmReport(BaseModel):
    mall_id: str
    mall_name: str
    from_: dt.date = Field(alias="from")
    to: dt.date
    mall: SkmIndex
    agencies: list[SkmAgency]
    services: list[SkmService]
    elements: list[SkmElement]


class SkmComment(BaseModel):
    date: dt.date
    service_id: str
    service_name: str
    scores: list[int]
    comment: str


class SkmAdminReport(SkmReport):
    comments: list[SkmComment] = Field(description="The latest 50 with a comment, newest "
                                                   "day first.")
