"""Phone, NIK, email and code normalisation."""
import random

import pytest

from chalicelib.domain.identity import (
    BOOKING_CODE_ALPHABET, check_password_strength, new_booking_code, new_verification_code, nik_hash, nik_last4,
    normalize_booking_code, normalize_email, normalize_phone, validate_nik,
)
from chalicelib.errors import ValidationFailed


@pytest.mark.parametrize("raw", ["0812-3456-7890", "6281234567890", "+62 812 3456 7890",
                                 "81234567890", "(0812) 3456.7890", "+62-812-3456-7890"])
def test_phone_forms_normalise_to_e164(raw):
    assert normalize_phone(raw) == "+6281234567890"


def test_phone_length_bounds():
    assert normalize_phone("0812-345-67") == "+6281234567"  # 8 digits after +62
    assert normalize_phone("0812 3456 78901") == "+62812345678901"  # 12 digits


@pytest.mark.parametrize("raw", ["", "0812", "0812345678901234", "+62 0812 3456 7890",
                                 "+1 415 555 0100", "0812-3456-789x", "00812345678", None])
def test_phone_rejects(raw):
    with pytest.raises(ValidationFailed, match="^phone: "):
        normalize_phone(raw)


@pytest.mark.parametrize("raw", ["021 8765 4321", "(0251) 832-1234", "+62 21 8765 4321",
                                 "622187654321", "2187654321"])
def test_a_landline_is_refused_as_the_mobile_number_with_its_reason(raw):
    """Issue 13 item 9: `021 8765 4321` was accepted; SMS codes cannot reach a landline."""
    with pytest.raises(ValidationFailed, match="landline"):
        normalize_phone(raw)


VALID_NIK = "3201014506900001"  # Jawa Barat, woman born 05-06-1990, sequence 0001


@pytest.mark.parametrize("raw, nik", [
    (VALID_NIK, VALID_NIK),
    ("3201 0145 0690 0001", VALID_NIK),
    ("3171011501850123", "3171011501850123"),  # DKI Jakarta, man born 15-01-1985
    ("9471012902000007", "9471012902000007"),  # Papua (old code 94), 29 Feb allowed
    ("9601017112990001", "9601017112990001"),  # new Papua province code, woman born 31-12
])
def test_valid_niks(raw, nik):
    assert validate_nik(raw) == nik


@pytest.mark.parametrize("raw", [
    "320101450690000",     # 15 digits
    "32010145069000012",   # 17 digits
    "32010145069000a1",    # letter
    "2001014506900001",    # province 20 does not exist
    "9801014506900001",    # province 98 does not exist
    "3201013202900001",    # day 32
    "3201017202900001",    # day 72 (woman, 32)
    "3201014006900001",    # day 40
    "3201010006900001",    # day 00
    "3201013102900001",    # 31 February
    "3201010113900001",    # month 13
    "3201010100900001",    # month 00
    "3201014506900000",    # sequence 0000
    "",
])
def test_invalid_niks(raw):
    with pytest.raises(ValidationFailed, match="^nik: "):
        validate_nik(raw)


def test_nik_hash_is_deterministic_and_keyed():
    h = nik_hash(VALID_NIK, b"k1")
    assert h == nik_hash(VALID_NIK, b"k1") and len(h) == 64
    assert h != nik_hash(VALID_NIK, b"k2")
    assert h != nik_hash("3171011501850123", b"k1")
    with pytest.raises(ValueError):
        nik_hash(VALID_NIK, b"")


def test_nik_last4():
    assert nik_last4(VALID_NIK) == "0001"


def test_email_normalised():
    assert normalize_email("  Warga.Satu@Example.CO.ID ") == "warga.satu@example.co.id"


@pytest.mark.parametrize("raw", ["", "warga", "warga@example", "a@b@example.com", "@example.com",
                                 "war ga@example.com", "warga@.com", "warga@example.",
                                 "a" * 250 + "@x.id", None])
def test_email_rejects(raw):
    with pytest.raises(ValidationFailed, match="^email: "):
        normalize_email(raw)


def test_booking_code_alphabet_is_unambiguous():
    assert len(BOOKING_CODE_ALPHABET) == len(set(BOOKING_CODE_ALPHABET)) == 32
    assert not set("01OI") & set(BOOKING_CODE_ALPHABET)


def test_new_booking_code():
    codes = {new_booking_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 8 and set(c) <= set(BOOKING_CODE_ALPHABET) for c in codes)
    assert new_booking_code(random.Random(7)) == new_booking_code(random.Random(7))


def test_normalize_booking_code():
    assert normalize_booking_code("abcd-efgh") == "ABCDEFGH"
    assert normalize_booking_code(" 2345 6789 ") == "23456789"
    for bad in ("ABCDEFG", "ABCDEFGHJ", "ABCDEFG0", "ABCDEFGO", "ABCDEFG1", "ABCDEFGI", "", None):
        assert normalize_booking_code(bad) is None


def test_new_verification_code():
    codes = [new_verification_code() for _ in range(50)]
    assert all(len(c) == 6 and c.isascii() and c.isdigit() for c in codes)
    assert len(set(codes)) > 1


def test_password_strength_is_estimated_up_to_the_longest_password_allowed():
    """zxcvbn stops at 72 characters unless told (a ValueError: schemathesis found the 500)."""
    check_password_strength("kopi tubruk di stasiun bogor " * 4 + "x" * 12)  # 128
    with pytest.raises(ValidationFailed):
        check_password_strength("a" * 128)


@pytest.mark.parametrize("password, person, why", [
    ("sitirahma1985", {"name": "Siti Rahma"}, "your name"),       # issue 13 item 9's reset
    ("SitiRahma!85", {"name": "Siti Rahma"}, "your name"),
    ("aminah.siti", {"name": "Siti Aminah"}, "your name"),
    ("warga.baru77", {"email": "warga.baru@example.id"}, "your name or email"),
    ("xq05061990", {"nik": "3201014506900001"}, "birth year"),   # a woman born 5 June 1990
    ("Kuda!1990", {}, "year"),
    ("bogor12345", {}, "city"),
    ("Cianjur#2024", {"places": ["Cianjur"]}, "year"),
    ("cianjurku99", {"places": ["Cianjur"]}, "city"),
    ("rahasia123", {}, "commonly used"),
    ("rahasia-123", {}, "commonly used"),
    ("indonesia2026", {}, "commonly used"),
    ("Sayang#99!", {}, "commonly used"),
    ("bismillah", {}, "commonly used"),
])
def test_guessable_passwords_are_refused_with_their_reason(password, person, why):
    with pytest.raises(ValidationFailed, match=why):
        check_password_strength(password, **person)


@pytest.mark.parametrize("password", ["kuda-lari-123", "rahasia-kuda-lari", "kuda merah berlari 7",
                                      "siti-gelas-pecah-tujuh", "correct horse battery staple"])
def test_unrelated_words_pass_even_with_a_name_or_common_word_among_them(password):
    check_password_strength(password, name="Siti Rahma", email="siti@example.id",
                            nik="3201014506900001", places=["Bogor"])


def test_the_population_registry_seam_is_off_and_calls_nothing():
    """Issue 14: a seam for a future check against Dukcapil's registry, never a call."""
    from chalicelib import config
    from chalicelib.services import accounts

    assert config.from_env({}).identity_verifier == "off"
    assert set(accounts.VERIFIERS) == {"off"}
    assert accounts.VERIFIERS["off"]().check("3201014506900001", "Siti Aminah") is None
    assert issubclass(accounts.VERIFIERS["off"], accounts.IdentityVerifier)
