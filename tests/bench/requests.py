"""Benchmark: DynamoDB calls and time per request, as ratios to a baseline in the same run.

`make bench`. The baseline is `GET /v1/malls` with a warm catalog cache (no DynamoDB call:
pure app and HTTP overhead through chalice's test client); every other figure is a ratio to
it, so the numbers mean something on a noisy machine. Then a booking through the HTTP API
(chalice's local server) against a raw `TransactWriteItems` of the same items on the same
emulator (target: at most 3 times), and `import app` against `import boto3` in fresh
processes without `.pyc`, as a Lambda cold start gets them (target: at most 1.5 times).
Prints; asserts nothing.
"""
from __future__ import annotations

import contextlib
import copy
import http.client
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def floor_rows(client, measure, rounds: int) -> list:
    """Kiosk check-in, walk-in, call-next and the TV's display poll (warm catalog and kiosk
    key, as in a running Lambda container)."""
    from datetime import timedelta

    from chalicelib import clock
    from chalicelib.services import booking
    from chalicelib.services.auth import Principal
    from tests.api.helpers import KIOSK, call, nik, staff_token

    seats = [(service, start) for service, capacity in (("ktp-el", 4), ("kartu-keluarga", 4),
                                                        ("akta-kelahiran", 3))
             for start in ("08:00", "08:30", "09:00") for _ in range(capacity)]
    # a staff member makes at most `assisted_per_day` a day: 20 each from several
    codes = [booking.book_for_citizen(Principal(f"bench-{n // 20}", "staff", "kota-bogor"),
                                      service_id=service, date="2026-12-07",
                                      start=start, name="Bench", nik=nik(8000 + n),
                                      phone=None, now=clock.now()).code
             for n, (service, start) in enumerate(seats[:rounds])]
    n = len(codes)
    call(client, "GET", "/v1/kiosk/me", headers=KIOSK)
    rows = [measure("POST /v1/kiosk/checkins", lambda i: call(
        client, "POST", "/v1/kiosk/checkins", {"code": codes[i]}, headers=KIOSK), n=n)]
    clock.clock.advance(timedelta(hours=2))  # 09:00: open for walk-ins
    rows.append(measure("POST /v1/kiosk/walkins", lambda i: call(
        client, "POST", "/v1/kiosk/walkins", {"service_id": "pajak-kendaraan"}, headers=KIOSK),
        n=min(rounds, 50)))
    token = staff_token(client)
    called = []

    def call_next(i):
        answer = call(client, "POST", "/v1/staff/counters/loket-5/call-next", token=token)
        called.append(answer[1]["ticket"]["ticket_id"])

    def free_counter():
        if called:
            ticket = called.pop()
            call(client, "POST", f"/v1/staff/tickets/{ticket}/start", token=token)
            call(client, "POST", f"/v1/staff/tickets/{ticket}/finish", token=token)

    rows.append(_call_next_only(measure, call_next, free_counter, min(rounds, 20)))
    display = "/v1/malls/kota-bogor/display"
    etag = client.http.get(display).headers["ETag"]
    rows.append(measure("GET display (changed: 200)", lambda i: call(client, "GET", display)))
    rows.append(measure("GET display (unchanged: 304)", lambda i: client.http.get(
        display, headers={"If-None-Match": etag})))
    return rows


def _call_next_only(measure, call_next, free_counter, n):
    """call-next alone: the counter is freed between calls outside the measurement."""
    samples = []
    for i in range(n):
        samples.append(measure("POST call-next", call_next, n=1))
        free_counter()
    per_call: Counter = Counter()
    for _, _, calls in samples:
        per_call.update(calls)
    return ("POST call-next", statistics.median(m for _, m, _ in samples),
            {k: v / n for k, v in per_call.items()})


