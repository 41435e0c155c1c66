"""The one place that turns requests into values and errors into `{code, message}` answers."""
from __future__ import annotations

import functools
import json
import logging
import re

from chalice import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from chalicelib import clock, i18n
from chalicelib.api import docs
from chalicelib.api.docs import Op
from chalicelib.errors import AntreError, BadRequest, ValidationFailed
from chalicelib.store.db import overload_error
from chalicelib.services.auth import Principal, read_token

log = logging.getLogger(__name__)

JSON_TYPES = ["application/json", "text/plain"]  # text/plain: sendBeacon and simple forms


class Body(BaseModel):
    """Request bodies: unknown fields are refused, strings are not coerced from numbers.
    Each field has a type of `api.fields`, which checks it as the OpenAPI document says and
    then trims what is text."""

    # defer_build: a body's validator is built by its route's first request, not by every
    # cold start for every route
    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)


def language(request) -> str:
    """The request's language: `Accept-Language` negotiated to id (default) or en."""
    headers = getattr(request, "headers", None) or {}
    return i18n.negotiate(headers.get("accept-language"))


def error_response(error: AntreError, lang: str = i18n.DEFAULT) -> Response:
    return Response({"code": error.code, "message": error.text(lang)},
                    status_code=error.status, headers={**error.headers, "Vary": "Accept-Language"})


def answers(view, request_of=lambda: None):
    """Decorate a view: domain errors become their status and `{code, message}` body in the
    request's language; any other exception is logged and answered as a plain 500 without
    internals. `request_of` gives the current request (for its Accept-Language)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except AntreError as e:
            return error_response(e, language(request_of()))
        except Exception as e:
            busy = overload_error(e)
            if busy is not None:
                log.warning("DynamoDB overloaded in %s: %r", view.__name__, e)
                return error_response(busy, language(request_of()))
            log.exception("unhandled error in %s", view.__name__)
            return error_response(AntreError(code="internal_error", http_status=500),
                                  language(request_of()))

    return wrapper


def route(bp, path: str, *, doc: Op | None = None, **kwargs):
    """`bp.route` with the error mapping above and the route's documentation (`doc`, for
    the OpenAPI document; only the pages go without). JSON routes accept any JSON content
    type."""
    if kwargs.get("methods", ["GET"]) != ["GET"]:
        kwargs.setdefault("content_types", JSON_TYPES)
    if doc is not None:
        docs.register(kwargs.get("methods", ["GET"]), path, doc)

    def register(view):
        return bp.route(path, **kwargs)(answers(view, lambda: bp.current_request))

    return register


def parse(request, model: type[BaseModel]) -> BaseModel:
    """The request's JSON body as `model`; 400 for bad JSON, 422 naming the bad fields."""
    raw = request.raw_body or b""
    try:
        data = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise BadRequest("body.not_json") from e
    if not isinstance(data, dict):
        raise BadRequest("body.not_object")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise _described(e) from e


_PYDANTIC_PROBLEMS = {"missing", "extra_forbidden", "string_type", "bool_type", "int_type",
                      "list_type", "string_too_short", "string_too_long",
                      "string_pattern_mismatch", "greater_than_equal", "less_than_equal",
                      "too_short", "too_long"}


def _described(error: ValidationError) -> ValidationFailed:
    """The first invalid field, named, with pydantic's problem in our own catalog's words."""
    err = error.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "body"
    kind = err["type"] if err["type"] in _PYDANTIC_PROBLEMS else "invalid"
    params = {k: v for k, v in (err.get("ctx") or {}).items()
              if k in ("min_length", "max_length", "ge", "le")}
    return ValidationFailed.field(where, f"validation.{kind}", **params)


def principal(request, also=None) -> Principal:
    """The caller of an `Authorization: Bearer` request, with its account: a token of a
    missing or disabled account, or one issued before a password reset or a logout from
    everywhere, is 401 (one read, which the use case then reuses; `also` adds the items a
    use case needs to that read, see `accounts.authenticated`)."""
    from chalicelib.services.accounts import authenticated

    return authenticated(read_token(request.headers.get("authorization"), clock.now()), also)


def client_address(request) -> str:
    """The caller's IP address as API Gateway (or the local server) saw it."""
    context = getattr(request, "context", None) or {}
    return (context.get("identity") or {}).get("sourceIp") or "unknown"


def query_param(request, name: str) -> str | None:
    return (request.query_params or {}).get(name)


def int_param(request, name: str, low: int, high: int, *, default: int) -> int:
    """A whole-number query parameter from `low` to `high` (422 otherwise), or `default`."""
    raw = query_param(request, name)
    if raw is None:
        return default
    if not re.fullmatch(r"-?[0-9]{1,9}", raw) or not low <= int(raw) <= high:
        raise ValidationFailed.field(name, "validation.invalid")
    return int(raw)


def now():
    return clock.now()


def created(body) -> Response:
    return Response(body, status_code=201)


_CHALICE_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found",
                  405: "method_not_allowed", 415: "unsupported_media_type",
                  500: "internal_error"}


API_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}


def normalise_errors(event, get_response):
    """HTTP middleware: errors Chalice answers by itself (405, 415, ...) get our shape too;
    every API answer is HTTPS-only (HSTS) and, unless it says otherwise, never cached
    (answers carry personal data: bookings, tickets, accounts)."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
        code = _CHALICE_CODES.get(response.status_code, "error")
        lang = i18n.negotiate((event.headers or {}).get("accept-language"))
        response.body = {"code": code, "message": i18n.text(f"error.{code}", lang)}
    headers = response.headers
    for name, value in API_HEADERS.items():
        headers.setdefault(name, value)
    # the app's clock (DEMO_NOW on the local stage), which the pages show instead of the
    # browser's: the Date header is the web server's wall clock
    headers["X-Antre-Now"] = clock.now().isoformat(timespec="seconds")
    if not any(k.lower() == "cache-control" for k in headers):
        headers["Cache-Control"] = "no-store"
    return response
