"""A mall's statistics per agency, service and day, from the counters kept as things happen
(`store.stats`): JSON for the admin page's charts, CSV for spreadsheets."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from chalicelib.domain import schedule, skm
from chalicelib.errors import ValidationFailed
from chalicelib.services import admin
from chalicelib.services.auth import Principal
from chalicelib.store import stats as store

MAX_DAYS = 366
COLUMNS = ("date", "agency_id", "agency_name", "service_id", "service_name", "bookings",
           "cancellations", "rescheduled", "moved_by_closure", "checkins", "walkins",
           "served", "no_shows", "wait_mean_minutes", "wait_p90_minutes",
           "service_mean_minutes", "service_p90_minutes", "skm_respondents", "ikm", "ikm_grade")


def rows(principal: Principal, mall_id: str, first: str | None, last: str | None) -> list[dict]:
    catalog = admin.managed(principal, mall_id)
    return rows_of(catalog, first, last)


def rows_of(catalog, first: str | None, last: str | None) -> list[dict]:
    """One row per service and day with any activity, ordered by day, agency, service."""
    if not first or not last:
        raise ValidationFailed.field("from" if not first else "to", "validation.date_required")
    day_from = schedule.parse_date(first, "from")
    day_to = schedule.parse_date(last, "to")
    if day_to < day_from:
        raise ValidationFailed.field("to", "validation.date_order")
    if day_to - day_from > timedelta(days=MAX_DAYS):
        raise ValidationFailed.field("to", "validation.range_too_long", days=MAX_DAYS)
    found = []
    for raw in store.read(catalog.mall.mall_id, day_from.isoformat(), day_to.isoformat()):
        service = catalog.services.get(raw.get("service_id"))
        agency = catalog.agencies.get(service.agency_id) if service else None
        found.append({
            "date": raw["date"], "service_id": raw["service_id"],
            "service_name": service.name if service else raw["service_id"],
            "agency_id": agency.agency_id if agency else "",
            "agency_name": agency.name if agency else "",
            **{name: int(raw.get(name, 0)) for name in store.COUNTS},
            "wait_mean_minutes": _mean(raw, "wait"),
            "wait_p90_minutes": store.percentile(raw, "wait"),
            "service_mean_minutes": _mean(raw, "serve"),
            "service_p90_minutes": store.percentile(raw, "serve"),
            **_survey(raw),
            "hours": store.by_hour(raw),
            "counters": [{**c, "counter_name": catalog.counters[c["counter_id"]].name
                          if c["counter_id"] in catalog.counters else c["counter_id"]}
                         for c in store.by_counter(raw)],
        })
    return sorted(found, key=lambda r: (r["date"], r["agency_name"], r["service_name"]))


def _survey(raw: dict) -> dict:
    """The day's satisfaction index (domain.skm) from the row's survey sums."""
    respondents, sums = store.survey_sums(raw, skm.ELEMENT_IDS)
    found = skm.summary(sums, respondents)
    return {"skm_respondents": respondents, "ikm": found["ikm"], "ikm_grade": found["grade"]}


def _mean(raw: dict, timing: str) -> float | None:
    count = int(raw.get(f"{timing}_count", 0))
    return round(int(raw.get(f"{timing}_seconds", 0)) / count / 60, 1) if count else None


# A spreadsheet runs a cell that begins with one of these as a formula (=HYPERLINK(...),
# @SUM(...)); OWASP's rule for CSV injection is to write such a cell as text, with a
# leading single quote. Names come from mall admins, so they are not trusted here.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(value):
    """A CSV cell that a spreadsheet shows as typed and never evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def as_csv(found: list[dict]) -> str:
    """The rows as CSV (the API's format=csv and the command line's export-stats)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: as_text(v) for k, v in row.items()} for row in found)
    return out.getvalue()
