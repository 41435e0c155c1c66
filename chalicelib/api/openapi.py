"""The OpenAPI 3.1 document of the API, built from the code it describes: request schemas from
the routes' pydantic bodies, error codes from `chalicelib.errors`, answers from the models here."""
from __future__ import annotations

import re
from dataclasses import dataclass
import datetime as dt
from typing import Literal

from chalice import Blueprint
from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from chalicelib import errors
from chalicelib.api.accounts import Credentials, EmailOnly, Registration, Verification
from chalicelib.api.citizen import NewBooking, NewSlot
from chalicelib.api.http import route
from chalicelib.errors import AntreError

bp = Blueprint(__name__)

INTERNAL_ERROR = "internal_error"  # answered by `http.answers` for an unexpected exception
HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
BOOKING_STATUSES = Literal["booked", "cancelled", "checked_in", "served", "no_show", "rebooked"]


def _error_classes() -> list[type[AntreError]]:
    found, todo = [], list(AntreError.__subclasses__())
    while todo:
        cls = todo.pop(0)
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


ERROR_CODES = tuple(sorted({c.code for c in _error_classes()} | {INTERNAL_ERROR}))


# --- answers: what the services return -------------------------------------------------------


class Error(BaseModel):
    """Every error answer. `code` is stable and meant for programs; `message` is for people."""

    code: Literal[ERROR_CODES]  # type: ignore[valid-type]
    message: str


class AccountCreated(BaseModel):
    account_id: str


class Verified(BaseModel):
    verified: Literal[True]


class CodeSent(BaseModel):
    """Answered whether or not the account exists, so the address is not revealed."""

    sent: Literal[True]


class Token(BaseModel):
    token: str = Field(description="Send as `Authorization: Bearer <token>`.")
    expires_at: dt.datetime


class Me(BaseModel):
    account_id: str
    email: str
    name: str
    phone: str
    nik_last4: str | None
    role: Literal["citizen", "staff", "admin"]
    mall_id: str | None = Field(description="The mall a staff account belongs to.")


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


class MallDetail(Mall):
    address: str
    min_lead_minutes: int = Field(description="A slot must start at least this long from now.")
    max_days_ahead: int = Field(description="The last bookable date is today plus this many.")
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


class Slot(BaseModel):
    start: str = Field(pattern=HHMM)
    end: str = Field(pattern=HHMM)
    capacity: int
    remaining: int


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


class FailedMail(BaseModel):
    mail_id: str
    kind: Literal["verify", "booking_confirmed", "booking_cancelled", "booking_rescheduled"]
    to: str
    status: Literal["pending", "sent", "failed"]
    attempts: int
    last_error: str | None
    booking_id: str | None
    created_at: str


# --- operations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    status: int
    description: str
    schema: type[BaseModel] | list | dict | None = None  # a model, [model], or a raw schema
    media: str = "application/json"


@dataclass(frozen=True)
class Op:
    operation_id: str
    summary: str
    tag: str
    answers: tuple[Answer, ...]
    errors: tuple[type[AntreError], ...] = ()
    body: type[BaseModel] | None = None
    citizen: bool = False  # needs `Authorization: Bearer`
    parameters: tuple[dict, ...] = ()


DATE_QUERY = {"name": "date", "in": "query", "required": True,
              "description": "The day, in the mall's time zone.",
              "schema": {"type": "string", "format": "date"}}
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "The same key from the same account answers the same booking (200) and "
                   "never books twice; reused for a different request it is refused.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 128}}
PATH_PARAMETERS = {"mall_id": "A mall, e.g. `kota-bogor`.", "service_id": "A service of the mall.",
                   "booking_id": "One of the caller's bookings; anyone else's is 404.",
                   "mail_id": "An outbox mail about the admin's own mall."}

