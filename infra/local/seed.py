"""The demo mall, MPP Kota Bogor, from `infra/malls/kota-bogor.yaml` (the one source of the
demo catalog), with its admin, a counter staff account and a kiosk.

Used by `make run` and the tests. Safe to run twice: the catalog is imported in place and
existing accounts and the kiosk are kept.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pynamodb.exceptions import TransactWriteError

from chalicelib.errors import EmailTaken
from chalicelib.services import accounts, kiosks, mall_import
from chalicelib.services.auth import Principal

FILE = Path(__file__).resolve().parents[1] / "malls" / "kota-bogor.yaml"
DEMO = mall_import.parse(FILE.read_text(encoding="utf-8"), FILE.name)
MALL_ID = DEMO.mall.mall_id
MALL = DEMO.mall
AGENCIES = DEMO.agencies
SERVICES = DEMO.services
COUNTERS = DEMO.counters


def seed_demo(env: dict, now: datetime) -> None:
    """The demo mall and its people; `env` holds the DEMO_* settings."""
    mall_import.import_mall(DEMO, "system:seed", now)
    people = [(env["DEMO_ADMIN_EMAIL"], env["DEMO_ADMIN_PASSWORD"], "Admin MPP Bogor", "admin"),
              (env["DEMO_STAFF_EMAIL"], env["DEMO_STAFF_PASSWORD"], "Petugas Loket MPP Bogor",
               "staff")]
    for email, password, name, role in people:
        try:
            accounts.register(email=email, password=password, name=name, phone="0800 0000 0000",
                              nik="", now=now, role=role, mall_id=MALL_ID, verified=True)
        except EmailTaken:
            pass
    admin = Principal("seed", "super")
    try:
        kiosks.register(admin, MALL_ID, "Kiosk pintu masuk (demo)", now,
                        key=env["DEMO_KIOSK_KEY"])
    except TransactWriteError:
        pass  # seeded before: the key exists
    try:  # the hall's TV: its own key, which only mints the hall QR
        kiosks.register(admin, MALL_ID, "Layar TV aula (demo)", now,
                        key=env.get("DEMO_DISPLAY_KEY") or "display-demo-key", kind="display")
    except TransactWriteError:
        pass
