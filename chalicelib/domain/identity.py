"""Citizen identifiers (phone, NIK, email) and booking codes: normalised once so storage keys and lookups agree."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import date

from chalicelib.errors import ValidationFailed

_PHONE_JUNK = re.compile(r"[\s\-.()]")
_DIGITS = re.compile(r"[0-9]+")  # ASCII only; str.isdigit() also accepts other scripts' digits

# Province kode wilayah (Kemendagri). 91-97 is deliberately permissive: it covers Papua and
# Papua Barat (whose codes older KTPs carry as 94/91) and the provinces split off in 2022.
NIK_PROVINCE_CODES = frozenset(
    [11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53,
     61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96, 97])

# No 0/O or 1/I so a code read aloud or typed from paper is unambiguous; 32**8 = 2**40 codes.
BOOKING_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
BOOKING_CODE_LENGTH = 8


def normalize_phone(raw: str) -> str:
    """An Indonesian mobile number as E.164 "+628…", whichever of the usual local forms it
    was typed in: codes and offers go to it by SMS, so a landline (021…) is refused.

    Accepts 0812…, 62812…, +62 812…, 812… with spaces, dashes, dots or parentheses.
    """
    if not isinstance(raw, str):
        raise ValidationFailed.field("phone", "validation.phone_required")
    number = _PHONE_JUNK.sub("", raw)
    if number.startswith("+62"):
        rest = number[3:]
    elif number.startswith("+"):
        raise ValidationFailed.field("phone", "validation.phone_foreign")
    elif number.startswith("62"):
        rest = number[2:]
    elif number.startswith("0"):
        rest = number[1:]
    else:
        rest = number
    if not _DIGITS.fullmatch(rest) or not 8 <= len(rest) <= 12 or rest[0] == "0":
        raise ValidationFailed.field("phone", "validation.phone_invalid")
    if rest[0] != "8":  # 021…, 0251…: a landline cannot receive a code by SMS
        raise ValidationFailed.field("phone", "validation.phone_landline")
    return "+62" + rest


def validate_nik(raw: str) -> str:
    """The 16-digit NIK if its structure is plausible; catches typos before they bind a booking.

    Layout: province(2) regency(2) district(2) birth DDMMYY(6, women day+40) sequence(4).
    """
    if not isinstance(raw, str):
        raise ValidationFailed.field("nik", "validation.nik_required")
    nik = re.sub(r"[\s\-.]", "", raw)  # pasted with spaces, dashes or dots
    if len(nik) != 16 or not _DIGITS.fullmatch(nik):
        raise ValidationFailed.field("nik", "validation.nik_digits")
    if int(nik[:2]) not in NIK_PROVINCE_CODES:
        raise ValidationFailed.field("nik", "validation.nik_province")
    day, month = int(nik[6:8]), int(nik[8:10])
    if day > 40:
        day -= 40
    try:
        date(2000, month, day)  # a leap year, so 29 February is allowed whatever the YY
    except ValueError:
        raise ValidationFailed.field("nik", "validation.nik_birth") from None
    if nik[12:] == "0000":
        raise ValidationFailed.field("nik", "validation.nik_sequence")
    return nik


def nik_hash(nik: str, key: bytes) -> str:
    """Keyed HMAC-SHA256 of the NIK, so uniqueness can be checked without storing the NIK.

    A plain hash would not do: the NIK space is small and structured enough to brute-force.
    """
    if not key:
        raise ValueError("nik_hash needs a non-empty secret key")
    return hmac.new(key, nik.encode("ascii"), hashlib.sha256).hexdigest()


def nik_last4(nik: str) -> str:
    """The last four digits, enough for a citizen to recognise their NIK on screen."""
    return nik[-4:]


def normalize_email(raw: str) -> str:
    """Trimmed, lowercased address with a light sanity check; the verification email is the real test."""
    if not isinstance(raw, str):
        raise ValidationFailed.field("email", "validation.email_required")
    email = raw.strip().lower()
    if not email or len(email) > 254:
        raise ValidationFailed.field("email", "validation.email_length")
    if re.search(r"\s", email):
        raise ValidationFailed.field("email", "validation.email_spaces")
    local, at, domain = email.partition("@")
    if not at or "@" in domain or not local:
        raise ValidationFailed.field("email", "validation.email_shape")
    if "." not in domain or domain.startswith(".") or domain.endswith("."):
        raise ValidationFailed.field("email", "validation.email_domain")
    return email


_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_NAME_PARTS = re.compile(r"[^\W\d_]+")


def _birth_parts(nik: str | None) -> list[str]:
    """The birth date a NIK carries (DDMMYY, women's day + 40) in the forms people type."""
    if not nik or len(nik) != 16:
        return []
    day, month, yy = int(nik[6:8]), nik[8:10], nik[10:12]
    day = day - 40 if day > 40 else day
    dd = f"{day:02d}"
    return [f"19{yy}", f"20{yy}", f"{dd}{month}{yy}", f"{dd}{month}", f"{yy}{month}{dd}"]


def check_password_strength(password: str, *, name: str | None = None,
                            email: str | None = None, nik: str | None = None,
                            places: tuple[str, ...] | list[str] = ()) -> None:
    """Refuse a password that is easy to guess, naming why: the person's own name, a year
    (such as a birth year), a city, a common Indonesian word, or otherwise guessable.

    zxcvbn estimates the whole with the person's name, birth date, the cities and the
    common Indonesian words (domain/passwords.py) as a ranked dictionary (score 2 of 4 at
    least). zxcvbn still rates `sitirahma1985` strong (two dictionary words and a year),
    so what is left once the person's own name, years and cities are taken out must be
    strong on its own. zxcvbn refuses more than 72 characters by default (a ValueError,
    once a 500): the whole of the 128 a password may have is estimated."""
    from zxcvbn import zxcvbn

    from chalicelib.domain import passwords as words

    reasons: dict[str, str] = {}

    def add(items, reason: str) -> None:
        for item in items:
            item = (item or "").lower()
            if len(item) >= 3 and item not in reasons:
                reasons[item] = reason

    parts = _NAME_PARTS.findall((name or "").lower())
    add(parts + ["".join(parts)], "validation.password_name")
    local = (email or "").partition("@")[0].lower()
    add(_NAME_PARTS.findall(local) + [local], "validation.password_name")
    add(_birth_parts(nik), "validation.password_year")
    add(list(places) + list(words.CITIES), "validation.password_city")
    personal = sorted(reasons, key=len, reverse=True)
    add(words.COMMON_WORDS, "validation.password_common")
    add(words.COMMON_NAMES, "validation.password_common")
    inputs = list(reasons)

    def estimate(text: str) -> dict:
        return zxcvbn(text[:128], user_inputs=inputs, max_length=128)

    def refuse(reason: str):
        raise ValidationFailed.field("password", reason)

    whole = estimate(password)
    if whole["score"] < 2:
        found = [reasons[m["matched_word"]] for m in whole["sequence"]
                 if m.get("dictionary_name") == "user_inputs" and m.get("matched_word") in reasons]
        if not found and any(_YEAR.fullmatch(m["token"]) for m in whole["sequence"]):
            found = ["validation.password_year"]
        refuse(min(found, key=_REASON_ORDER.index) if found else "validation.password_weak")
    rest, taken = password.lower(), []
    for item in personal:
        if item in rest:
            rest, taken = rest.replace(item, " "), taken + [reasons[item]]
    rest, years = _YEAR.subn(" ", rest)
    taken += ["validation.password_year"] * years
    if taken and (not rest.strip() or estimate(rest.strip())["score"] < 2):  # zxcvbn fails on ""
        refuse(min(taken, key=_REASON_ORDER.index))
    # One common word dressed with digits and signs (`rahasia-123`) is the first guess of a
    # guesser with an Indonesian list, whatever zxcvbn's English estimate says.
    letters = _NAME_PARTS.findall(rest)
    if len(letters) == 1 and letters[0] in reasons:
        refuse(reasons[letters[0]])


_REASON_ORDER = ["validation.password_name", "validation.password_year",
                 "validation.password_city", "validation.password_common",
                 "validation.password_weak"]


def new_booking_code(randbits=secrets) -> str:
    """A fresh 8-character booking code; `randbits` is anything with `.choice` (tests pass a seeded Random)."""
    return "".join(randbits.choice(BOOKING_CODE_ALPHABET) for _ in range(BOOKING_CODE_LENGTH))


def normalize_booking_code(raw: str) -> str | None:
    """The canonical code from typed or scanned input (any case, spaces/dashes), or None if it cannot be one."""
    if not isinstance(raw, str):
        return None
    code = re.sub(r"[\s\-]", "", raw).upper()
    if len(code) != BOOKING_CODE_LENGTH or any(c not in BOOKING_CODE_ALPHABET for c in code):
        return None
    return code


def new_verification_code() -> str:
    """Six random digits for email verification, zero-padded."""
    return f"{secrets.randbelow(1_000_000):06d}"


_ULID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")


def is_ulid(value: str) -> bool:
    """Whether `value` can be one of our ids (ULIDs); anything else is not found by key."""
    return bool(_ULID.fullmatch(value or ""))
