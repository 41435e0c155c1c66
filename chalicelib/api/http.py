"""The one place that turns requests into values and errors into `{code, message}` answers."""
from __future__ import annotations

import functools
import json
import logging

from chalice import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from chalicelib import clock
from chalicelib.errors import AntreError, BadRequest, ValidationFailed
from chalicelib.store.db import overload_error
from chalicelib.services.auth import Principal, read_token

log = logging.getLogger(__name__)

JSON_TYPES = ["application/json", "text/plain"]  # text/plain: sendBeacon and simple forms


class Body(BaseModel):
    """Request bodies: unknown fields are refused, strings are not coerced from numbers."""

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


def error_response(error: AntreError) -> Response:
    return Response({"code": error.code, "message": error.message},
                    status_code=error.status, headers=error.headers)


def answers(view):
    """Decorate a view: domain errors become their status and `{code, message}` body; any
    other exception is logged and answered as a plain 500 without internals."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except AntreError as e:
            return error_response(e)
        except Exception as e:
            busy = overload_error(e)
            if busy is not None:
                log.warning("DynamoDB overloaded in %s: %r", view.__name__, e)
                return error_response(busy)
            log.exception("unhandled error in %s", view.__name__)
            return _internal_error()

    return wrapper


def _internal_error() -> Response:
    return Response({"code": "internal_error",
                     "message": "Something went wrong on our side; please try again."},
                    status_code=500)


def route(bp, path: str, **kwargs):
    """`bp.route` with the error mapping above; JSON routes accept any JSON content type."""
    if kwargs.get("methods", ["GET"]) != ["GET"]:
        kwargs.setdefault("content_types", JSON_TYPES)

    def register(view):
        return bp.route(path, **kwargs)(answers(view))

    return register


def parse(request, model: type[BaseModel]) -> BaseModel:
    """The request's JSON body as `model`; 400 for bad JSON, 422 naming the bad fields."""
    raw = request.raw_body or b""
    try:
        data = json.loads(raw) if raw.strip() else {}
    except (ValueError, UnicodeDecodeError, RecursionError) as e:
        raise BadRequest("The body is not valid JSON.") from e
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object.")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise ValidationFailed(_describe(e)) from e


def _describe(error: ValidationError) -> str:
    parts = []
    for err in error.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "body"
        parts.append(f"{where}: {err['msg']}")
    return "; ".join(parts)


def principal(request) -> Principal:
    return read_token(request.headers.get("authorization"), clock.now())


def query_param(request, name: str) -> str | None:
    return (request.query_params or {}).get(name)


def now():
    return clock.now()


def created(body) -> Response:
    return Response(body, status_code=201)


_CHALICE_CODES = {400: "bad_request", 403: "forbidden", 404: "not_found",
                  405: "method_not_allowed", 415: "unsupported_media_type",
                  500: "internal_error"}


def normalise_errors(event, get_response):
    """HTTP middleware: errors Chalice answers by itself (405, 415, ...) get our shape too."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
        code = _CHALICE_CODES.get(response.status_code, "error")
        response.body = {"code": code, "message": str(body.get("Message", ""))}
    return response
