"""Statistics kept as counters when things happen, so no report ever needs a Scan.

One item per mall, service and day (pk STATS#<mall>, sk <date>#<service>), changed inside
the transaction of the event it counts (a booking, a check-in, a call...). Waiting and
service times are kept as a count, a sum and a histogram by whole minutes (attributes
`wait:<m>` and `serve:<m>`), from which the mean and the 90th percentile are read.
"""
from __future__ import annotations

from pynamodb.expressions.operand import Path

from chalicelib.store.models import Item, StatsDay

COUNTS = ("bookings", "cancellations", "rescheduled", "moved_by_closure", "checkins",
          "walkins", "served", "no_shows")
TIMINGS = ("wait", "serve")
LAST_BUCKET = 240  # minutes; longer times count in this bucket


def key(mall_id: str, day: str, service_id: str) -> tuple[str, str]:
    return f"STATS#{mall_id}", f"{day}#{service_id}"


def step(s, mall_id: str, day: str, service_id: str, name: str = "stats",
         timings: dict[str, int] | None = None, **counts: int) -> None:
    """Add to a transaction: these counts (and timings, in seconds) for that service-day."""
    pk, sk = key(mall_id, day, service_id)
    actions = [StatsDay.type.set(StatsDay), StatsDay.mall_id.set(mall_id),
               StatsDay.date.set(day), StatsDay.service_id.set(service_id)]
    for counter, value in counts.items():
        if counter not in COUNTS:
            raise ValueError(f"unknown statistic {counter}")
        actions.append(Path([counter]).add(value))
    for timing, seconds in (timings or {}).items():
        if timing not in TIMINGS:
            raise ValueError(f"unknown timing {timing}")
        seconds = max(int(seconds), 0)
        actions += [Path([f"{timing}_count"]).add(1), Path([f"{timing}_seconds"]).add(seconds),
                    Path([f"{timing}:{min(seconds // 60, LAST_BUCKET)}"]).add(1)]
    s.update(name, StatsDay(pk=pk, sk=sk), actions=actions)


def read(mall_id: str, first: str, last: str) -> list[dict]:
    """Every service-day of the mall between two dates, as plain numbers: Queries on one
    partition (all pages)."""
    rows, start = [], None
    condition = Item.sk.between(f"{first}#", f"{last}#~")
    connection = Item._get_connection()
    while True:
        page = connection.query(f"STATS#{mall_id}", range_key_condition=condition,
                                exclusive_start_key=start, consistent_read=True)
        for raw in page.get("Items", []):
            rows.append({name: (int(value["N"]) if "N" in value else value.get("S"))
                         for name, value in raw.items()})
        start = page.get("LastEvaluatedKey")
        if not start:
            return rows


def taken_seats(mall_id: str, service_id: str, first: str, last: str) -> dict[str, int]:
    """Seats a service holds per day (booked in, less cancelled, rescheduled or moved out),
    from the counters of a date range: what its slot counters add up to, in one Query."""
    taken = {}
    for row in read(mall_id, first, last):
        if row.get("service_id") == service_id:
            taken[row["date"]] = (int(row.get("bookings", 0)) - int(row.get("cancellations", 0))
                                  - int(row.get("rescheduled", 0))
                                  - int(row.get("moved_by_closure", 0)))
    return taken


def percentile(row: dict, timing: str, share: float = 0.9) -> int | None:
    """The whole minute below which `share` of the timings fall (from the histogram)."""
    total = int(row.get(f"{timing}_count", 0))
    if not total:
        return None
    buckets = sorted((int(name.split(":")[1]), int(count)) for name, count in row.items()
                     if name.startswith(f"{timing}:"))
    seen = 0
    for minute, count in buckets:
        seen += count
        if seen >= share * total:
            return minute
    return buckets[-1][0]
