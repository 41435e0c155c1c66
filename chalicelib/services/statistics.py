"""A mall's statistics per agency, service and day, from the counters kept as things happen
(`store.stats`): JSON for the admin page's charts, CSV and Excel (.xlsx) for spreadsheets.

A booking counts once, on the day it is on now: `bookings` is what arrived on the day less
what was rescheduled or moved away, so a booking a closure moved counts on its new day only,
where `moved` says how many of the day's bookings a closure brought. The CSV opens in a
spreadsheet as it is: headers in the reader's language, a UTF-8 byte order mark (Excel then
reads the names right), and, for Indonesian-locale Excel, `;` between cells with decimal
commas. The .xlsx (XlsxWriter, pure Python) carries real numbers and dates, so no locale
guesses a separator, and never a formula: every text is written as text."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta


from chalicelib import i18n
from chalicelib.domain import schedule, skm
from chalicelib.errors import NotAcceptable, ValidationFailed
from chalicelib.services import admin
from chalicelib.services.auth import Principal
from chalicelib.store import stats as store

MAX_DAYS = 366
COLUMNS = ("date", "agency_id", "agency_name", "service_id", "service_name", "bookings",
           "moved", "cancellations", "rescheduled", "moved_by_closure", "checkins", "walkins",
           "served", "no_shows", "wait_mean_minutes", "wait_p90_minutes",
           "service_mean_minutes", "service_p90_minutes", "skm_respondents", "ikm", "ikm_grade")
FORMATS = ("json", "csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DELIMITERS = {"comma": ",", "semicolon": ";"}


def rows(principal: Principal, mall_id: str, first: str | None, last: str | None) -> list[dict]:
    catalog = admin.managed(principal, mall_id)
    return rows_of(catalog, first, last)


def period(first: str | None, last: str | None):
    """A report's `from` and `to` (ISO dates, in order, at most MAX_DAYS apart), or 422."""
    if not first or not last:
        raise ValidationFailed.field("from" if not first else "to", "validation.date_required")
    day_from = schedule.parse_date(first, "from")
    day_to = schedule.parse_date(last, "to")
    if day_to < day_from:
        raise ValidationFailed.field("to", "validation.date_order")
    if day_to - day_from > timedelta(days=MAX_DAYS):
        raise ValidationFailed.field("to", "validation.range_too_long", days=MAX_DAYS)
    return day_from, day_to


def rows_of(catalog, first: str | None, last: str | None) -> list[dict]:
    """One row per service and day with any activity, ordered by day, agency, service."""
    day_from, day_to = period(first, last)
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
            # once, on the day it is on now: less what left the day
            "bookings": int(raw.get("bookings", 0)) - int(raw.get("rescheduled", 0))
            - int(raw.get("moved_by_closure", 0)),
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


def export_options(format_: str | None, delimiter: str | None, lang: str | None):
    """The export's (format, delimiter, language) from the query, or 422 naming the field."""
    format_ = format_ or "json"
    if format_ not in FORMATS:
        raise ValidationFailed.field("format", "validation.one_of", choices=", ".join(FORMATS))
    if (delimiter or "comma") not in DELIMITERS:
        raise ValidationFailed.field("delimiter", "validation.one_of",
                                     choices=", ".join(DELIMITERS))
    if lang is not None and lang not in i18n.LANGUAGES:
        raise ValidationFailed.field("lang", "validation.one_of",
                                     choices=", ".join(i18n.LANGUAGES))
    return format_, DELIMITERS[delimiter or "comma"], lang


def file_name(mall_id: str, first: str, last: str, lang: str = "id", ext: str = "csv") -> str:
    """antre-statistik-kota-bogor-2026-12-01_2026-12-31.csv: the mall and the date range."""
    return f"antre-{'stats' if lang == 'en' else 'statistik'}-{mall_id}-{first}_{last}.{ext}"


def as_csv(found: list[dict], lang: str = "id", delimiter: str = ",") -> str:
    """The rows as CSV (the API's format=csv and the command line's export-stats), headed in
    `lang`, after a UTF-8 byte order mark; with `;`, decimals take a comma as in Indonesia."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([i18n.text(f"stats.col.{name}", lang) for name in COLUMNS])
    for row in found:
        writer.writerow([_cell(row.get(name), delimiter) for name in COLUMNS])
    return "\ufeff" + out.getvalue()


def _cell(value, delimiter: str):
    if value is None:
        return ""
    if isinstance(value, float) and delimiter == ";":
        return str(value).replace(".", ",")
    return as_text(value)


def accepts_xlsx(accept: str | None) -> None:
    """A workbook is binary: API Gateway sends it as a file only to a request whose Accept
    names its type (or */*), and Chalice refuses it otherwise; say so in our own words."""
    parts = {p.split(";")[0].strip().lower() for p in (accept or "").split(",")}
    if not parts & {XLSX, "*/*"}:
        raise NotAcceptable()  # its message names the type


def as_xlsx(found: list[dict], lang: str = "id") -> bytes:
    """The rows as an Excel workbook: one sheet, headed in `lang`, dates as dates and counts
    as numbers, the header frozen and filterable. Text is never read as a formula or a link
    (`strings_to_formulas`/`strings_to_urls` off), so a name like =HYPERLINK(...) stays text."""
    import xlsxwriter  # here, not at import: only this export needs it

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False,
                                     "strings_to_urls": False, "strings_to_numbers": False})
    sheet = book.add_worksheet(i18n.text("stats.sheet", lang))
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    headers = [i18n.text(f"stats.col.{name}", lang) for name in COLUMNS]
    sheet.write_row(0, 0, headers, bold)
    for r, row in enumerate(found, start=1):
        for c, name in enumerate(COLUMNS):
            value = row.get(name)
            if value is None:
                continue
            if name == "date":
                sheet.write_datetime(r, c, date.fromisoformat(value), day)
            elif isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    for c, name in enumerate(COLUMNS):
        sheet.set_column(c, c, 28 if name.endswith("_name") else 12)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(found), 1), len(COLUMNS) - 1)
    book.close()
    return out.getvalue()
