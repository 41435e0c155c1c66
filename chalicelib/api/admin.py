"""Running malls: the city's super admin (every mall) and mall admins (their own mall).

Every route names its mall: `/v1/admin/malls/{mall_id}/...`. Another mall's objects answer
404; staff and citizens get 403.
"""
from __future__ import annotations

from typing import Annotated, Literal

from chalice import Blueprint, Response
from pydantic import Field

from chalicelib import errors as E
from chalicelib.api import fields as F
from chalicelib.api import schemas as S
from chalicelib.api.docs import Answer, Op, date_query
from chalicelib.api.http import (Body, created, int_param, language, now, parse, principal,
                                 query_param, route)
from chalicelib.services import admin, closures, kiosks, operations, statistics, survey

bp = Blueprint(__name__)

M = "/v1/admin/malls/{mall_id}"
AUDIT_LIMIT = 1000
WEEK = Field(None, description='Keyed by weekday, "0" = Monday ... "6" = Sunday; a missing day '
                               'is closed. Each: {"open", "close", "breaks"}.')
HOURS_RULE = "Opening before closing; breaks inside the hours and in order."

Break = Annotated[list[F.Time], Field(min_length=2, max_length=2)]


class HoursFields(Body):
    open: F.Time
    close: F.Time
    breaks: list[Break] = Field(default_factory=list, max_length=6,
                                description='[["11:30", "13:00"]]: start and end, HH:MM. '
                                            + HOURS_RULE)


class MallSettings(Body):
    name: F.text(100) | None = None
    city: F.text(60) | None = None
    address: F.text(300, blank=True) | None = None
    timezone: F.Timezone | None = None
    weekly_hours: dict[F.Weekday, HoursFields] | None = WEEK
    min_lead_minutes: F.whole(0, 1440) | None = None
    max_days_ahead: F.whole(1, 90) | None = None
    closed_on_holidays: bool | None = None
    checkin_early_minutes: F.whole(0, 720) | None = None
    checkin_late_minutes: F.whole(0, 240) | None = None
    recalls_before_no_show: F.whole(0, 10) | None = None
    no_show_after_minutes: F.whole(1, 120) | None = None
    no_show_limit: F.whole(0, 20) | None = Field(None,
                                          description="No-shows that pause online booking; "
                                                      "0: off.")
    no_show_window_days: F.whole(1, 365) | None = None
    no_show_pause_days: F.whole(1, 365) | None = None
    waitlist_hold_minutes: F.whole(5, 240) | None = None
    requeue_grace_minutes: F.whole(0, 240) | None = Field(
        None, description="How long after its no-show a ticket may be put back in line "
                          "(once); 0: never.")
    nudge_minutes: F.whole(0, 60) | None = Field(
        None, description="A waiting citizen is told once when predicted to be called within "
                          "this many minutes; 0: not by time.")
    nudge_position: F.whole(0, 20) | None = Field(
        None, description="...or when this many-th in line; 0: not by position.")
    capacity_percent: F.whole(0, 100) | None = Field(None,
                                             description="Distancing: seats per slot, in "
                                                         "percent.")
    rebook_horizon_days: F.whole(1, 60) | None = None


class NewMall(MallSettings):
    mall_id: F.Slug
    name: F.text(100)
    city: F.text(60)
    timezone: F.Timezone


class AgencyFields(Body):
    name: F.text(100)
    letter: str = Field(pattern="^[A-Za-z]$", description="Its tickets' letter: B-017.")


class ServiceFields(Body):
    agency_id: F.Slug = Field(description="An agency of this mall.")
    name: F.text(120)
    name_en: F.text(120, blank=True) = ""
    requirements: list[F.text(300, blank=True)] = Field(default_factory=list, max_length=20)
    requirements_en: list[F.text(300, blank=True)] = Field(default_factory=list, max_length=20)
    slot_minutes: F.whole(5, 240)
    capacity: F.whole(0, 100) = Field(description="Seats per slot (before distancing).")
    online: bool = True
    walkin_quota: F.whole(0, 2000) = 0


