"""The types of request fields, each checked exactly as its JSON Schema in the OpenAPI
document says, so that a request the document calls valid is never refused for its shape,
and one it calls invalid is never accepted.

Patterns spell their characters out (no `\\s`, `\\d`, `$`-before-newline): the server
(pydantic's Rust regex), the document's readers (JSON Schema's ECMA dialect) and Python's
`re` then agree on every string. Text is checked as sent and only then trimmed, so its
length limits hold for what was sent. Identity fields (email, phone, NIK) are checked by
the domain's own rules first, which name the problem ("not a province code"), and then by
the pattern, which states those rules for clients.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
)

from chalicelib.domain import identity
from chalicelib.domain.identity import NIK_PROVINCE_CODES
from chalicelib.errors import ValidationFailed
from chalicelib.services.admin import TIMEZONES

# Python's whitespace (str.isspace), which is Unicode's White_Space plus \x1c-\x1f
SPACE_CHARS = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
               "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_SPACE_CLASS = r"\t-\r\x1c- \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NONBLANK = f"[^{_SPACE_CLASS}]"  # somewhere a character that is not a space

SLUG = r"^[a-z0-9][a-z0-9-]{0,63}$"
DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
HHMM = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"
ULID = r"^[0-9A-HJKMNP-TV-Z]{26}$"
TICKET_ID = r"^[A-Za-z0-9_-]{16,40}$"
CLOSURE_ID = r"^[a-z0-9][a-z0-9-]{0,63}\.[0-9A-HJKMNP-TV-Z]{26}$"
CODE6 = r"^[\t-\r ]*[0-9]{6}[\t-\r ]*$"  # as pasted, with spaces around


# Characters nobody types into a form and that change what others see: controls (Unicode
# Cc: newlines, tabs, escapes), formats (Cf: right-to-left and other bidi overrides and
# isolates, zero-width spaces and joiners, soft hyphens, tags) and the line and paragraph
# separators. A newline in a name opened a phishing paragraph in the city's own email, an
# override reordered the hall's TV. Every text field refuses them (tests/unit check the list
# against unicodedata's Cc and Cf); they are spelled out as ranges, so the pattern means the
# same in pydantic's regex, Python's `re` and the OpenAPI document's readers.
_HIDDEN_RANGES = (
    (0x00, 0x1F), (0x7F, 0x9F), (0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD),
    (0x70F, 0x70F), (0x890, 0x891), (0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F),
    (0x2028, 0x202E), (0x2060, 0x2064), (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD), (0x110CD, 0x110CD), (0x13430, 0x1343F), (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F))


def _escape(code: int) -> str:
    # \\uXXXX reads alike in every dialect; beyond the BMP no escape does (ECMA's needs the
    # u flag, Python's \\U is unknown elsewhere), so those characters are written as they are
    return f"\\u{code:04x}" if code <= 0xFFFF else chr(code)


HIDDEN_CLASS = "".join(_escape(a) if a == b else f"{_escape(a)}-{_escape(b)}"
                       for a, b in _HIDDEN_RANGES)
_HIDDEN = re.compile(f"[{HIDDEN_CLASS}]")
# what `text` asks of every field: no hidden character anywhere, something not a space
VISIBLE = f"^[^{HIDDEN_CLASS}]*$"
VISIBLE_NONBLANK = f"^[^{HIDDEN_CLASS}]*[^{HIDDEN_CLASS}{_SPACE_CLASS}][^{HIDDEN_CLASS}]*$"


def _trimmed(value: str) -> str:
    return value.strip(SPACE_CHARS)


def _visible(value: str, field: str) -> str:
    """Refuse hidden characters with a message that says so (the pattern would only say
    "has the wrong format"), before anything is trimmed."""
    if _HIDDEN.search(value):
        raise ValidationFailed.field(field, "validation.hidden_characters")
    return value


def _whole(value):
    """JSON Schema's integer includes 20.0; pydantic's strict int does not."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def text(max_length: int, *, blank: bool = False, description: str | None = None):
    """Free text of at most `max_length` characters as sent, with a character that is not
    a space unless `blank`; stored without the spaces around it."""
    # the before-validator comes after the constraints: placed first, pydantic leaves the
    # pattern out of the JSON Schema (it still checks it)
    return Annotated[str, StringConstraints(strip_whitespace=False, max_length=max_length,
                                            pattern=VISIBLE if blank else VISIBLE_NONBLANK),
                     BeforeValidator(_visible_text), AfterValidator(_trimmed),
                     Field(description=description)]


