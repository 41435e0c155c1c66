"""The message catalog: both languages for every key, the same placeholders, every key the
code uses exists, and `Accept-Language` picks the language."""
import re
import string
from datetime import date
from pathlib import Path

import pytest

from chalicelib import i18n
from chalicelib.errors import AntreError, SlotUnavailable, ValidationFailed
from chalicelib.i18n import MESSAGES

ROOT = Path(__file__).resolve().parents[2]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_both_languages_with_the_same_placeholders(key):
    entry = MESSAGES[key]
    assert set(entry) == {"id", "en"} and entry["id"].strip() and entry["en"].strip()
    assert placeholders(entry["id"]) == placeholders(entry["en"]), key


def test_every_error_code_has_a_default_text():
    todo, codes = [AntreError], set()
    while todo:
        cls = todo.pop()
        codes.add(cls.code)
        todo.extend(cls.__subclasses__())
    assert {f"error.{c}" for c in codes} <= set(MESSAGES)


def test_every_key_the_code_names_exists():
    """Keys given to an error, a Text or a field problem exist (f-strings are checked when
    they run: an unknown key raises at once)."""
    calls = re.compile(r"""[A-Z][A-Za-z]*\(\s*["']([a-z_]+\.[a-z_.]+)["']""")
    fields = re.compile(r"""\.field\(\s*["'][^"']*["'],\s*["']([a-z_]+\.[a-z_.]+)["']""")
    missing, seen = set(), 0
    for path in (ROOT / "chalicelib").rglob("*.py"):
        text = path.read_text()
        for key in calls.findall(text) + fields.findall(text):
            seen += 1
            if key not in MESSAGES:
                missing.add(f"{path.relative_to(ROOT)}: {key}")
    assert seen > 50 and not missing


def test_unknown_keys_fail_at_once():
    with pytest.raises(KeyError):
        SlotUnavailable("slot.no_such_message")


def test_errors_render_in_either_language_with_friendly_dates():
    error = SlotUnavailable("slot.past", date=date(2026, 12, 8))
    assert error.text("id") == "Selasa, 8 Desember 2026 sudah lewat."
    assert error.text("en") == "Tuesday 8 December 2026 is in the past."
    field = ValidationFailed.field("nik", "validation.nik_digits")
    assert field.text("id") == "nik: harus tepat 16 angka"
    assert field.text("en") == "nik: must be exactly 16 digits"


@pytest.mark.parametrize("header, lang", [
    (None, "id"), ("", "id"), ("id", "id"), ("en", "en"), ("en-US,en;q=0.9", "en"),
    ("id-ID,id;q=0.9,en;q=0.8", "id"), ("fr, en;q=0.5", "en"), ("fr", "id"),
    ("en;q=0.3, id;q=0.7", "id"), ("en;q=0", "id"), ("*", "id"), ("en;q=abc", "id"),
])
def test_accept_language_is_negotiated(header, lang):
    assert i18n.negotiate(header) == lang
