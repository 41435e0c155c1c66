"""The OpenAPI 3.1 document of the API, built from the code it describes: each route declares
its documentation where it is defined (`docs.REGISTRY`), request schemas come from the
routes' pydantic bodies, error codes from `chalicelib.errors`, answers from `api.schemas`."""
from __future__ import annotations

import re
from typing import Literal

from chalice import Blueprint
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from chalicelib import errors
from chalicelib.api import fields
from chalicelib.api.docs import ACCEPT_LANGUAGE, REGISTRY, Answer, Op
from chalicelib.api.http import route
from chalicelib.errors import AntreError

bp = Blueprint(__name__)

INTERNAL_ERROR = "internal_error"  # answered by `http.answers` for an unexpected exception
CHALICE_ERRORS = ("method_not_allowed", "unsupported_media_type")  # `http.normalise_errors`


def _error_classes() -> list[type[AntreError]]:
    found, todo = [], list(AntreError.__subclasses__())
    while todo:
        cls = todo.pop(0)
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


ERROR_CODES = tuple(sorted({c.code for c in _error_classes()} | {INTERNAL_ERROR}
                           | set(CHALICE_ERRORS)))


class Error(BaseModel):
    """Every error answer. `code` is stable and meant for programs; `message` is for people,
    in the request's language (`Accept-Language`: Bahasa Indonesia by default, or English)."""

    code: Literal[ERROR_CODES]  # type: ignore[valid-type]
    message: str


_SLUG = {"type": "string", "pattern": fields.SLUG}
_ULID = {"type": "string", "pattern": fields.ULID}
# Every path parameter: (description, schema). A value of the right shape that names nothing
# the caller may see is 404, like one of the wrong shape.
PATH_PARAMETERS = {
    "mall_id": ("A mall, e.g. `kota-bogor`.", _SLUG),
    "service_id": ("A service of the mall.", _SLUG),
    "agency_id": ("An agency of the mall.", _SLUG),
    "counter_id": ("A counter (loket) of the mall.", _SLUG),
    "booking_id": ("One of the caller's bookings; anyone else's is 404.", _ULID),
    "waitlist_id": ("One of the caller's waitlist entries; anyone else's is 404.", _ULID),
    "mail_id": ("An outbox mail about the admin's own mall.", _ULID),
    "kiosk_id": ("A kiosk of the admin's mall.", _ULID),
    "account_id": ("A staff or admin account of the mall.", _ULID),
    "ticket_id": ("A ticket's unguessable id.", {"type": "string", "pattern": fields.TICKET_ID}),
    "closure_id": ("A closure: its mall and a ULID, e.g. `kota-bogor.01J...`.",
                   {"type": "string", "pattern": fields.CLOSURE_ID}),
    "code": ("A booking code of a booking at the admin's mall; any other is 404.",
             {"type": "string"}),
    "date": ("A day, in the mall's time zone.",
             {"type": "string", "format": "date", "pattern": fields.DATE}),
}

HEADERS = {
    "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}},
    "ETag": {"description": "Send it back as If-None-Match.", "schema": {"type": "string"}},
    "Set-Cookie": {"description": "`antre_walkin=<phone id>`: this phone for the hall QR "
                                  "(HttpOnly, SameSite=Strict, a day).",
                   "schema": {"type": "string"}},
}

DESCRIPTION = """\
Book a slot for a public service at one of Indonesia's public service malls (Mal Pelayanan
Publik), check in at the mall's kiosk and follow the queue.

JSON in and out, field names in snake_case. Dates (`YYYY-MM-DD`) and times (`HH:MM`) are in
the mall's own time zone; instants are ISO 8601 with offset. Every error is
`{"code", "message"}`; the codes are stable (see the `Error` schema) and the message follows
`Accept-Language` (Bahasa Indonesia by default, English on request).

Citizens, staff and admins send `Authorization: Bearer <token>` (from `POST /v1/sessions`);
kiosks send `X-Kiosk-Key: <key>` (from an admin's `POST /v1/admin/kiosks`)."""

TAGS = [{"name": "accounts", "description": "Accounts and sessions"},
        {"name": "catalog", "description": "Malls, services and free slots; no login"},
        {"name": "bookings", "description": "A citizen's own bookings"},
        {"name": "kiosk", "description": "The mall's kiosks (X-Kiosk-Key, one mall each)"},
        {"name": "floor", "description": "The queue in the hall: the call display, a ticket, "
                                         "a walk-in ticket on a phone; no login"},
        {"name": "staff", "description": "Counter staff (role staff, one mall)"},
        {"name": "admin", "description": "Mall admins (role admin, one mall)"},
        {"name": "meta", "description": "About the API itself"}]


# --- building --------------------------------------------------------------------------------

_document: dict | None = None