class CounterFields(Body):
    name: F.text(60)
    service_ids: list[F.Slug] = Field(min_length=1, max_length=50,
                                      description="Services of this mall.")


class NewStaff(Body):
    email: F.Email
    name: F.text(100)
    role: Literal["staff", "admin"] = "staff"
    rights: list[Literal["claim"]] = Field(
        default_factory=list, max_length=1,
        description="`claim`: may move a NIK to its owner's account after seeing the KTP "
                    "(mall admins may anyway).")


class NewKiosk(Body):
    label: F.text(60, description="Where it stands, e.g. \"Pintu masuk utama\".")
    kind: Literal["kiosk", "display"] = Field(
        "kiosk", description="kiosk: check-in, walk-ins and the hall QR (X-Kiosk-Key). "
                             "display: the hall's TV, which only mints the hall QR "
                             "(X-Display-Key); keep the kiosk's key off the TV.")


class NewClosure(Body):
    date_from: F.Date = Field(alias="from")
    date_to: F.Date = Field(alias="to", description="On or after `from` (today or later), 90 days at most.")
    reason: F.text(200)
    service_id: F.Slug | None = None


class Reopening(Body):
    date_from: F.Date | None = Field(None, alias="from", description="The first day open "
                                     "again: today or the closure's first day when left out.")


class CutiBersama(Body):
    year: F.whole(2020, 2100)


def _who():
    return principal(bp.current_request)


def _body(model):
    return parse(bp.current_request, model)


ADMIN_ERRORS = (E.Forbidden, E.NotFound)
MALL = (Answer(200, "The mall as its admin sees it", S.AdminMall),)


# --- malls --------------------------------------------------------------------------------------


@route(bp, "/v1/admin/malls", doc=Op(
    "admin_malls", "The malls the caller manages (a super admin: every mall)", "admin",
    (Answer(200, "The malls", [S.Mall]),), (E.Forbidden,), auth="bearer"))
def malls():
    return admin.malls(_who())


@route(bp, "/v1/admin/malls", methods=["POST"], doc=Op(
    "create_mall", "Create a mall (super admin)", "admin",
    (Answer(201, "The new mall", S.AdminMall),), (E.Forbidden, E.InUse), body=NewMall,
    auth="bearer"))
def create_mall():
    who = _who()
    body = _body(NewMall)
    return created(admin.create_mall(who, body.model_dump(), now()))


@route(bp, M, doc=Op("admin_mall", "A mall with its whole catalog", "admin", MALL, ADMIN_ERRORS,
                     auth="bearer"))
def mall(mall_id):
    return admin.mall_view(_who(), mall_id, now())


@route(bp, M, methods=["PATCH"], doc=Op(
    "update_mall", "Change the mall's settings, hours or distancing capacity", "admin",
    (Answer(200, "The mall, with `conflicts`: slots now holding more bookings than seats",
            S.AdminMallChange),), ADMIN_ERRORS, body=MallSettings, auth="bearer",
    description="Lowering the capacity cancels nobody: those slots take no new booking "
                "until enough cancel, and are answered in `conflicts`."))
def update_mall(mall_id):
    who = _who()
    body = _body(MallSettings)
    return admin.update_settings(who, mall_id, body.model_dump(exclude_unset=True), now())


@route(bp, M + "/special-hours/{date}", methods=["PUT"], doc=Op(
    "put_special_hours", "Special hours for one date (e.g. 09:00-12:00 only)", "admin", MALL,
    ADMIN_ERRORS, body=HoursFields, auth="bearer"))
def put_special_hours(mall_id, date):
    who = _who()
    body = _body(HoursFields)
    return admin.put_special_hours(who, mall_id, date, body.model_dump(), now())


@route(bp, M + "/special-hours/{date}", methods=["DELETE"], doc=Op(
    "delete_special_hours", "Back to the weekday's hours on that date", "admin", MALL,
    ADMIN_ERRORS, auth="bearer"))
def delete_special_hours(mall_id, date):
    return admin.put_special_hours(_who(), mall_id, date, None, now())


