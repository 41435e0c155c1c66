"""Domain errors with stable codes; `api.http` maps them to HTTP status and `{code, message}`.

An error carries a message key of `chalicelib.i18n` and its parameters, never a sentence:
the message is written in the language of the request when it is answered.
"""
from __future__ import annotations

from chalicelib import i18n


class AntreError(Exception):
    """Base of every error a client may see. `code` is part of the public API."""

    code = "error"
    status = 400

    def __init__(self, key: str | None = None, *, code=None, http_status=None, headers=None,
                 **params):
        if code:
            self.code = code
        if http_status:
            self.status = http_status
        self.key = key or f"error.{self.code}"
        if self.key not in i18n.MESSAGES:
            raise KeyError(f"no message {self.key!r} in the catalog")
        self.params = params
        self.headers = headers or {}
        super().__init__(self.key)

    def text(self, lang: str = i18n.DEFAULT) -> str:
        return i18n.text(self.key, lang, **self.params)

    @property
    def message(self) -> str:
        """The English text (logs, documentation examples)."""
        return self.text("en")

    def __str__(self) -> str:
        return self.message


class BadRequest(AntreError):
    code, status = "bad_request", 400


class ValidationFailed(AntreError):
    """422 naming the field: `ValidationFailed.field("nik", "validation.nik_digits")`."""

    code, status = "validation_error", 422

    @classmethod
    def field(cls, name: str, problem: str, **params) -> "ValidationFailed":
        return cls("field.problem", field=name, problem=i18n.Text(problem, **params))


class Unauthorized(AntreError):
    code, status = "unauthorized", 401


class Forbidden(AntreError):
    code, status = "forbidden", 403


class NotFound(AntreError):
    code, status = "not_found", 404


class NotAcceptable(AntreError):
    """A binary answer (an Excel file) asked for without its media type in Accept: API
    Gateway would hand the client base64 text instead of the file."""

    code, status = "not_acceptable", 406


class EmailTaken(AntreError):
    code, status = "email_taken", 409


class NikTaken(AntreError):
    code, status = "nik_taken", 409


class PhoneNotVerified(AntreError):
    """Something only a proven phone may have (SMS opt-in) before its owner typed the code."""

    code, status = "phone_not_verified", 409


class InvalidCode(AntreError):
    code, status = "invalid_code", 400


class InvalidCredentials(AntreError):
    code, status = "invalid_credentials", 401


class WrongPassword(AntreError):
    """The password typed again to confirm a grave step (erasing the account) is wrong: 403,
    not 401, since the session itself is still good."""
    code, status = "wrong_password", 403


class EmailNotVerified(AntreError):
    code, status = "email_not_verified", 403


class TooManyAttempts(AntreError):
    code, status = "too_many_attempts", 429


class SlotFull(AntreError):
    code, status = "slot_full", 409


class AlreadyBooked(AntreError):
    code, status = "already_booked", 409


class SlotUnavailable(AntreError):
    code, status = "slot_unavailable", 422


class BookingLimitReached(AntreError):
    code, status = "booking_limit_reached", 409


class AssistedLimitReached(AntreError):
    """A staff member made as many bookings for citizens today as one may (a setting)."""

    code, status = "assisted_limit_reached", 429


class BookingNotChangeable(AntreError):
    code, status = "booking_not_changeable", 409


class IdempotencyKeyReused(AntreError):
    code, status = "idempotency_key_reused", 422


class BookingPaused(AntreError):
    """The mall's no-show policy pauses this citizen's online booking for a while."""

    code, status = "booking_paused", 403


class Busy(AntreError):
    """Too much at once (DynamoDB refused after its retries, or a race lost every time):
    503 with Retry-After, and nothing was changed."""

    code, status = "busy", 503

    def __init__(self, key: str | None = None, **kwargs):
        kwargs.setdefault("headers", {"Retry-After": "1"})
        super().__init__(key, **kwargs)


class NikKeyUnavailable(AntreError):
    """The stage's NIK key is missing or is not the key the table's NIK hashes were made
    with: nothing is hashed with it (a wrong key would give a citizen a second account).
    503 until the officer restores the key (services.nik_keys, `cli restore-keys`)."""

    code, status = "nik_key_unavailable", 503

    def __init__(self, key: str | None = None, **kwargs):
        kwargs.setdefault("headers", {"Retry-After": "300"})
        super().__init__(key, **kwargs)


# --- the mall floor ------------------------------------------------------------------------


class UnknownCode(AntreError):
    code, status = "unknown_code", 404


class NotToday(AntreError):
    """The booking is for another day, or already used, or cancelled (API contract)."""

    code, status = "not_today", 409


class TooEarly(AntreError):
    code, status = "too_early", 409


class TooLate(AntreError):
    code, status = "too_late", 409


class WalkinQuotaFull(AntreError):
    code, status = "walkin_quota_full", 409


class WalkinUnavailable(AntreError):
    code, status = "walkin_unavailable", 422


class ServiceClosed(AntreError):
    code, status = "service_closed", 409


class ServiceRetired(AntreError):
    """The service left the mall's catalog: its bookings stay, nothing new is taken."""

    code, status = "service_retired", 409


class TicketNotChangeable(AntreError):
    code, status = "ticket_not_changeable", 409


class RequeueNotNoShow(AntreError):
    """Only a ticket marked a no-show can be put back in line."""

    code, status = "requeue_not_no_show", 409


class RequeueUsed(AntreError):
    """A ticket is put back in line once."""

    code, status = "requeue_used", 409


class RequeueTooLate(AntreError):
    """The mall's grace time after the no-show has passed."""

    code, status = "requeue_too_late", 409


class SurveyNotOpen(AntreError):
    """The ticket is not done, or was done too long ago to answer the survey."""

    code, status = "survey_not_open", 409


class SurveyAnswered(AntreError):
    code, status = "survey_answered", 409


class CounterBusy(AntreError):
    code, status = "counter_busy", 409


class QrExpired(AntreError):
    code, status = "qr_expired", 403


class QrUsed(AntreError):
    """This phone already took a ticket with this hall QR, or the QR's tickets are taken."""

    code, status = "qr_used", 409


# --- the waitlist -------------------------------------------------------------------------------


class SeatsAvailable(AntreError):
    code, status = "seats_available", 409


class AlreadyWaiting(AntreError):
    code, status = "already_waiting", 409


class WaitlistLimitReached(AntreError):
    """The citizen waits on as many waitlists as one may at once (a setting)."""

    code, status = "waitlist_limit_reached", 409


class OfferExpired(AntreError):
    code, status = "offer_expired", 409


# --- running a mall ---------------------------------------------------------------------------


class ClosureOverlaps(AntreError):
    """The days are already closed by another closure of the same scope (named)."""

    code, status = "closure_overlaps", 409


class ClosureRunning(AntreError):
    """A closure whose job still moves bookings cannot be reopened yet."""

    code, status = "closure_running", 409


class InUse(AntreError):
    """The change would break something that uses the object (bookings, services)."""

    code, status = "in_use", 409
