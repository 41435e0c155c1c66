"""Benchmark: a closure of three days with 200 bookings, next to a plain loop of reschedules
of the same 200 bookings to the same days, on the same emulator in the same run. Both
write their emails to the outbox; the table's stream sends them, outside what is timed.

`make bench` runs it after the request benchmark. Prints; asserts nothing.
"""
from __future__ import annotations

import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from tests.conftest import EMULATOR, MONDAY_7AM_WIB, reset_table  # isort: skip
    from chalicelib import clock
    from chalicelib.errors import AntreError
    from chalicelib.services import booking, closures
    from chalicelib.services.auth import Principal
    from chalicelib.store import bookings as booking_store
    from chalicelib.store import catalog as catalog_store
    from tests.api.test_closures import DAYS, setup_closure_scenario

    clock.use(clock.FixedClock(MONDAY_7AM_WIB))
    reset_table()
    setup_closure_scenario()
    job = closures._close(Principal("bench", "super"), catalog_store.fresh_catalog("kota-tutup"),
                          [date.fromisoformat(d) for d in DAYS], "Bench", None, clock.now())
    start = time.perf_counter()
    closures.work(job["closure_id"])
    closure_seconds = time.perf_counter() - start
    report = closures.view(closures.store.get(job["closure_id"]))

    reset_table()
    citizens, _ = setup_closure_scenario()
    targets = [(day, f"{h:02d}:{m:02d}") for day in ("2026-12-11", "2026-12-14")
               for h in range(8, 15) for m in (0, 30)]
    moves = 0
    start = time.perf_counter()
    for who in citizens:
        for b in booking_store.list_for(who.account_id):
            for day, hhmm in targets:
                try:
                    booking.reschedule(who, b.booking_id, date=day, start=hhmm, now=clock.now())
                    moves += 1
                    break
                except AntreError:
                    continue
    loop_seconds = time.perf_counter() - start
    print(f"closure of 3 days, 200 bookings: {closure_seconds:.1f} s "
          f"({report['moved']} moved, {report['cancelled']} cancelled, their emails queued)")
    print(f"plain loop of reschedules:       {loop_seconds:.1f} s ({moves} moved, emails queued)")
    print(f"ratio closure / loop:            {closure_seconds / loop_seconds:.2f}")
    EMULATOR.stop()


if __name__ == "__main__":
    main()