def _visible_text(value, info: ValidationInfo):
    return _visible(value, info.field_name or "text") if isinstance(value, str) else value


# A person's name: letters of any script (Unicode L*, with their combining marks M*), spaces
# and ' . , - ; at most 60 characters; stored NFC-normalised. JSON Schema's regex has no
# Unicode classes in every dialect, so the document's pattern states the part it can (no
# hidden characters, no ASCII digit or sign but those four) and the validator the rest.
NAME_MAX = 60
_NAME_PUNCTUATION = set(" '.,-")
_NOT_IN_NAMES = r"\x21-\x26\x28-\x2b\x2f-\x40\x5b-\x60\x7b-\x7e"
NAME_PATTERN = (f"^[^{HIDDEN_CLASS}{_NOT_IN_NAMES}]*[^{HIDDEN_CLASS}{_NOT_IN_NAMES}{_SPACE_CLASS}]"
                f"[^{HIDDEN_CLASS}{_NOT_IN_NAMES}]*$")


def _person_name(value: str, info: ValidationInfo) -> str:
    import unicodedata

    field = info.field_name or "name"
    name = unicodedata.normalize("NFC", value.replace("\u2019", "'")).strip(SPACE_CHARS)
    ok = 0 < len(name) <= NAME_MAX and any(unicodedata.category(c)[0] == "L" for c in name)
    for c in name:
        if not (c in _NAME_PUNCTUATION or unicodedata.category(c)[0] in "LM"):
            ok = False
    if not ok:
        raise ValidationFailed.field(field, "validation.name_letters")
    return name


# the validator refuses everything the pattern does, in words that say why
PersonName = Annotated[str, StringConstraints(strip_whitespace=False, max_length=NAME_MAX),
                       BeforeValidator(_visible_text), AfterValidator(_person_name),
                       WithJsonSchema({"type": "string", "maxLength": NAME_MAX,
                                       "pattern": NAME_PATTERN,
                                       "description": "Letters of any script, spaces and "
                                       "' . , - ; at most 60 characters (stored "
                                       "NFC-normalised)."})]


def whole(ge: int, le: int):
    """A whole number from `ge` to `le`; 20.0 is 20, as in JSON Schema."""
    return Annotated[int, Field(ge=ge, le=le), BeforeValidator(_whole)]


def _pattern(pattern: str, **schema):
    return Annotated[str, StringConstraints(strip_whitespace=False, pattern=pattern),
                     Field(json_schema_extra=schema or None)]


Slug = _pattern(SLUG)
Date = _pattern(DATE, format="date")
Time = _pattern(HHMM)
Code = Annotated[_pattern(CODE6), AfterValidator(_trimmed)]
Timezone = Literal[TIMEZONES]  # type: ignore[valid-type]
Weekday = Literal["0", "1", "2", "3", "4", "5", "6"]


# --- identity fields: the domain's rules, stated as patterns -----------------------------------

def _spaced(cls: str, separators: str) -> str:
    return f"[{cls}]{separators}"


