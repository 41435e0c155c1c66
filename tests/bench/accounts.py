"""Benchmark: what one client address can make the system send to strangers in an hour, and
whether the account routes answer known and unknown addresses in the same time (issue 14).

(a) One client address, an hour of simulated time (the app's clock steps a minute at a time),
the production limits (tests lift them; this puts them back): every minute it registers an
account with a stranger's email and phone and `sms_opt_in`, asks a new code for every
stranger's account so far, and registers one more account of its own (a mailbox it reads)
with a stranger's phone, verifies it and asks that phone's code. Counted: SMS that reach
numbers nobody proved and emails that reach addresses nobody proved (the stranger's own
first verification code included).

(b) Medians of resend, register and reset for a known and an unknown address, interleaved,
through chalice's test client.

`make bench`; `ANTRE_BENCH_ROOT=<another checkout> python tests/bench/accounts.py` runs the
same against another version of the app (the "before" figures). Prints; asserts nothing.
"""
from __future__ import annotations

import json
import os
import re
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(os.environ.get("ANTRE_BENCH_ROOT") or Path(__file__).resolve().parents[2])
# run as a file, this folder comes first on the path, and its requests.py hides `requests`
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))


def _production_limits() -> None:
    from chalicelib.services import throttle

    for name, (attempts, seconds) in throttle.DEFAULTS.items():
        throttle.set_limit(name, attempts, seconds)


def _code(mail: list[dict]) -> str | None:
    found = [m for m in mail if "verifikasi" in m["subject"].lower()]
    return re.search(r"\b(\d{6})\b", found[-1]["text"]).group(1) if found else None


def one_address_for_an_hour(client) -> dict:
    from chalicelib import clock
    from tests.api.helpers import call
    from tests.conftest import emulator_mail, emulator_sms

    strangers: list[str] = []
    statuses: dict[str, dict[int, int]] = {}

    def note(route, status):
        statuses.setdefault(route, {}).setdefault(status, 0)
        statuses[route][status] += 1

    def person(n, email, phone):
        return {"email": email, "password": "kuda-lari-pagi-123", "name": "Orang Asing",
                "phone": phone, "nik": f"320101450690{n:04d}", "sms_opt_in": True}

    for minute in range(60):
        n = minute + 1
        victim = f"korban{n}@example.id"
        status, _ = call(client, "POST", "/v1/accounts",
                         person(n, victim, f"0812-7000-{n:04d}"))
        note("register (stranger)", status)
        if status == 201:
            strangers.append(victim)
        for email in strangers:
            note("resend (stranger)", call(client, "POST", "/v1/accounts/verify/resend",
                                           {"email": email})[0])
        own = f"penyerang{n}@attacker.example"
        status, _ = call(client, "POST", "/v1/accounts",
                         person(5000 + n, own, f"0813-7000-{n:04d}"))
        note("register (own mailbox)", status)
        code = _code(emulator_mail(own)) if status == 201 else None
        if code:
            call(client, "POST", "/v1/accounts/verify", {"email": own, "code": code})
            status, body = call(client, "POST", "/v1/sessions",
                                {"email": own, "password": "kuda-lari-pagi-123"})
            if status == 200:
                note("phone code (own account)", call(
                    client, "POST", "/v1/me/phone/code", {}, token=body["token"])[0])
        clock.clock.advance(timedelta(minutes=1))
    sms = emulator_sms()
    mail = emulator_mail()
    return {"sms_to_unproven_numbers": len(sms),
            "sms_numbers": len({m["to"] for m in sms}),
            "emails_to_unproven_addresses": sum(1 for m in mail
                                                if not m["to"].endswith("attacker.example")),
            "statuses": statuses}


def timings(client, rounds: int = 30) -> list[tuple[str, float, float]]:
    from chalicelib import clock
    from tests.api.helpers import call
    from tests.conftest import emulator_mail

    from chalicelib.services import throttle

    throttle.reset_limits()  # lifted, as in the tests: only time is measured here
    known = "dikenal@example.id"
    call(client, "POST", "/v1/accounts", {
        "email": known, "password": "kuda-lari-pagi-123", "name": "Warga Dikenal",
        "phone": "0812-3456-7890", "nik": "3201014506909999"})
    emulator_mail()

    def timed(fn) -> float:
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) * 1000

    rows = []
    for label, make in (
            ("POST /v1/accounts/verify/resend",
             lambda email, n: ("/v1/accounts/verify/resend", {"email": email})),
            ("POST /v1/accounts/password-reset",
             lambda email, n: ("/v1/accounts/password-reset", {"email": email})),
            ("POST /v1/accounts",
             lambda email, n: ("/v1/accounts", {
                 "email": email, "password": "kuda-lari-pagi-123", "name": "Warga Bench",
                 "phone": "0812-3456-7890", "nik": f"320101450691{n:04d}"}))):
        seen = {"known": [], "unknown": []}
        for n in range(rounds):
            clock.clock.advance(timedelta(minutes=2))  # past the one-a-minute interval
            for kind, email in (("known", known), ("unknown", f"baru{n}@example.id")) \
                    if n % 2 else (("unknown", f"baru{n}@example.id"), ("known", known)):
                path, body = make(email, n * 2 + (kind == "known"))
                seen[kind].append(timed(lambda: call(client, "POST", path, body)))
        emulator_mail()  # the stream's work, outside what is timed
        rows.append((label, statistics.median(seen["known"]),
                     statistics.median(seen["unknown"])))
    return rows


def main() -> None:
    from tests.conftest import MONDAY_7AM_WIB, reset_table  # isort: skip
    from chalice.test import Client

    from app import app
    from chalicelib import clock

    clock.use(clock.FixedClock(MONDAY_7AM_WIB))
    reset_table()
    _production_limits()
    with Client(app, stage_name="local", project_dir=str(ROOT)) as client:
        hour = one_address_for_an_hour(client)
        print(f"[accounts] one client address, one hour ({ROOT.name}): "
              f"{hour['sms_to_unproven_numbers']} SMS to {hour['sms_numbers']} numbers nobody "
              f"proved, {hour['emails_to_unproven_addresses']} emails to addresses nobody "
              f"proved; answers {json.dumps(hour['statuses'], sort_keys=True)}")
        reset_table()
        for label, known, unknown in timings(client):
            print(f"[accounts] {label}: median {known:.1f} ms known, {unknown:.1f} ms "
                  f"unknown (difference {abs(known - unknown):.1f} ms)")


if __name__ == "__main__":
    main()