@route(bp, M + "/conflicts", doc=Op(
    "conflicts", "Slots of the booking window holding more bookings than their seats", "admin",
    (Answer(200, "The slots", [S.Conflict]),), ADMIN_ERRORS, auth="bearer"))
def conflicts(mall_id):
    return admin.conflicts(_who(), mall_id, now())


# --- agencies, services, counters -----------------------------------------------------------------


@route(bp, M + "/agencies/{agency_id}", methods=["PUT"], doc=Op(
    "put_agency", "Create or change an agency", "admin", MALL, (*ADMIN_ERRORS, E.InUse),
    body=AgencyFields, auth="bearer"))
def put_agency(mall_id, agency_id):
    who = _who()
    body = _body(AgencyFields)
    return admin.put_agency(who, mall_id, agency_id, body.name, body.letter, now())


@route(bp, M + "/agencies/{agency_id}", methods=["DELETE"], doc=Op(
    "delete_agency", "Remove an agency without services", "admin", MALL,
    (*ADMIN_ERRORS, E.InUse), auth="bearer"))
def delete_agency(mall_id, agency_id):
    return admin.delete_agency(_who(), mall_id, agency_id, now())


@route(bp, M + "/services/{service_id}", methods=["PUT"], doc=Op(
    "put_service", "Create or change a service", "admin",
    (Answer(200, "The mall, with `conflicts` if seats went down", S.AdminMallChange),),
    (*ADMIN_ERRORS, E.InUse), body=ServiceFields, auth="bearer"))
def put_service(mall_id, service_id):
    who = _who()
    body = _body(ServiceFields)
    return admin.put_service(who, mall_id, service_id, body.model_dump(), now())


@route(bp, M + "/services/{service_id}", methods=["DELETE"], doc=Op(
    "delete_service", "Remove a service nobody has booked; retire one with bookings", "admin",
    MALL, ADMIN_ERRORS, auth="bearer",
    description="A service with bookings in the booking window is retired instead: no new "
                "bookings, walk-ins or waitlist places, hidden from citizens and kiosks; its "
                "bookings stay (see `service_bookings`). Saving it again un-retires it."))
def delete_service(mall_id, service_id):
    return admin.delete_service(_who(), mall_id, service_id, now())


@route(bp, M + "/services/{service_id}/bookings", doc=Op(
    "service_bookings", "The bookings a service holds from today on (to move or cancel)",
    "admin", (Answer(200, "By date and time", [S.ServiceBooking]),), ADMIN_ERRORS,
    auth="bearer"))
def service_bookings(mall_id, service_id):
    return admin.service_bookings(_who(), mall_id, service_id, now())


class MoveTo(Body):
    date: F.Date
    start: F.Time


@route(bp, M + "/bookings/{code}/cancel", methods=["POST"], doc=Op(
    "admin_cancel_booking", "Cancel a booking of the mall; audited, the citizen is emailed",
    "admin", (Answer(200, "The booking, now `cancelled`", S.Booking),),
    (*ADMIN_ERRORS, E.BookingNotChangeable, E.Busy), auth="bearer"))
def admin_cancel_booking(mall_id, code):
    from chalicelib.services import booking

    return booking.admin_cancel(_who(), mall_id, code, now())


@route(bp, M + "/bookings/{code}/reschedule", methods=["POST"], doc=Op(
    "admin_reschedule_booking", "Move a booking of the mall (a retired service's too); "
    "audited, the citizen is emailed", "admin",
    (Answer(200, "The booking with its new slot, same code", S.Booking),),
    (*ADMIN_ERRORS, E.BookingNotChangeable, E.SlotFull, E.AlreadyBooked, E.SlotUnavailable,
     E.Busy), body=MoveTo, auth="bearer"))
def admin_reschedule_booking(mall_id, code):
    from chalicelib.services import booking

    body = _body(MoveTo)
    return booking.admin_reschedule(_who(), mall_id, code, **body.model_dump(), now=now())


@route(bp, M + "/counters/{counter_id}", methods=["PUT"], doc=Op(
    "put_counter", "Create or change a counter and the services it serves", "admin", MALL,
    ADMIN_ERRORS, body=CounterFields, auth="bearer"))