def document() -> dict:
    """The document, built once per process."""
    global _document
    if _document is None:
        _document = _build()
    return _document


def _build() -> dict:
    operations = dict(sorted(REGISTRY.items(), key=lambda kv: (kv[0][1], kv[0][0])))
    bodies = {op.body for op in operations.values() if op.body}
    answers = {Error} | {_model(a.schema) for op in operations.values() for a in op.answers}
    models = [(m, "validation") for m in sorted(bodies, key=lambda m: m.__name__)]
    models += [(m, "serialization")
               for m in sorted(answers - {None}, key=lambda m: m.__name__)]
    _, schemas = models_json_schema(models, ref_template="#/components/schemas/{model}")
    paths: dict[str, dict] = {}
    for (method, path), op in operations.items():
        paths.setdefault(path, {})[method.lower()] = _operation(method, path, op)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Antre API", "version": "1.0.0", "description": DESCRIPTION},
        "tags": TAGS,
        "paths": paths,
        "components": {
            "schemas": schemas["$defs"],
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                           "description": "The token from POST /v1/sessions."},
                "kiosk": {"type": "apiKey", "in": "header", "name": "X-Kiosk-Key",
                          "description": "A kiosk's key, from POST /v1/admin/kiosks."},
                "display": {"type": "apiKey", "in": "header", "name": "X-Display-Key",
                            "description": "A hall TV's key, from POST /v1/admin/kiosks "
                                           "with kind display: it only mints the hall QR."}},
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


def _answer(a: Answer) -> dict:
    answer: dict = {"description": a.description}
    if a.schema is not None:
        answer["content"] = {a.media: {"schema": _schema(a.schema)}}
        answer["content"].update({media: {"schema": schema} for media, schema in a.alternatives})
    if a.headers:
        answer["headers"] = {name: HEADERS[name] for name in a.headers}
    return answer


def _operation(method: str, path: str, op: Op) -> dict:
    names = re.findall(r"{(\w+)}", path)
    parameters = [{"name": name, "in": "path", "required": True,
                   "description": PATH_PARAMETERS[name][0], "schema": PATH_PARAMETERS[name][1]}
                  for name in names]
    parameters += [*op.parameters, ACCEPT_LANGUAGE]
    responses = {str(a.status): _answer(a) for a in op.answers}
    failures = list(op.errors)
    if names:  # a path naming nothing the caller may see
        failures.append(errors.NotFound)
    if "date" in names or any(p["in"] == "query" and p.get("required") for p in op.parameters):
        failures.append(errors.ValidationFailed)  # a query or path value the server checks
    if op.body:  # `http.parse`: bad JSON is 400, invalid fields 422
        failures += [errors.BadRequest, errors.ValidationFailed]
    if method != "GET":  # chalice: a body of another media type than JSON is 415
        failures.append(_UnsupportedMedia)
    if op.auth:
        failures.append(errors.Unauthorized)
    if op.tag != "meta":  # DynamoDB overloaded after retries (`http.answers`)
        failures.append(errors.Busy)
    responses.update(_error_responses(failures))
    result = {"operationId": op.operation_id, "summary": op.summary, "tags": [op.tag],
              "responses": responses, "parameters": parameters}
    if op.description:
        result["description"] = op.description
    if op.body:
        # a body with no required field may be left out: `http.parse` reads none as {}
        result["requestBody"] = {"required": any(f.is_required()
                                                 for f in op.body.model_fields.values()),
                                 "content": {"application/json": {"schema": _ref(op.body)}}}
    if op.auth:
        result["security"] = [{op.auth: []}]
    return result


class _UnsupportedMedia(AntreError):
    """Chalice's own 415 for a body that is not JSON (reshaped by `http.normalise_errors`)."""

    code, status = "unsupported_media_type", 415


def _error_responses(failures: list[type[AntreError]]) -> dict:
    """One response per status, with an example per code; every route may answer 500."""
    by_status: dict[int, dict[str, str]] = {}
    for cls in failures:
        by_status.setdefault(cls.status, {})[cls.code] = cls().text("id")
    by_status[500] = {INTERNAL_ERROR: AntreError(code=INTERNAL_ERROR).text("id")}
    responses = {}
    for status, codes in sorted(by_status.items()):
        examples = {code: {"value": {"code": code, "message": message}}
                    for code, message in codes.items()}
        answer = {"description": ", ".join(f"`{c}`" for c in codes),
                  "content": {"application/json": {"schema": _ref(Error),
                                                   "examples": examples}}}
        if status in (429, 503):
            answer["headers"] = {"Retry-After": HEADERS["Retry-After"]}
        responses[str(status)] = answer
    return responses


@route(bp, "/v1/openapi.json", doc=Op(
    "openapi", "This document", "meta",
    (Answer(200, "The OpenAPI 3.1 document", {"type": "object"}),)))
def openapi():
    return document()