E = errors
OPERATIONS: dict[tuple[str, str], Op] = {
    ("POST", "/v1/accounts"): Op(
        "register", "Register a citizen; a 6-digit verification code is emailed", "accounts",
        (Answer(201, "Created, not yet verified", AccountCreated),),
        (E.EmailTaken, E.NikTaken), body=Registration),
    ("POST", "/v1/accounts/verify"): Op(
        "verify", "Verify the email address with the emailed code", "accounts",
        (Answer(200, "Verified (also when it already was)", Verified),),
        (E.InvalidCode,), body=Verification),
    ("POST", "/v1/accounts/verify/resend"): Op(
        "resend_code", "Email a new verification code (at most one a minute)", "accounts",
        (Answer(202, "Accepted", CodeSent),), body=EmailOnly),
    ("POST", "/v1/sessions"): Op(
        "login", "Log in", "accounts", (Answer(200, "A session token", Token),),
        (E.InvalidCredentials, E.EmailNotVerified, E.TooManyAttempts), body=Credentials),
    ("GET", "/v1/me"): Op(
        "me", "The logged-in account", "accounts", (Answer(200, "The account", Me),),
        (E.NotFound,), citizen=True),
    ("GET", "/v1/malls"): Op(
        "malls", "All malls", "catalog", (Answer(200, "The malls", [Mall]),)),
    ("GET", "/v1/malls/{mall_id}"): Op(
        "mall", "One mall with its opening hours and booking window", "catalog",
        (Answer(200, "The mall", MallDetail),), (E.NotFound,)),
    ("GET", "/v1/malls/{mall_id}/services"): Op(
        "services", "The services offered at a mall", "catalog",
        (Answer(200, "The services", [Service]),), (E.NotFound,)),
    ("GET", "/v1/malls/{mall_id}/services/{service_id}/slots"): Op(
        "slots", "Bookable slots of one day", "catalog",
        (Answer(200, "The slots; a closed day or one outside the window is []", [Slot]),),
        (E.NotFound, E.ValidationFailed), parameters=(DATE_QUERY,)),
    ("POST", "/v1/bookings"): Op(
        "book", "Book a slot", "bookings",
        (Answer(201, "Booked; the confirmation is emailed", Booking),
         Answer(200, "The booking made earlier with the same Idempotency-Key", Booking)),
        (E.Forbidden, E.NotFound, E.SlotFull, E.AlreadyBooked, E.BookingLimitReached,
         E.SlotUnavailable, E.IdempotencyKeyReused, E.Busy),
        body=NewBooking, citizen=True, parameters=(IDEMPOTENCY_KEY,)),
    ("GET", "/v1/bookings"): Op(
        "my_bookings", "The caller's bookings, newest first", "bookings",
        (Answer(200, "The bookings", [Booking]),), citizen=True),
    ("GET", "/v1/bookings/{booking_id}"): Op(
        "one_booking", "One booking", "bookings", (Answer(200, "The booking", Booking),),
        (E.NotFound,), citizen=True),
    ("GET", "/v1/bookings/{booking_id}/qr.svg"): Op(
        "booking_qr", "The booking code as a QR image", "bookings",
        (Answer(200, "The QR code", {"type": "string"}, media="image/svg+xml"),),
        (E.NotFound,), citizen=True),
    ("POST", "/v1/bookings/{booking_id}/cancel"): Op(
        "cancel", "Cancel a booking; its seat is free again at once", "bookings",
        (Answer(200, "The booking, now `cancelled`", Booking),),
        (E.NotFound, E.BookingNotChangeable, E.Busy), citizen=True),
    ("POST", "/v1/bookings/{booking_id}/reschedule"): Op(
        "reschedule", "Move a booking to another slot, keeping its code", "bookings",
        (Answer(200, "The booking with its new slot", Booking),),
        (E.NotFound, E.BookingNotChangeable, E.SlotFull, E.AlreadyBooked, E.SlotUnavailable,
         E.Busy), body=NewSlot, citizen=True),
    ("GET", "/v1/admin/mail/failed"): Op(
        "failed_mail", "Mail about the admin's mall that failed every attempt", "admin",
        (Answer(200, "Failed mail, oldest first", [FailedMail]),),
        (E.Forbidden,), citizen=True),
    ("POST", "/v1/admin/mail/{mail_id}/retry"): Op(
        "retry_mail", "Send a failed mail again", "admin",
        (Answer(200, "The mail after the new attempt", FailedMail),),
        (E.Forbidden, E.NotFound), citizen=True),
    ("GET", "/v1/openapi.json"): Op(
        "openapi", "This document", "meta",
        (Answer(200, "The OpenAPI 3.1 document", {"type": "object"}),)),
}

