"""The API's smoke test against a stage's table, run in a process of its own so the app reads
its configuration (stage, table, endpoint) from the environment exactly as a deployed
function does: register, verify by the emailed code, log in, book, read the booking back.

Run by tests/deploy/test_stack.py with ANTRE_TABLE set to the table its CloudFormation stack
created; prints one JSON line: what it saw, and the table it wrote to.
"""
from __future__ import annotations

import json
import os
import re
import sys
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

MONDAY_7AM_WIB = datetime(2026, 12, 7, 0, 0, tzinfo=timezone.utc)
DEMO = {"DEMO_ADMIN_EMAIL": "admin@antre.local", "DEMO_ADMIN_PASSWORD": "admin-demo-123",
        "DEMO_STAFF_EMAIL": "staff@antre.local", "DEMO_STAFF_PASSWORD": "staff-demo-123",
        "DEMO_KIOSK_KEY": "kiosk-demo-key"}


def mail_code(to: str) -> str:
    with urllib.request.urlopen(f"{os.environ['AWS_ENDPOINT_URL']}/_antre/mail") as answer:
        mail = [m for m in json.loads(answer.read()) if m["to"] == to]
    return re.search(r"\b(\d{6})\b", mail[0]["text"]).group(1)


def main() -> None:
    from chalice.test import Client

    from app import app
    from chalicelib import clock, config
    from chalicelib.mail import sender
    from infra.local.seed import seed_demo

    clock.use(clock.FixedClock(MONDAY_7AM_WIB))
    seed_demo(DEMO, clock.now())  # the city imports its malls (make cli import-mall)
    seen: dict = {"table": config.get().table_name}

    def call(c, method, path, body=None, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        answer = c.http.request(method, path, headers=headers,
                                body=json.dumps(body) if body is not None else None)
        return answer.status_code, json.loads(answer.body) if answer.body else None

    with Client(app, stage_name=config.get().stage, project_dir=str(ROOT)) as c:
        email = "warga.smoke@example.id"
        seen["register"] = call(c, "POST", "/v1/accounts", {
            "email": email, "password": "kuda-lari-123", "name": "Warga Smoke",
            "phone": "0812-3456-7890", "nik": "3201014506900001"})[0]
        # No stream reaches this process: the scheduled retry, minutes later, sends the code
        sender.deliver_due(clock.now() + timedelta(minutes=10))
        seen["verify"] = call(c, "POST", "/v1/accounts/verify",
                              {"email": email, "code": mail_code(email)})[0]
        status, session = call(c, "POST", "/v1/sessions",
                               {"email": email, "password": "kuda-lari-123"})
        seen["login"] = status
        status, booking = call(c, "POST", "/v1/bookings", {
            "mall_id": "kota-bogor", "service_id": "ktp-el", "date": "2026-12-08",
            "start": "09:00"}, token=session["token"])
        seen["book"] = status
        seen["booking_id"] = booking.get("booking_id")
        seen["account_id"] = call(c, "GET", "/v1/me", token=session["token"])[1]["account_id"]
        seen["read_back"] = call(c, "GET", f"/v1/bookings/{booking.get('booking_id')}",
                                 token=session["token"])[1].get("code") == booking.get("code")
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