def _nik_pattern() -> str:
    """`identity.validate_nik` as a pattern: 16 digits with spaces, dots or dashes anywhere;
    a province code; a birth date DDMMYY (women's day + 40; 29 February allowed); a
    sequence other than 0000."""
    s = "[ .-]*"

    def d(cls: str) -> str:
        return _spaced(cls, s)

    def either(*alternatives: str) -> str:
        return "(?:" + "|".join(alternatives) + ")"

    by_tens: dict[int, list[int]] = {}
    for code in sorted(NIK_PROVINCE_CODES):
        by_tens.setdefault(code // 10, []).append(code % 10)
    province = either(*(d(str(tens)) + d("".join(str(u) for u in units))
                        for tens, units in by_tens.items()))
    any_month = either(d("0") + d("1-9"), d("1") + d("0-2"))
    day_month = either(
        either(d("04") + d("1-9"), d("1256") + d("0-9")) + any_month,   # 01-29, 41-69
        d("37") + d("0") + either(d("0") + d("13-9"), d("1") + d("0-2")),  # 30, 70: not Feb
        d("37") + d("1") + either(d("0") + d("13578"), d("1") + d("02")))  # 31, 71
    sequence = either(d("1-9") + d("0-9") * 3, d("0") + d("1-9") + d("0-9") * 2,
                      d("0") * 2 + d("1-9") + d("0-9"), d("0") * 3 + d("1-9"))
    return f"^{s}{province}{d('0-9') * 4}{day_month}{d('0-9') * 2}{sequence}$"


def _phone_pattern() -> str:
    """`identity.normalize_phone` as a pattern: an Indonesian mobile number as +628…, 628…,
    08… or 8… (8 to 12 digits after the country code, the first 8), with spaces, dots,
    dashes or parentheses anywhere."""
    s = "[ .()-]*"

    def d(cls: str) -> str:
        return _spaced(cls, s)

    rest = d("8") + f"(?:[0-9]{s}){{7,11}}"
    return f"^{s}(?:(?:\\+{s})?{d('6')}{d('2')}{rest}|{d('0')}{rest}|{rest})$"


# The address as SES can send to it (7-bit ASCII: SES has no SMTPUTF8), with the rules of
# `identity.normalize_email`: a local part, one @, a domain with a dot inside; 254 at most.
_LOCAL = r"[\x21-\x3f\x41-\x7e]"  # printable ASCII but space and @
_DOMAIN_END = r"[\x21-\x2d\x2f-\x3f\x41-\x7e]"  # ... nor a dot
EMAIL = (f"^[\\t-\\r ]*{_LOCAL}{{1,64}}@{_DOMAIN_END}{_LOCAL}{{0,93}}\\.{_LOCAL}{{0,93}}"
         f"{_DOMAIN_END}[\\t-\\r ]*$")
NIK = _nik_pattern()
PHONE = _phone_pattern()


def _checked(check, pattern: str, field: str, problem: str):
    compiled = re.compile(pattern)

    def validate(value: str) -> str:
        check(value)  # the domain's own words for what is wrong
        if not compiled.fullmatch(value):
            raise ValidationFailed.field(field, problem)
        return value

    return validate


def _identity(check, pattern: str, field: str, problem: str, description: str):
    return Annotated[str, StringConstraints(strip_whitespace=False),
                     AfterValidator(_checked(check, pattern, field, problem)),
                     WithJsonSchema({"type": "string", "pattern": pattern,
                                     "description": description})]


Email = _identity(identity.normalize_email, EMAIL, "email", "validation.email_shape",
                  "An address SES can send to: ASCII, one @, a dot inside the domain; "
                  "spaces around it are ignored.")
Phone = _identity(identity.normalize_phone, PHONE, "phone", "validation.phone_invalid",
                  "An Indonesian mobile number (08… or +628…, not a landline): 0812…, "
                  "62812…, +62 812… or 812…; spaces, dots, dashes and parentheses are "
                  "ignored.")
Nik = _identity(identity.validate_nik, NIK, "nik", "validation.nik_digits",
                "The 16-digit NIK (spaces, dots and dashes as pasted are ignored): a province "
                "code, a birth date DDMMYY (women: day + 40), a sequence other than 0000.")

# Where an address only looks an account up (log in, verify, reset), one that cannot be an
# account's answers as an unknown one would: no route reveals which addresses exist.
AnyEmail = text(254, blank=True, description="The account's email address.")


def schema_of(annotation) -> dict:
    """The JSON Schema of a field type, for parameters (path, query) documented by hand."""
    from pydantic import TypeAdapter

    return TypeAdapter(annotation).json_schema()
