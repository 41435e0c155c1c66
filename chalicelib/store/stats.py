"""Statistics kept as counters when things happen, so no report ever needs a Scan.

One item per mall, service and day (pk STATS#<mall>, sk <date>#<service>), changed inside
the transaction of the event it counts (a booking, a check-in, a call...). Waiting and
service times are kept as a count, a sum and a histogram by whole minutes (attributes
`wait:<m>` and `serve:<m>`), from which the mean and the 90th percentile are read. The same
item keeps the day by hour (arrivals `arrived@<h>`, calls `called@<h>` with their waits
`wait_s@<h>`, in the mall's local hour) and by counter (`served#<counter>`, `serve_s#<counter>`),
for the charts per hour and per counter, and the satisfaction survey's answers of the
service's day: how many (`skm_n`) and the sum of each element's scores (`skm:<element_id>`),
from which the index is computed (domain.skm).
"""
from __future__ import annotations

from pynamodb.expressions.operand import Path

from chalicelib.store.models import Item, StatsDay

# As counted when things happen: `bookings` counts every arrival of a booking on the day (a
# new one, or one moved or rescheduled in); `rescheduled` and `moved_by_closure` count those
# that left the day, `moved` those a closure moved in. Reports show a booking once, on the
# day it is on now (`services.statistics`). `requeued` counts no-shows put back in line
# (each of those is then no longer counted in `no_shows`).
COUNTS = ("bookings", "cancellations", "rescheduled", "moved_by_closure", "moved", "checkins",
          "walkins", "served", "no_shows", "requeued")
TIMINGS = ("wait", "serve")
LAST_BUCKET = 240  # minutes; longer times count in this bucket
SURVEY_COUNT = "skm_n"


def key(mall_id: str, day: str, service_id: str) -> tuple[str, str]:
    return f"STATS#{mall_id}", f"{day}#{service_id}"


def step(s, mall_id: str, day: str, service_id: str, name: str = "stats",
         timings: dict[str, int] | None = None, hour: int | None = None,
         desk: str | None = None, survey: dict[str, int] | None = None,
         **counts: int) -> None:
    """Add to a transaction: these counts (and timings, in seconds) for that service-day; an
    arrival (check-in, walk-in) or a wait also counts in its local `hour`, a service time also
    at its counter (`desk`); a survey answer (element id -> score) adds to its sums."""
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
        if timing == "wait" and hour is not None:
            actions += [Path([f"called@{hour}"]).add(1), Path([f"wait_s@{hour}"]).add(seconds)]
        if timing == "serve" and desk:
            actions += [Path([f"served#{desk}"]).add(1), Path([f"serve_s#{desk}"]).add(seconds)]
    if survey:
        actions.append(Path([SURVEY_COUNT]).add(1))
        actions += [Path([f"skm:{element}"]).add(int(score)) for element, score in survey.items()]
    if hour is not None and (counts.get("checkins") or counts.get("walkins")):
        actions.append(Path([f"arrived@{hour}"]).add(1))
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


def by_hour(row: dict) -> list[dict]:
    """The row's arrivals, calls and mean wait per local hour, in hour order."""
    hours = sorted({int(k.split("@")[1]) for k in row if k.startswith(("arrived@", "called@"))})
    found = []
    for h in hours:
        calls = int(row.get(f"called@{h}", 0))
        found.append({"hour": h, "arrivals": int(row.get(f"arrived@{h}", 0)), "calls": calls,
                      "wait_mean_minutes": round(int(row.get(f"wait_s@{h}", 0)) / calls / 60, 1)
                      if calls else None})
    return found


def by_counter(row: dict) -> list[dict]:
    """The row's tickets served and mean service time per counter."""
    found = []
    for name in sorted(k for k in row if k.startswith("served#")):
        counter, served = name.split("#", 1)[1], int(row[name])
        found.append({"counter_id": counter, "served": served,
                      "service_mean_minutes": round(int(row.get(f"serve_s#{counter}", 0))
                                                    / served / 60, 1) if served else None})
    return found


def percentile(row: dict, timing: str, share: float = 0.9) -> float | None:
    """The time in minutes below which `share` of the timings fall, read from the histogram of
    whole minutes: within the minute that holds it, the times are taken as spread evenly (a
    bucket's lower edge alone would put the p90 of ten 14.5-minute waits at 14, under their
    mean)."""
    total = int(row.get(f"{timing}_count", 0))
    if not total:
        return None
    buckets = sorted((int(name.split(":")[1]), int(count)) for name, count in row.items()
                     if name.startswith(f"{timing}:"))
    target, seen = share * total, 0
    for minute, count in buckets:
        if seen + count >= target:
            return round(minute + (target - seen) / count, 1)
        seen += count
    return float(buckets[-1][0] + 1)


def survey_sums(row: dict, element_ids) -> tuple[int, list[int]]:
    """The row's survey answers: how many, and each element's sum of scores."""
    return int(row.get(SURVEY_COUNT, 0)), [int(row.get(f"skm:{e}", 0)) for e in element_ids]