def put_counter(mall_id, counter_id):
    who = _who()
    body = _body(CounterFields)
    return admin.put_counter(who, mall_id, counter_id, body.name, body.service_ids, now())


@route(bp, M + "/counters/{counter_id}", methods=["DELETE"], doc=Op(
    "delete_counter", "Remove a counter", "admin", MALL, ADMIN_ERRORS, auth="bearer"))
def delete_counter(mall_id, counter_id):
    return admin.delete_counter(_who(), mall_id, counter_id, now())


# --- people and kiosks ----------------------------------------------------------------------------


@route(bp, M + "/staff", doc=Op(
    "staff", "The mall's staff and admin accounts", "admin",
    (Answer(200, "The accounts", [S.StaffAccount]),), ADMIN_ERRORS, auth="bearer"))
def staff(mall_id):
    return admin.staff(_who(), mall_id)


@route(bp, M + "/staff", methods=["POST"], doc=Op(
    "create_staff", "Create a staff account (or, for a super admin, a mall admin)", "admin",
    (Answer(201, "The account with a temporary password, answered once", S.NewStaffAccount),),
    (*ADMIN_ERRORS, E.EmailTaken), body=NewStaff, auth="bearer"))
def create_staff(mall_id):
    who = _who()
    body = _body(NewStaff)
    return created(admin.create_staff(who, mall_id, body.email, body.name, body.role, now(),
                                      rights=body.rights))


@route(bp, M + "/staff/{account_id}/disable", methods=["POST"], doc=Op(
    "disable_staff", "Disable an account: it can no longer log in", "admin",
    (Answer(200, "The account", S.StaffAccount),), ADMIN_ERRORS, auth="bearer"))
def disable_staff(mall_id, account_id):
    return admin.set_staff_disabled(_who(), mall_id, account_id, True, now())


@route(bp, M + "/staff/{account_id}/enable", methods=["POST"], doc=Op(
    "enable_staff", "Enable a disabled account again", "admin",
    (Answer(200, "The account", S.StaffAccount),), ADMIN_ERRORS, auth="bearer"))
def enable_staff(mall_id, account_id):
    return admin.set_staff_disabled(_who(), mall_id, account_id, False, now())


@route(bp, M + "/kiosks", doc=Op(
    "kiosks", "The mall's kiosks (never their keys)", "admin",
    (Answer(200, "The kiosks, oldest first", [S.Kiosk]),), ADMIN_ERRORS, auth="bearer"))
def list_kiosks(mall_id):
    return kiosks.listed(_who(), mall_id)


@route(bp, M + "/kiosks", methods=["POST"], doc=Op(
    "register_kiosk", "Register a kiosk or a hall TV (display); its key is answered this once",
    "admin",
    (Answer(201, "The kiosk with its key", S.KioskCreated),), ADMIN_ERRORS, body=NewKiosk,
    auth="bearer"))
def register_kiosk(mall_id):
    who = _who()
    body = _body(NewKiosk)
    return created(kiosks.register(who, mall_id, body.label, now(), kind=body.kind))


@route(bp, M + "/kiosks/{kiosk_id}/revoke", methods=["POST"], doc=Op(
    "revoke_kiosk", "Revoke a kiosk or display: its key and its hall QRs stop working at once",
    "admin",
    (Answer(200, "The kiosk, revoked", S.Kiosk),), ADMIN_ERRORS, auth="bearer"))
def revoke_kiosk(mall_id, kiosk_id):
    return kiosks.revoke(_who(), mall_id, kiosk_id, now())


# --- mail, audit ----------------------------------------------------------------------------------


@route(bp, M + "/mail/failed", doc=Op(
    "failed_mail", "Mail about the mall that failed every attempt", "admin",
    (Answer(200, "Failed mail, oldest first", [S.FailedMail]),), ADMIN_ERRORS, auth="bearer"))
def failed_mail(mall_id):
    return operations.failed_mail(_who(), mall_id)


