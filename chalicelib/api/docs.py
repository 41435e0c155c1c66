"""What each route documents about itself, declared beside the route (`http.route(doc=...)`).

The OpenAPI document (`api.openapi`) is built from this registry, so a route cannot exist
undocumented and the documentation cannot describe a route that is gone.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel

from chalicelib.api import fields
from chalicelib.errors import AntreError


@dataclass(frozen=True)
class Answer:
    status: int
    description: str
    schema: type[BaseModel] | list | dict | None = None  # a model, [model], or a raw schema
    media: str = "application/json"
    headers: tuple[str, ...] = ()  # names from `HEADERS` in api.openapi
    alternatives: tuple[tuple[str, dict], ...] = ()  # other media types: (type, schema)


@dataclass(frozen=True)
class Op:
    operation_id: str
    summary: str
    tag: str
    answers: tuple[Answer, ...]
    errors: tuple[type[AntreError], ...] = ()
    body: type[BaseModel] | None = None
    auth: str | None = None  # "bearer" (citizen, staff, admin) | "kiosk" | "display" | None
    parameters: tuple[dict, ...] = ()
    description: str = ""


REGISTRY: dict[tuple[str, str], Op] = {}


def register(methods, path: str, op: Op) -> None:
    for method in methods:
        key = (method.upper(), path)
        if key in REGISTRY and REGISTRY[key] != op:
            raise ValueError(f"{method} {path} is documented twice")
        REGISTRY[key] = op


# Parameters several routes share
DATE_SCHEMA = {"type": "string", "format": "date", "pattern": fields.DATE}


def date_query(name: str, description: str = "In the mall's time zone.") -> dict:
    return {"name": name, "in": "query", "required": True, "description": description,
            "schema": DATE_SCHEMA}


DATE_QUERY = date_query("date", "The day, in the mall's time zone.")
# printable ASCII, 1 to 128 characters, no space at either end (HTTP would drop it)
IDEMPOTENCY_KEY_PATTERN = r"^[!-~](?:[ -~]{0,126}[!-~])?$"
IDEMPOTENCY_KEY_RE = re.compile(IDEMPOTENCY_KEY_PATTERN)
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "The same key from the same account answers the same booking (200) and "
                   "never books twice; reused for a different request it is refused.",
    "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN}}
ACCEPT_LANGUAGE = {
    "name": "Accept-Language", "in": "header", "required": False,
    "description": "The language of error messages: Bahasa Indonesia (`id`, the default) or "
                   "English (`en`). Codes never change with the language.",
    "schema": {"type": "string", "examples": ["id", "en;q=0.9"]}}
IF_NONE_MATCH = {
    "name": "If-None-Match", "in": "header", "required": False,
    "description": "The ETag of the last answer: 304 without a body when nothing changed.",
    "schema": {"type": "string"}}
