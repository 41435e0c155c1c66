"""Benchmark: DynamoDB calls and time per request, as ratios to a baseline in the same run.

`make bench`. The baseline is `GET /v1/malls` with a warm catalog cache (no DynamoDB call:
pure app and HTTP overhead through chalice's test client); every other figure is a ratio to
it, so the numbers mean something on a noisy machine. Prints; asserts nothing.
"""
from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


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
    from chalicelib.services.auth import PasswordHasher

    production = PasswordHasher(time_cost=3, memory_cost=65536)
    rows.append(measure("argon2id hash at production cost", lambda i: production.hash("pw"),
                        n=10))
    base = rows[0][1]
    print(f"{'request':36} {'median ms':>10} {'x baseline':>11}  DynamoDB calls per request")
    for label, median, per_call in rows:
        shown = ", ".join(f"{k} {v:g}" for k, v in sorted(per_call.items())) or "none"
        print(f"{label:36} {median * 1000:10.2f} {median / base:11.1f}  {shown}")
    EMULATOR.stop()


if __name__ == "__main__":
    main()