@route(bp, M + "/mail/{mail_id}/retry", methods=["POST"], doc=Op(
    "retry_mail", "Send a failed mail again", "admin",
    (Answer(200, "The mail after the new attempt", S.FailedMail),), ADMIN_ERRORS,
    auth="bearer"))
def retry_mail(mall_id, mail_id):
    return operations.retry_mail(_who(), mall_id, mail_id, now())


@route(bp, M + "/audit", doc=Op(
    "audit", "Who changed what, when, with before and after; newest first", "admin",
    (Answer(200, "The audit log", [S.AuditEntry]),), (*ADMIN_ERRORS, E.ValidationFailed),
    auth="bearer", parameters=({"name": "limit", "in": "query", "required": False,
                                "description": "How many entries (100 unless given).",
                                "schema": {"type": "integer", "minimum": 1,
                                           "maximum": AUDIT_LIMIT}},)))
def audit(mall_id):
    return admin.audit(_who(), mall_id, int_param(bp.current_request, "limit", 1, AUDIT_LIMIT,
                                                  default=100))


# --- closures -------------------------------------------------------------------------------------


@route(bp, M + "/closures", methods=["POST"], doc=Op(
    "close", "Close the mall (or one service) for days; every booking inside is moved",
    "admin", (Answer(202, "The closure; its job runs on", S.Closure),),
    (*ADMIN_ERRORS, E.ValidationFailed, E.ClosureOverlaps), body=NewClosure, auth="bearer",
    description="Refused with 409 `closure_overlaps` (naming it) when the days are already "
                "closed for the whole mall, or for that service. "
                "Every booking inside keeps its code and moves to the nearest free slot of "
                "its service after the closure (within the mall's horizon, 14 days by "
                "default), or is cancelled when none is free; the citizen is emailed either "
                "way. New bookings inside answer 422 `slot_unavailable` at once."))
def close(mall_id):
    who = _who()
    body = _body(NewClosure)
    started = closures.start(who, mall_id, body.date_from, body.date_to, body.reason,
                             body.service_id, now())
    return Response(started, status_code=202)


@route(bp, M + "/closures/preview", methods=["POST"], doc=Op(
    "close_preview", "What a closure would do, before it is made: nothing is written",
    "admin", (Answer(200, "How many bookings move, to which days, how many are cancelled and "
                          "how many citizens must be phoned", S.ClosurePreview),),
    (*ADMIN_ERRORS, E.ValidationFailed, E.ClosureOverlaps), body=NewClosure, auth="bearer",
    description="Decided by the same code as the closure's job, so a closure made right after "
                "does the same (unless bookings change meanwhile)."))
def close_preview(mall_id):
    who = _who()
    body = _body(NewClosure)
    return closures.preview(who, mall_id, body.date_from, body.date_to, body.reason,
                            body.service_id, now())


@route(bp, M + "/closures", doc=Op(
    "closures", "The mall's closures, newest first", "admin",
    (Answer(200, "The closures", [S.Closure]),), ADMIN_ERRORS, auth="bearer"))
def list_closures(mall_id):
    return closures.of_mall(_who(), mall_id)


@route(bp, M + "/closures/cuti-bersama", methods=["POST"], doc=Op(
    "close_cuti_bersama", "Close the year's remaining cuti bersama (joint leave) days",
    "admin", (Answer(202, "One closure per run of days", [S.Closure]),), ADMIN_ERRORS,
    body=CutiBersama, auth="bearer"))
def close_cuti_bersama(mall_id):
    who = _who()
    body = _body(CutiBersama)
    return Response(closures.close_cuti_bersama(who, mall_id, body.year, now()),
                    status_code=202)


@route(bp, "/v1/admin/closures/{closure_id}", doc=Op(
    "closure", "A closure's progress and report", "admin",
    (Answer(200, "The closure: running or done, with its counts", S.Closure),), ADMIN_ERRORS,
    auth="bearer"))
def closure(closure_id):
    return closures.status(_who(), closure_id)