def booking_against_raw(rounds: int = 40) -> None:
    """A citizen's booking through the HTTP API (chalice's local server, real HTTP, one
    kept-alive connection) against its own `TransactWriteItems` sent raw (the same client,
    the same items and writes, on fresh keys) to the same emulator, in the same run."""
    from chalicelib.store.models import Item
    from tests.api.helpers import citizen
    from tests.conftest import LiveServer

    client = Item._get_connection().connection.client
    server = LiveServer()
    try:
        from chalice.test import Client

        from app import app

        with Client(app, stage_name="local", project_dir=str(ROOT)) as c:
            tokens = [citizen(c)[1] for _ in range(rounds)]
        captured = []

        def capture(params, **_):
            captured.append(copy.deepcopy(params))

        client.meta.events.register("provide-client-params.dynamodb.TransactWriteItems",
                                    capture)
        connection = http.client.HTTPConnection("127.0.0.1", server.port)
        starts = [f"{h:02d}:{m:02d}" for h in range(8, 15) for m in (0, 30)]
        booked = []
        with contextlib.redirect_stderr(io.StringIO()):  # the server's line per request
            for i in range(rounds):
                body = json.dumps({"mall_id": "kota-bogor", "service_id": "pajak-kendaraan",
                                   "date": "2026-12-09", "start": starts[i % len(starts)]})
                started = time.perf_counter()
                connection.request("POST", "/v1/bookings", body, {
                    "Content-Type": "application/json",
                    "Authorization": f"Bearer {tokens[i]}"})
                answer = connection.getresponse()
                answer.read()
                booked.append(time.perf_counter() - started)
                assert answer.status == 201, answer.status
        client.meta.events.unregister("provide-client-params.dynamodb.TransactWriteItems",
                                      capture)
        raw = []
        for i, params in enumerate(captured):
            fresh = _on_fresh_keys(params, f"RAW{i}#")
            started = time.perf_counter()
            client.transact_write_items(**fresh)
            raw.append(time.perf_counter() - started)
    finally:
        server.stop()
    b, r = statistics.median(booked), statistics.median(raw)
    items = len(captured[0]["TransactItems"])
    print(f"\nbooking through the HTTP API  median {b * 1000:7.2f} ms  ({rounds} bookings)")
    print(f"raw TransactWriteItems ({items} items) median {r * 1000:7.2f} ms")
    print(f"ratio {b / r:.2f} (target at most 3)")


def _on_fresh_keys(params: dict, prefix: str) -> dict:
    """The booking's transaction with every key made new (`prefix` before each pk) and each
    condition replaced by `attribute_not_exists(pk)`, which holds on a new key: the same
    items and writes, each still conditional, none depending on the booking's state."""
    params = copy.deepcopy(params)
    params.pop("ClientRequestToken", None)
    for entry in params["TransactItems"]:
        (kind, op), = entry.items()
        key = op["Item"] if kind == "Put" else op["Key"]
        key["pk"] = {"S": prefix + key["pk"]["S"]}
        op["ConditionExpression"] = "attribute_not_exists(pk)"
        used = " ".join(op.get(k, "") for k in ("UpdateExpression", "ConditionExpression"))
        for field, mark in (("ExpressionAttributeNames", "#"),
                            ("ExpressionAttributeValues", ":")):
            kept = {k: v for k, v in op.get(field, {}).items()
                    if re.search(re.escape(k) + r"\b", used)}
            if kept:
                op[field] = kept
            else:
                op.pop(field, None)
    return params


