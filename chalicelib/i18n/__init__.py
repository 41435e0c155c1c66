"""Every text the API writes for a person, in Bahasa Indonesia first and English, by stable key.

Texts live in `catalog.MESSAGES`, both languages side by side, so a missing translation is a
failing test (`tests/unit/test_i18n.py`) rather than an English sentence on an Indonesian
screen. Code raises errors with a key and parameters; the HTTP layer renders them in the
language the request asks for (`Accept-Language`), Bahasa Indonesia by default.
"""
from __future__ import annotations

from datetime import date, datetime

from chalicelib.i18n.catalog import MESSAGES

__all__ = ["MESSAGES", "ByLanguage", "Text", "format_date", "negotiate", "text"]

LANGUAGES = ("id", "en")
DEFAULT = "id"

_DAYS = {"id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
         "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")}
_MONTHS = {"id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                  "September", "Oktober", "November", "Desember"),
           "en": ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December")}


def format_date(day: date, lang: str = DEFAULT) -> str:
    """"Selasa, 8 Desember 2026" / "Tuesday 8 December 2026"."""
    lang = lang if lang in LANGUAGES else DEFAULT
    weekday, month = _DAYS[lang][day.weekday()], _MONTHS[lang][day.month - 1]
    sep = "," if lang == "id" else ""
    return f"{weekday}{sep} {day.day} {month} {day.year}"


class Text:
    """A message to be written later, in the language of whoever reads it; also usable as a
    parameter of another message (a field problem inside "nik: ...", a status name)."""

    def __init__(self, key: str, **params):
        if key not in MESSAGES:
            raise KeyError(f"no message {key!r} in the catalog")
        self.key, self.params = key, params

    def render(self, lang: str = DEFAULT) -> str:
        return text(self.key, lang, **self.params)

    def __repr__(self) -> str:
        return f"Text({self.key!r}, **{self.params!r})"


class ByLanguage(dict):
    """A parameter that comes in several languages already, e.g. {"id": ..., "en": ...}."""

    def render(self, lang: str) -> str:
        return self.get(lang) or self.get(DEFAULT) or next(iter(self.values()), "")


def _param(value, lang: str):
    if isinstance(value, datetime):
        return f"{format_date(value.date(), lang)} {value.strftime('%H:%M')}"
    if isinstance(value, date):
        return format_date(value, lang)
    if isinstance(value, (Text, ByLanguage)):
        return value.render(lang)
    return value


def text(key: str, lang: str = DEFAULT, **params) -> str:
    """The message `key` in `lang` with `params` filled in; unknown keys raise KeyError."""
    entry = MESSAGES[key]
    template = entry.get(lang) or entry[DEFAULT]
    return template.format(**{k: _param(v, lang) for k, v in params.items()})


def negotiate(accept_language: str | None) -> str:
    """The best of our languages for an `Accept-Language` header (RFC 9110 q-values)."""
    best, best_q = DEFAULT, -1.0
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if primary in LANGUAGES and q > best_q and q > 0:
            best, best_q = primary, q
    return best