DESCRIPTION = """\
Book a slot for a public service at one of Indonesia's public service malls (Mal Pelayanan
Publik), check in at the mall's kiosk and follow the queue.

JSON in and out, field names in snake_case. Dates (`YYYY-MM-DD`) and times (`HH:MM`) are in
the mall's own time zone; instants are ISO 8601 with offset. Every error is
`{"code", "message"}`; the codes are stable (see the `Error` schema)."""


# --- building --------------------------------------------------------------------------------

_document: dict | None = None


def document() -> dict:
    """The document, built once per process."""
    global _document
    if _document is None:
        _document = _build()
    return _document


def _build() -> dict:
    bodies = {op.body for op in OPERATIONS.values() if op.body}
    answers = {Error} | {_model(a.schema) for op in OPERATIONS.values() for a in op.answers}
    models = [(m, "validation") for m in sorted(bodies, key=lambda m: m.__name__)]
    models += [(m, "serialization")
               for m in sorted(answers - {None}, key=lambda m: m.__name__)]
    _, schemas = models_json_schema(models, ref_template="#/components/schemas/{model}")
    paths: dict[str, dict] = {}
    for (method, path), op in OPERATIONS.items():
        paths.setdefault(path, {})[method.lower()] = _operation(path, op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Antre API", "version": "1.0.0", "description": DESCRIPTION},
        "tags": [{"name": "accounts", "description": "Accounts and sessions"},
                 {"name": "catalog", "description": "Malls, services and free slots; no login"},
                 {"name": "bookings", "description": "A citizen's own bookings"},
                 {"name": "admin", "description": "Mall admins (role admin, one mall)"},
                 {"name": "meta", "description": "About the API itself"}],
        "paths": paths,
        "components": {
            "schemas": schemas["$defs"],
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "bearerFormat": "JWT",
                                           "description": "The token from POST /v1/sessions."}},
        },
    }


def _model(schema) -> type[BaseModel] | None:
    if isinstance(schema, list):
        return schema[0]
    return schema if isinstance(schema, type) and issubclass(schema, BaseModel) else None


def _ref(model: type[BaseModel]) -> dict:
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _schema(schema) -> dict:
    if isinstance(schema, list):
        return {"type": "array", "items": _ref(schema[0])}
    if isinstance(schema, dict):
        return schema
    return _ref(schema)


def _operation(path: str, op: Op) -> dict:
    parameters = [{"name": name, "in": "path", "required": True,
                   "description": PATH_PARAMETERS.get(name, ""), "schema": {"type": "string"}}
                  for name in re.findall(r"{(\w+)}", path)]
    parameters += op.parameters
    responses = {str(a.status): {"description": a.description,
                                 "content": {a.media: {"schema": _schema(a.schema)}}}
                 for a in op.answers}
    failures = list(op.errors)
    if op.body:  # `http.parse`: bad JSON is 400, invalid fields 422
        failures += [errors.BadRequest, errors.ValidationFailed]
    if op.citizen:
        failures.append(errors.Unauthorized)
    responses.update(_error_responses(failures))
    result = {"operationId": op.operation_id, "summary": op.summary, "tags": [op.tag],
              "responses": responses}
    if parameters:
        result["parameters"] = parameters
    if op.body:
        result["requestBody"] = {"required": True,
                                 "content": {"application/json": {"schema": _ref(op.body)}}}
    if op.citizen:
        result["security"] = [{"bearer": []}]
    return result


def _error_responses(failures: list[type[AntreError]]) -> dict:
    """One response per status, with an example per code; every route may answer 500."""
    by_status: dict[int, dict[str, str]] = {}
    for cls in failures:
        by_status.setdefault(cls.status, {})[cls.code] = cls.message
    by_status[500] = {INTERNAL_ERROR: "Something went wrong on our side; please try again."}
    responses = {}
    for status, codes in sorted(by_status.items()):
        examples = {code: {"value": {"code": code, "message": message}}
                    for code, message in codes.items()}
        answer = {"description": ", ".join(f"`{c}`" for c in codes),
                  "content": {"application/json": {"schema": _ref(Error),
                                                   "examples": examples}}}
        if errors.TooManyAttempts.code in codes:
            answer["headers"] = {"Retry-After": {"description": "Seconds to wait.",
                                                 "schema": {"type": "integer"}}}
        responses[str(status)] = answer
    return responses


@route(bp, "/v1/openapi.json")
def openapi():
    return document()
