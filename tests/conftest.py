"""Shared fixtures: one emulator for the session, a fresh seeded table for every test.

The environment is set before anything from `chalicelib` is imported, because the app's
configuration is read once.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import threading
import urllib.request
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from infra.local.emulator import Emulator  # noqa: E402

logging.getLogger("werkzeug").setLevel(logging.ERROR)
EMULATOR = Emulator().start()
os.environ.update({
    "AWS_ENDPOINT_URL": EMULATOR.url, "AWS_ACCESS_KEY_ID": "test",
    "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "ap-southeast-3",
    "ANTRE_STAGE": "local", "ANTRE_TABLE": "antre-local", "ANTRE_CATALOG_CACHE_SECONDS": "0",
    "ANTRE_PASSWORD_TIME_COST": "1", "ANTRE_PASSWORD_MEMORY_KIB": "1024",
    "ANTRE_MAIL_SENDER": "no-reply@antre.local",
    "ANTRE_JOBS": "none",  # tests run closure jobs themselves (closures.work)
    # every test client comes from 127.0.0.1 within one frozen clock window: the rate
    # limits are lifted here, and tests/api/test_throttle.py sets them as it needs
    **{f"ANTRE_LIMIT_{name}": "1000000/60" for name in (
        "LOGIN_ACCOUNT", "LOGIN_ADDRESS", "REGISTER_ADDRESS", "CODE_ADDRESS", "RESET_ADDRESS",
        "BOOKING_ACCOUNT", "CHECKIN_MISSES", "WALKIN_ADDRESS", "RESEND_ACCOUNT",
        "RESEND_DESTINATION", "RESEND_ADDRESS", "NOTICE_DESTINATION", "PHONE_NUMBER",
        "PHONE_ACCOUNT", "PHONE_ADDRESS", "CLAIM_STAFF", "SURVEY_ADDRESS")},
})
for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
    os.environ.pop(name, None)

from chalice.test import Client  # noqa: E402

from app import app, send_new_mail  # noqa: E402
from chalicelib import clock  # noqa: E402
from chalicelib.services import nik_keys  # noqa: E402
from chalicelib.store import catalog as catalog_store  # noqa: E402
from chalicelib.store import kiosks as kiosk_store  # noqa: E402
from chalicelib.store.models import Item  # noqa: E402
from infra.local.bootstrap import prepare  # noqa: E402
from infra.local.streams import StreamFeeder  # noqa: E402

ADMIN = {"DEMO_ADMIN_EMAIL": "admin@antre.local", "DEMO_ADMIN_PASSWORD": "admin-demo-123",
         "DEMO_STAFF_EMAIL": "staff@antre.local", "DEMO_STAFF_PASSWORD": "staff-demo-123",
         "DEMO_KIOSK_KEY": "kiosk-demo-key", "DEMO_DISPLAY_KEY": "display-demo-key"}
# Monday 7 December 2026, 07:00 WIB: an ordinary working day, no holiday near.
MONDAY_7AM_WIB = datetime(2026, 12, 7, 0, 0, tzinfo=timezone.utc)


def pytest_sessionfinish(session, exitstatus):
    EMULATOR.stop()


# Deployed, the table's stream hands new outbox mail to `send_new_mail` within a second;
# here the tests hand it over whenever they look at what was sent.
MAIL_STREAM = StreamFeeder(send_new_mail)


def send_new_mail_now() -> int:
    """Run the stream's mail sender on what was written since it last ran."""
    return MAIL_STREAM.feed()


def emulator_mail(to: str | None = None) -> list[dict]:
    send_new_mail_now()
    with urllib.request.urlopen(f"{EMULATOR.url}/_antre/mail") as answer:
        mail = json.loads(answer.read())
    return [m for m in mail if to is None or m["to"] == to]


def fail_next_ses_sends(count: int) -> None:
    urllib.request.urlopen(f"{EMULATOR.url}/_antre/fail-ses?count={count}").read()


def fail_next_sms(count: int) -> None:
    urllib.request.urlopen(f"{EMULATOR.url}/_antre/fail-sns?count={count}").read()


def emulator_sms(to: str | None = None) -> list[dict]:
    send_new_mail_now()
    with urllib.request.urlopen(f"{EMULATOR.url}/_antre/sms") as answer:
        sms = json.loads(answer.read())
    return [m for m in sms if to is None or m["to"] == to]


def reset_table() -> None:
    """An empty table with the demo mall, and an empty mailbox."""
    if Item.exists():
        Item.delete_table()
    catalog_store.cache.clear()
    kiosk_store.forget_cached()
    nik_keys.forget()  # the table's key marker went with it
    urllib.request.urlopen(urllib.request.Request(f"{EMULATOR.url}/_antre/mail",
                                                  method="DELETE")).read()
    urllib.request.urlopen(urllib.request.Request(f"{EMULATOR.url}/_antre/sms",
                                                  method="DELETE")).read()
    urllib.request.urlopen(f"{EMULATOR.url}/_antre/fail-ses?count=0").read()
    urllib.request.urlopen(f"{EMULATOR.url}/_antre/fail-sns?count=0").read()
    prepare(ADMIN)


@pytest.fixture
def fresh_table():
    """An empty table with the demo mall, and an empty mailbox."""
    reset_table()
    yield


@pytest.fixture
def fixed_clock(fresh_table):
    """The app's clock stands at Monday 7 December 2026, 07:00 WIB."""
    fixed = clock.FixedClock(MONDAY_7AM_WIB)
    clock.use(fixed)
    yield fixed
    clock.use(clock.SystemClock())


@pytest.fixture
def client(fixed_clock):
    with Client(app, stage_name="local", project_dir=str(ROOT)) as c:
        yield c


class LiveServer:
    """The app served over real HTTP by chalice's own local server, in this process."""

    def __init__(self):
        from infra.local.server import make_server

        self._server = make_server(app)
        self.port = self._server.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.server.serve_forever, daemon=True)
        self._thread.start()

    def mail_to(self, address: str) -> list[dict]:
        return emulator_mail(address)

    def stop(self):
        self._server.shutdown()
        self._server.server.server_close()


@pytest.fixture
def live_server(fresh_table):
    server = LiveServer()
    yield server
    server.stop()
