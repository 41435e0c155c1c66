"""Logs are structured JSON with the request's id, and no line carries a NIK, an email, a
phone number, a password or a token, whatever the journey (failures included)."""
import io
import json
import logging
from datetime import timedelta

from chalicelib.logs import RedactingFormatter, logger
from chalicelib.mail import sender
from tests.api.helpers import BOOK, KIOSK, call, login, nik, verification_code
from tests.conftest import fail_next_ses_sends, fail_next_sms

EMAIL, PASSWORD, PHONE, NIK = "rahasia.warga@example.id", "kuda merah berlari 7", \
    "0812-9876-5432", nik(4321)


def test_journeys_leave_no_personal_data_in_the_logs(client, fixed_clock):
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(RedactingFormatter())
    watched = logging.getLogger("chalicelib")
    watched.addHandler(handler)
    level = watched.level
    watched.setLevel(logging.DEBUG)
    try:
        fail_next_ses_sends(1)  # SES refusing names the address in its error
        fail_next_sms(1)
        call(client, "POST", "/v1/accounts", {"email": EMAIL, "password": PASSWORD,
                                              "name": "Warga Rahasia", "phone": PHONE,
                                              "nik": NIK, "sms_opt_in": True})
        for _ in range(2):  # the retry sends what SES and SNS refused
            fixed_clock.advance(timedelta(minutes=2))
            sender.deliver_due(fixed_clock.now())
        call(client, "POST", "/v1/accounts/verify", {"email": EMAIL,
                                                     "code": verification_code(EMAIL)})
        call(client, "POST", "/v1/sessions", {"email": EMAIL, "password": "salah sekali 1"})
        token = login(client, EMAIL, PASSWORD)
        booking = call(client, "POST", "/v1/bookings", {**BOOK, "date": "2026-12-08"},
                       token=token)[1]
        call(client, "POST", "/v1/kiosk/checkins", {"code": booking["code"]}, headers=KIOSK)
        call(client, "POST", f"/v1/bookings/{booking['booking_id']}/cancel", token=token)
        call(client, "GET", "/v1/me", token=token + "x")
        # a careless line is masked too (a password cannot be told from other words, so
        # none is ever logged: the journeys above prove the code does not)
        logging.getLogger("chalicelib.test").warning(
            "a careless line: %s %s %s Bearer %s", EMAIL, NIK, PHONE, token)
    finally:
        watched.removeHandler(handler)
        watched.setLevel(level)
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    assert lines, "the journeys logged nothing: the check would prove nothing"
    text = "\n".join(lines)
    for secret in (EMAIL, NIK, PHONE, "81298765432", token, PASSWORD):
        assert secret not in text, secret
    assert all(json.loads(line)["level"] for line in lines)  # every line is JSON


def test_a_request_logs_with_its_request_id(client):
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(dict(logger.get_current_keys()))

    keep = Keep()
    watched = logging.getLogger("chalicelib")
    watched.addHandler(keep)
    try:
        call(client, "POST", "/v1/kiosk/checkins", {"code": "ZZZZZZZZ"},
             headers={"X-Kiosk-Key": "wrong"})
        logging.getLogger("chalicelib.api").warning("inside no request")
    finally:
        watched.removeHandler(keep)
    assert "request_id" not in seen[-1]  # the keys end with the request