@route(bp, "/v1/admin/closures/{closure_id}/reopen", methods=["POST"], doc=Op(
    "reopen_closure", "Open a closure's days again (all of them, or from a date: an early end)",
    "admin", (Answer(200, "The closure, reopened", S.Closure),),
    (*ADMIN_ERRORS, E.ValidationFailed, E.ClosureRunning), body=Reopening, auth="bearer",
    description="The days offer their slots again (special hours on them apply); bookings "
                "the closure moved stay moved and nobody is emailed. Audited."))
def reopen_closure(closure_id):
    who = _who()
    body = _body(Reopening)
    return closures.reopen(who, closure_id, body.date_from, now())


@route(bp, "/v1/admin/closures/{closure_id}/to-phone", doc=Op(
    "closure_to_phone", "The citizens of a closure nobody could email, to phone", "admin",
    (Answer(200, "Who, their phone, and what became of the booking", [S.ClosurePerson]),),
    ADMIN_ERRORS, auth="bearer"))
def closure_to_phone(closure_id):
    return closures.to_phone(_who(), closure_id)


# --- statistics -----------------------------------------------------------------------------------


@route(bp, M + "/stats", doc=Op(
    "stats", "Statistics per agency, service and day (JSON, or CSV with format=csv, or Excel "
    "with format=xlsx)", "admin",
    (Answer(200, "One row per service and day (`format=csv`: the same rows as text/csv; "
            "`format=xlsx`: as an Excel workbook, asked for with that media type in Accept)",
            [S.StatsRow], alternatives=(("text/csv", {"type": "string"}),
                                        (statistics.XLSX, {"type": "string",
                                                           "format": "binary"}))),),
    (*ADMIN_ERRORS, E.ValidationFailed, E.NotAcceptable), auth="bearer",
    parameters=(date_query("from"),
                date_query("to", "On or after `from`, at most 366 days on."),
                {"name": "format", "in": "query", "required": False,
                 "description": "json (default), csv or xlsx; any other answers 422.",
                 "schema": {"type": "string", "enum": list(statistics.FORMATS)}},
                {"name": "delimiter", "in": "query", "required": False,
                 "description": "CSV: comma (default), or semicolon with decimal commas, "
                                "as Indonesian-locale Excel reads.",
                 "schema": {"type": "string", "enum": list(statistics.DELIMITERS)}},
                {"name": "lang", "in": "query", "required": False,
                 "description": "CSV headers: id or en (default: Accept-Language).",
                 "schema": {"type": "string", "enum": ["id", "en"]}})))
def stats(mall_id):
    request = bp.current_request
    who = _who()
    format_, delimiter, lang = statistics.export_options(
        query_param(request, "format"), query_param(request, "delimiter"),
        query_param(request, "lang"))
    first, last = query_param(request, "from"), query_param(request, "to")
    rows = statistics.rows(who, mall_id, first, last)
    if format_ == "csv":
        lang = lang or language(request)
        name = statistics.file_name(mall_id, first, last, lang)
        return Response(statistics.as_csv(rows, lang, delimiter), headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"'})
    if format_ == "xlsx":
        statistics.accepts_xlsx(request.headers.get("accept"))
        lang = lang or language(request)
        name = statistics.file_name(mall_id, first, last, lang, "xlsx")
        return Response(statistics.as_xlsx(rows, lang), headers={
            "Content-Type": statistics.XLSX,
            "Content-Disposition": f'attachment; filename="{name}"'})
    return rows


@route(bp, M + "/skm", doc=Op(
    "admin_skm", "The satisfaction survey: IKM per service, agency and mall, and the latest "
    "comments", "admin", (Answer(200, "The indices and comments of the period",
                                 S.SkmAdminReport),),
    (*ADMIN_ERRORS, E.ValidationFailed), auth="bearer",
    parameters=(date_query("from"), date_query("to", "On or after `from`, at most 366 days on.")),
    description="Two Queries: the mall's day counters and its commented answers."))
def skm(mall_id):
    request = bp.current_request
    return survey.for_admin(_who(), mall_id, query_param(request, "from"),
                            query_param(request, "to"), language(request))
