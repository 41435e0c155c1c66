"""Small helpers for API tests: register-and-login a citizen, call with a token."""
from __future__ import annotations

import itertools
import json
import re

from tests.conftest import emulator_mail

_seq = itertools.count(1)
BOOK = {"mall_id": "kota-bogor", "service_id": "ktp-el", "date": "2026-12-08", "start": "09:00"}


def person_name(n: int, given: str = "Warga") -> str:
    """A unique name of letters only (a name may not hold digits): 123 -> "Warga Bcd"."""
    return f"{given} " + "".join("abcdefghij"[int(d)] for d in str(n)).capitalize()


def nik(n: int | None = None) -> str:
    """A valid, unique NIK: a woman born 5 June 1990 in Kota Bogor's province code, sequence n."""
    return f"320101450690{(n or next(_seq)) % 10000 or 1:04d}"


def call(client, method, path, body=None, token=None, headers=None, raw=None):
    h = {"Content-Type": "application/json"}
    if token:
        h["Authorization"] = f"Bearer {token}"
    h.update(headers or {})
    data = raw if raw is not None else (json.dumps(body) if body is not None else None)
    answer = client.http.request(method, path, headers=h, body=data)
    try:
        payload = json.loads(answer.body) if answer.body else None
    except ValueError:
        payload = answer.body
    return answer.status_code, payload


def register(client, email=None, password="kuda-lari-123", verify=True, nik_value=None,
             with_nik=True):
    n = next(_seq)
    email = email or f"warga{n}@example.id"
    status, body = call(client, "POST", "/v1/accounts", {
        "email": email, "password": password, "name": person_name(n),
        "phone": "0812-3456-7890", "nik": (nik_value or nik(n)) if with_nik else None})
    assert status == 201, body
    if verify:
        code = verification_code(email)
        status, body = call(client, "POST", "/v1/accounts/verify",
                            {"email": email, "code": code})
        assert status == 200, body
    return email, password


def verification_code(email: str) -> str:
    mail = [m for m in emulator_mail(email) if "verifikasi" in m["subject"].lower()]
    return re.search(r"\b(\d{6})\b", mail[0]["text"]).group(1)


def login(client, email, password="kuda-lari-123"):
    status, body = call(client, "POST", "/v1/sessions", {"email": email, "password": password})
    assert status == 200, body
    return body["token"]


def citizen(client):
    email, password = register(client)
    return email, login(client, email, password)


KIOSK = {"X-Kiosk-Key": "kiosk-demo-key"}
STAFF = ("staff@antre.local", "staff-demo-123")
ADMIN = ("admin@antre.local", "admin-demo-123")


def staff_token(client):
    return login(client, *STAFF)


def admin_token(client):
    return login(client, *ADMIN)


def booked(client, token=None, **slot):
    """A citizen's booking (a new citizen unless `token`); returns (token, booking)."""
    token = token or citizen(client)[1]
    status, body = call(client, "POST", "/v1/bookings", {**BOOK, **slot}, token=token)
    assert status == 201, body
    return token, body
