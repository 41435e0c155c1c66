"""Domain errors with stable codes; `api.http` maps them to HTTP status and `{code, message}`."""


class AntreError(Exception):
    """Base of every error a client may see. `code` is part of the public API."""

    code = "error"
    status = 400
    message = "The request could not be completed."

    def __init__(self, message=None, *, code=None, status=None, headers=None):
        super().__init__(message or self.message)
        self.message = message or self.message
        if code:
            self.code = code
        if status:
            self.status = status
        self.headers = headers or {}


class BadRequest(AntreError):
    code, status, message = "bad_request", 400, "The request is malformed."


class ValidationFailed(AntreError):
    code, status, message = "validation_error", 422, "Some fields are invalid."


class Unauthorized(AntreError):
    code, status, message = "unauthorized", 401, "Log in first."


class Forbidden(AntreError):
    code, status, message = "forbidden", 403, "You may not do this."


class NotFound(AntreError):
    code, status, message = "not_found", 404, "Not found."


class EmailTaken(AntreError):
    code, status, message = "email_taken", 409, "This email address already has an account."


class NikTaken(AntreError):
    code, status, message = "nik_taken", 409, "This NIK already has an account."


class InvalidCode(AntreError):
    code, status, message = "invalid_code", 400, "The verification code is wrong or has expired."


class InvalidCredentials(AntreError):
    code, status, message = "invalid_credentials", 401, "Email or password is wrong."


class EmailNotVerified(AntreError):
    code, status, message = "email_not_verified", 403, "Verify your email address first."


class TooManyAttempts(AntreError):
    code, status, message = "too_many_attempts", 429, "Too many attempts; wait a moment and try again."


class SlotFull(AntreError):
    code, status, message = "slot_full", 409, "This time slot is full."


class AlreadyBooked(AntreError):
    code, status, message = (
        "already_booked", 409, "You already have a booking for this service on this date.")


class SlotUnavailable(AntreError):
    code, status, message = "slot_unavailable", 422, "This time slot cannot be booked."


class BookingLimitReached(AntreError):
    code, status, message = (
        "booking_limit_reached", 409, "You have reached the maximum number of active bookings.")


class BookingNotChangeable(AntreError):
    code, status, message = (
        "booking_not_changeable", 409, "This booking can no longer be changed.")


class IdempotencyKeyReused(AntreError):
    code, status, message = (
        "idempotency_key_reused", 422, "This Idempotency-Key was used for a different request.")


class Busy(AntreError):
    code, status, message = "busy", 503, "The service is busy; please try again."