def import_times(runs: int = 5) -> None:
    """`import app` against `import boto3`, each in a fresh process compiling from source
    (no `.pyc`: PYTHONDONTWRITEBYTECODE and an empty pycache prefix), as Lambda imports a
    package that ships none; runs alternate so both see the same machine."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "ANTRE_STAGE": "prod"}  # as deployed
    env.pop("AWS_ENDPOINT_URL", None)
    times: dict[str, list[float]] = {"boto3": [], "app": []}
    for _ in range(runs):
        for module in times:
            empty = tempfile.mkdtemp()
            try:
                out = subprocess.run(
                    [sys.executable, "-X", f"pycache_prefix={empty}", "-c",
                     "import time; t = time.perf_counter(); import " + module
                     + "; print(time.perf_counter() - t)"],
                    cwd=ROOT, env=env, capture_output=True, text=True, check=True)
            finally:
                shutil.rmtree(empty, ignore_errors=True)
            times[module].append(float(out.stdout.split()[-1]))
    app_s, boto_s = statistics.median(times["app"]), statistics.median(times["boto3"])
    print(f"\nimport without .pyc, median of {runs}: app {app_s:.2f} s, boto3 {boto_s:.2f} s,"
          f" ratio {app_s / boto_s:.2f} (target at most 1.5)")


def main(rounds: int = 40) -> None:
    # the test set-up starts the emulator and sets the environment, as for the tests
    from tests.conftest import ADMIN, EMULATOR, MONDAY_7AM_WIB  # isort: skip
    from chalice.test import Client

    from app import app
    from chalicelib import clock
    from chalicelib.store import catalog as catalog_store
    from chalicelib.store.models import Item
    from infra.local.bootstrap import prepare
    from tests.api.helpers import call, citizen

    prepare(ADMIN)
    catalog_store.cache.ttl = 300  # as deployed: the catalog is cached per container
    clock.use(clock.FixedClock(MONDAY_7AM_WIB))
    events = Item._get_connection().connection.client.meta.events
    calls: Counter = Counter()
    events.register("before-call.dynamodb", lambda model, **_: calls.update([model.name]))

    def measure(label, fn, n=rounds):
        calls.clear()
        times = []
        for i in range(n):
            start = time.perf_counter()
            fn(i)
            times.append(time.perf_counter() - start)
        per_call = {k: v / n for k, v in calls.items()}
        return label, statistics.median(times), per_call

    with Client(app, stage_name="local", project_dir=str(ROOT)) as client:
        call(client, "GET", "/v1/malls")  # warm the cache
        tokens = [citizen(client)[1] for _ in range(rounds)]
        slots = "/v1/malls/kota-bogor/services/ktp-el/slots?date=2026-12-08"
        starts = [f"{h:02d}:{m:02d}" for h in range(8, 15) for m in (0, 30)]
        from chalicelib.store.models import MallProfile

        rows = [
            measure("GET /v1/malls (baseline)", lambda i: call(client, "GET", "/v1/malls")),
            measure("one raw GetItem (reference)",
                    lambda i: MallProfile.get("MALL#kota-bogor", "PROFILE")),
            measure("GET slots (warm catalog)", lambda i: call(client, "GET", slots)),
            measure("POST /v1/bookings", lambda i: call(
                client, "POST", "/v1/bookings",
                {"mall_id": "kota-bogor", "service_id": "nib", "date": "2026-12-08",
                 "start": starts[i % len(starts)]}, token=tokens[i])),
            measure("GET /v1/bookings", lambda i: call(client, "GET", "/v1/bookings",
                                                       token=tokens[i])),
        ]
        rows += floor_rows(client, measure, rounds)
    from chalicelib.services.auth import PasswordHasher

    production = PasswordHasher(time_cost=3, memory_cost=65536)
    rows.append(measure("argon2id hash at production cost", lambda i: production.hash("pw"),
                        n=10))
    base = rows[0][1]
    print(f"{'request':36} {'median ms':>10} {'x baseline':>11}  DynamoDB calls per request")
    for label, median, per_call in rows:
        shown = ", ".join(f"{k} {v:g}" for k, v in sorted(per_call.items())) or "none"
        print(f"{label:36} {median * 1000:10.2f} {median / base:11.1f}  {shown}")
    booking_against_raw(rounds)
    EMULATOR.stop()
    import_times()


if __name__ == "__main__":
    main()
