"""Benchmark: a real-sized mall (21 agencies, 118 services, 24 counters, as MPP Kota Bengkulu)
imported from YAML, 204 bookings placed, then re-imported with every service's seats lowered
and with the distancing percentage lowered: the dry run, the import and its over-capacity
check, timed. Prints; asserts nothing. Run: python -m tests.bench.mall_import
"""
from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def bengkulu(capacity: int = 4, percent: int = 100) -> dict:
    letters = "ABCDEFGHIJKLMNOPQRSTU"
    agencies, counters, n = [], [], 0
    for a in range(21):
        services = []
        for _ in range(6 if a < 13 else 5):
            if n == 118:
                break
            services.append({"id": f"layanan-{n}", "name": {"id": f"Layanan {n}", "en": ""},
                             "slot_minutes": 30, "capacity": capacity, "walkin_quota": 10})
            n += 1
        agencies.append({"id": f"instansi-{a}", "name": f"Instansi {a}", "letter": letters[a],
                         "services": services})
    ids = [s["id"] for a in agencies for s in a["services"]]
    for c in range(24):
        counters.append({"id": f"loket-{c + 1}", "name": f"Loket {c + 1}",
                         "services": ids[c::24]})
    week = {d: {"open": "08:00", "close": "15:00"} for d in ("mon", "tue", "wed", "thu")}
    week["fri"] = {"open": "08:00", "close": "15:00", "breaks": [["11:30", "13:00"]]}
    week["sat"] = {"open": "08:00", "close": "12:00"}
    return {"mall": {"id": "kota-bengkulu", "name": "MPP Kota Bengkulu", "city": "Bengkulu",
                     "timezone": "Asia/Jakarta", "hours": week, "capacity_percent": percent},
            "agencies": agencies, "counters": counters}


def main() -> None:
    import yaml

    from tests.conftest import MONDAY_7AM_WIB, reset_table  # isort: skip
    from chalicelib import clock
    from chalicelib.domain import schedule
    from chalicelib.services import booking, mall_import
    from chalicelib.store import catalog as catalog_store

    clock.use(clock.FixedClock(MONDAY_7AM_WIB))
    reset_table()
    now = clock.now()

    def timed(label, data, write=True):
        parsed = mall_import.parse(yaml.safe_dump(data), "bengkulu.yaml")
        start = time.perf_counter()
        result = mall_import.plan(parsed, now)
        planned = time.perf_counter() - start
        report = mall_import.import_mall(parsed, "bench", now, force=True, checked=result) \
            if write else None
        total = time.perf_counter() - start
        print(f"{label}: diff and checks {planned:.2f} s, import in all {total:.2f} s, "
              f"{len(result.lines())} diff lines"
              + (f", {len(report.conflicts)} slots over their seats" if report else ""))

    timed("first import", bengkulu())
    catalog = catalog_store.fresh_catalog("kota-bengkulu")
    services = list(catalog.services.values())
    placed = 0
    for n in range(204):  # 3 per slot on 8-10 December, spread over the services
        service = services[n // 3 % len(services)]
        day = date(2026, 12, 8 + n // 102)
        slot = schedule.day_slots(catalog.mall, service, day)[0]
        booking._place(f"bench-{n}", f"nik-bench-{n}", catalog.mall, service, slot, now,
                       new_citizen=True)
        placed += 1
    print(f"{placed} bookings placed")
    timed("seats lowered 4 -> 2 (dry run)", bengkulu(capacity=2), write=False)
    timed("seats lowered 4 -> 2", bengkulu(capacity=2))
    timed("distancing 100% -> 50%", bengkulu(capacity=2, percent=50))


if __name__ == "__main__":
    main()
