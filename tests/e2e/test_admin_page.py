"""The mall admin's page (/admin) in a real browser: closing a day and following its report,
the distancing capacity and a service's seats with the slots left over their seats, statistics
with SVG charts and a CSV download, the catalog, hours, staff and kiosks; axe-core on each
section, and no JavaScript error or CSP violation anywhere.

The app's clock stands at Monday 7 December 2026, 07:00 WIB (`fixed_clock`). Closure jobs do
not run by themselves in tests (ANTRE_JOBS=none): once the page has started one, the test runs
it here with `closures.work(closure_id)` and the page's polling shows the report.
"""
from __future__ import annotations

import csv
import re
import uuid
from pathlib import Path
from datetime import datetime, timedelta, timezone

import pytest
from playwright import sync_api

from chalicelib import clock
from chalicelib.mail import sender
from chalicelib.services import admin as admin_service
from chalicelib.services import closures
from tests.e2e.test_citizen_page import (  # noqa: F401  (browser is a fixture)
    assert_accessible, browser, wait_for_mail,
)
from tests.conftest import fail_next_ses_sends
from tests.api.helpers import person_name
from tests.e2e.pages import Pages, api
from tests.e2e.test_floor_pages import KIOSK

expect = sync_api.expect

MALL = "kota-bogor"
TOMORROW = "2026-12-08"
ADMIN = {"email": "admin@antre.local", "password": "admin-demo-123"}
STAFF = {"email": "staff@antre.local", "password": "staff-demo-123"}
KTP = "Perekaman & cetak KTP-el"
_nik = iter(range(1000, 9999))


@pytest.fixture
def open_admin(browser, live_server, fixed_clock):
    """open_admin(width, height) → the admin page in a fresh context (its own session storage).
    Fails the test on any JavaScript error or CSP violation."""
    pages = Pages(browser, live_server, console_errors=("Content Security Policy", "Uncaught"))

    def open_(width=1280, height=900):
        return pages.open("/admin", width=width, height=height, downloads=True)

    yield open_
    pages.close()


# --- helpers ----------------------------------------------------------------------------------------


def log_in(pg, who=ADMIN):
    expect(pg.locator("#h-login")).to_have_text("Masuk admin MPP")
    pg.get_by_test_id("login-email").fill(who["email"])
    pg.get_by_test_id("login-password").fill(who["password"])
    pg.get_by_test_id("login-submit").click()


def section(pg, name: str, heading: str):
    pg.get_by_test_id(f"nav-{name}").click()
    expect(pg.locator(f"#h-{name}")).to_have_text(heading)
    expect(pg.get_by_test_id(f"nav-{name}")).to_have_attribute("aria-current", "page")


def token_of(live_server, who) -> str:
    return api(live_server, "POST", "/v1/sessions", who, expect_status=200)["token"]


def registered_citizen(live_server) -> str:
    """A citizen registered and verified over HTTP, as the citizen page does it; their token."""
    email = f"warga-{uuid.uuid4().hex[:10]}@example.com"
    api(live_server, "POST", "/v1/accounts", {
        "email": email, "password": "kuda-lari-123", "name": "Siti Rahmawati",
        "phone": "0812 3456 7890", "nik": f"320101450690{next(_nik):04d}"}, expect_status=201)
    code = re.search(r"\b(\d{6})\b", wait_for_mail(live_server, email, r"\b\d{6}\b")["text"]).group(1)
    api(live_server, "POST", "/v1/accounts/verify", {"email": email, "code": code}, expect_status=200)
    return api(live_server, "POST", "/v1/sessions", {"email": email, "password": "kuda-lari-123"},
               expect_status=200)["token"]


def staff_bookings(live_server, count: int, service_id="ktp-el", day=TOMORROW, start="09:00"):
    """Bookings staff make at the counter for citizens without email (quicker than registering)."""
    token = token_of(live_server, STAFF)
    return [api(live_server, "POST", "/v1/staff/bookings", {
        "service_id": service_id, "date": day, "start": start, "name": person_name(n),
        "nik": f"320101450690{next(_nik):04d}"}, token=token, expect_status=201)
        for n in range(count)]


# --- (a) closing a day: the job moves the booking, the page shows the report -----------------------


def test_an_admin_closes_a_day_and_follows_the_report(open_admin, live_server):
    citizen = registered_citizen(live_server)
    booking = api(live_server, "POST", "/v1/bookings", {
        "mall_id": MALL, "service_id": "ktp-el", "date": TOMORROW, "start": "09:00"},
        token=citizen, expect_status=201)

    pg = open_admin()
    assert pg.locator("html").get_attribute("lang") == "id"
    assert_accessible(pg, "the admin's login")
    log_in(pg)
    expect(pg.locator("#h-overview")).to_have_text("Ringkasan")
    expect(pg.get_by_test_id("where")).to_have_text("Admin · MPP Kota Bogor")
    expect(pg.get_by_test_id("overview-facts")).to_contain_text("Senin, 7 Desember 2026")  # the server's today
    expect(pg.get_by_test_id("attention")).to_contain_text("Tidak ada yang perlu ditindaklanjuti.")
    assert_accessible(pg, "the overview")

    section(pg, "closures", "Penutupan")
    expect(pg.get_by_test_id("close-from")).to_have_value(TOMORROW)  # the mall's tomorrow
    expect(pg.get_by_test_id("closure-list")).to_contain_text("Belum ada penutupan.")
    assert_accessible(pg, "the closures section")
    pg.get_by_test_id("close-submit").click()  # no reason yet
    expect(pg.locator("#cl-reason-err")).to_have_text("Wajib diisi.")
    api(live_server, "POST", "/v1/staff/bookings", {
        "service_id": "ktp-el", "date": TOMORROW, "start": "10:00", "name": "Ibu Ratna Sari",
        "nik": f"320101450690{next(_nik):04d}", "phone": "0812 9999 0000"},
        token=token_of(live_server, STAFF), expect_status=201)
    pg.get_by_test_id("close-reason").fill("Pemadaman listrik")
    pg.get_by_test_id("close-submit").click()
    confirm = pg.get_by_test_id("close-confirm")
    expect(confirm).to_contain_text("Tutup seluruh MPP pada Selasa, 8 Desember 2026?")
    assert_accessible(pg, "the closure's confirmation")
    pg.get_by_test_id("close-confirm-yes").click()

    # the report, running: the job has not run yet
    expect(pg.locator("#h-closure")).to_have_text("Laporan penutupan")
    status = pg.get_by_test_id("closure-status")
    expect(status).to_have_attribute("data-status", "running")
    expect(pg.get_by_test_id("status")).to_have_text("Penutupan dimulai. Booking di dalamnya sedang dipindahkan.")
    closure_id = pg.get_by_test_id("closure-id").inner_text()
    assert api(live_server, "POST", "/v1/bookings", {  # closed at once for new bookings
        "mall_id": MALL, "service_id": "ktp-el", "date": TOMORROW, "start": "10:00"},
        token=registered_citizen(live_server), expect_status=422)["code"] == "slot_unavailable"
    assert_accessible(pg, "a running closure's report")

    assert closures.work(closure_id) == "done"
    expect(status).to_have_attribute("data-status", "done")  # the page polls every 2 s
    expect(pg.get_by_test_id("closure-affected")).to_have_text("2")
    expect(pg.get_by_test_id("closure-moved")).to_have_text("2")
    expect(pg.get_by_test_id("closure-cancelled")).to_have_text("0")
    expect(pg.get_by_test_id("closure-failed")).to_have_text("0")
    # the booking staff made at the desk had nobody to email: the report names her, to phone
    expect(pg.get_by_test_id("closure-not-emailed")).to_have_text("1")
    phone = pg.get_by_test_id("closure-phone-list")
    expect(phone).to_contain_text("1 warga perlu ditelepon")
    expect(phone.get_by_test_id("phone-row")).to_have_count(1)
    expect(phone.get_by_test_id("phone-row")).to_contain_text("Ibu Ratna Sari")
    expect(phone.get_by_test_id("phone-row")).to_contain_text("+6281299990000")
    expect(phone.get_by_test_id("phone-row")).to_contain_text(re.compile(r"Dipindahkan ke Rab, 9 Des\S*, 10:00"))
    expect(pg.get_by_test_id("status")).to_have_text("Penutupan selesai.")
    moved = api(live_server, "GET", f"/v1/bookings/{booking['booking_id']}", token=citizen, expect_status=200)
    assert (moved["code"], moved["status"], moved["start"]) == (booking["code"], "booked", "09:00")
    assert moved["date"] == "2026-12-09", "the nearest free slot after the closure, same time"
    assert_accessible(pg, "a finished closure's report")

    # the list, and the year's cuti bersama (24 December 2026) in one action
    pg.get_by_role("link", name="‹ Semua penutupan").click()
    row = pg.get_by_test_id("closure-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("2 dipindahkan, 0 dibatalkan, 0 gagal, 1 perlu ditelepon")
    expect(pg.get_by_test_id("cuti-submit")).to_have_text("Tutup hari cuti bersama 2026")
    pg.get_by_test_id("cuti-submit").click()
    expect(pg.get_by_test_id("cuti-confirm")).to_contain_text("Tutup semua hari cuti bersama 2026 yang tersisa?")
    pg.get_by_test_id("cuti-confirm-yes").click()
    expect(pg.get_by_test_id("status")).to_have_text("1 penutupan cuti bersama 2026 dimulai.")
    expect(row).to_have_count(2)
    expect(row.first).to_contain_text("Cuti bersama")

    # the overview lists the closed days ahead
    pg.get_by_test_id("nav-overview").click()
    expect(pg.locator("#ov-soon")).to_contain_text("MPP tutup")
    expect(pg.get_by_test_id("attention")).to_contain_text("sedang berjalan")  # the cuti bersama job


def test_closing_one_service_leaves_the_other_services_open(open_admin, live_server):
    # issue 13: choosing PBG closed the whole mall ("Tutup seluruh MPP ...?"), KTP-el lost its
    # slots and every booking of every agency would have been moved and emailed
    friday = "2026-12-11"
    for service in ("pbg", "ktp-el"):
        staff_bookings(live_server, 1, service_id=service, day=friday)
    pg = open_admin(1366, 768)
    log_in(pg)
    expect(pg.locator("#h-overview")).to_have_text("Ringkasan")
    section(pg, "closures", "Penutupan")
    pg.get_by_test_id("close-from").fill(friday)
    pg.get_by_test_id("close-to").fill(friday)
    pg.get_by_test_id("close-service").select_option("pbg")
    pg.get_by_test_id("close-reason").fill("Sistem perizinan dalam pemeliharaan")
    pg.get_by_test_id("close-submit").click()
    confirm = pg.get_by_test_id("close-confirm")
    expect(confirm).to_contain_text(
        "Tutup layanan Persetujuan Bangunan Gedung (PBG) pada Jumat, 11 Desember 2026?")
    expect(confirm).not_to_contain_text("seluruh MPP")
    pg.get_by_test_id("close-confirm-yes").click()
    closure_id = pg.get_by_test_id("closure-id").inner_text()
    assert closures.work(closure_id) == "done"
    expect(pg.get_by_test_id("closure-affected")).to_have_text("1")  # PBG's booking only
    slots = api(live_server, "GET", f"/v1/malls/{MALL}/services/ktp-el/slots?date={friday}",
                expect_status=200)
    assert slots, "KTP-el keeps its slots on the Friday"
    assert api(live_server, "GET", f"/v1/malls/{MALL}/services/pbg/slots?date={friday}",
               expect_status=200) == []


SHOTS = Path("/tmp/shots/closures")


def test_a_closure_is_previewed_confirmed_and_reopened(open_admin, live_server):
    """Issue 15: the close flow shows what will happen before it asks (the server's dry run of
    the job), an overlapping closure is refused with the one it overlaps, one service closes
    while the others keep their slots, and the closure is reopened from its report."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    friday = "2026-12-11"
    staff_bookings(live_server, 2, service_id="pbg", day=friday)
    staff_bookings(live_server, 1, service_id="ktp-el", day=friday)
    pg = open_admin(1366, 768)
    log_in(pg)
    expect(pg.locator("#h-overview")).to_have_text("Ringkasan")
    section(pg, "closures", "Penutupan")

    def fill(service="pbg"):
        pg.get_by_test_id("close-from").fill(friday)
        pg.get_by_test_id("close-to").fill(friday)
        pg.get_by_test_id("close-service").select_option(service)
        pg.get_by_test_id("close-reason").fill("Sistem perizinan dalam pemeliharaan")
        pg.get_by_test_id("close-submit").click()

    fill()
    shown = pg.get_by_test_id("close-preview")
    expect(shown).to_contain_text("2 booking di dalam penutupan ini")
    expect(shown).to_contain_text("2 dipindahkan ke slot kosong terdekat:")
    expect(shown).to_contain_text(re.compile(r"Sen, 14 Des\S*: 2 booking"))
    expect(shown).to_contain_text("0 dibatalkan (tidak ada slot kosong)")
    expect(shown).to_contain_text("2 warga tanpa email: perlu ditelepon petugas")
    assert api(live_server, "GET", f"/v1/admin/malls/{MALL}/closures",
               token=token_of(live_server, ADMIN), expect_status=200) == []  # nothing yet
    assert_accessible(pg, "the closure's preview")
    pg.screenshot(path=str(SHOTS / "preview-id.png"))
    pg.get_by_test_id("lang-toggle").click()
    expect(shown).to_contain_text("2 bookings inside this closure")
    expect(shown).to_contain_text("2 citizens without email: staff must phone them")
    pg.screenshot(path=str(SHOTS / "preview-en.png"))
    pg.get_by_test_id("lang-toggle").click()
    pg.get_by_test_id("close-confirm-yes").click()
    closure_id = pg.get_by_test_id("closure-id").inner_text()
    assert closures.work(closure_id) == "done"
    expect(pg.get_by_test_id("closure-status")).to_have_attribute("data-status", "done")
    expect(pg.get_by_test_id("closure-moved")).to_have_text("2")  # as the preview said
    assert api(live_server, "GET", f"/v1/malls/{MALL}/services/ktp-el/slots?date={friday}",
               expect_status=200), "KTP-el keeps its slots"
    assert api(live_server, "GET", f"/v1/malls/{MALL}/services/pbg/slots?date={friday}",
               expect_status=200) == []

    # the same days again: refused, naming the closure they overlap
    pg.get_by_role("link", name="‹ Semua penutupan").click()
    fill()
    expect(pg.locator("#form-close .form-err")).to_contain_text(
        "Hari-hari ini sudah ditutup: penutupan layanan Persetujuan Bangunan Gedung (PBG)")
    expect(pg.get_by_test_id("close-confirm")).to_have_count(0)
    pg.screenshot(path=str(SHOTS / "overlap-id.png"))

    # reopen from the report
    pg.get_by_test_id("closure-row").get_by_role("link").click()
    expect(pg.locator("#h-closure")).to_be_visible()
    reopen = pg.get_by_test_id("closure-reopen")
    expect(reopen).to_be_visible()
    expect(reopen).to_contain_text("Buka kembali")
    expect(pg.get_by_test_id("reopen-from")).to_have_value(friday)
    pg.screenshot(path=str(SHOTS / "report-id.png"))
    pg.get_by_test_id("reopen-submit").click()
    expect(pg.get_by_test_id("reopen-confirm")).to_contain_text("Buka kembali Jumat, 11 Desember 2026?")
    assert_accessible(pg, "the reopening's confirmation")
    pg.get_by_test_id("reopen-confirm-yes").click()
    expect(pg.get_by_test_id("closure-status")).to_have_attribute("data-status", "reopened")
    expect(pg.get_by_test_id("closure-status")).to_have_text("Dibuka kembali")
    expect(reopen).to_be_hidden()
    assert api(live_server, "GET", f"/v1/malls/{MALL}/services/pbg/slots?date={friday}",
               expect_status=200), "PBG offers its slots again"
    pg.get_by_test_id("lang-toggle").click()
    expect(pg.get_by_test_id("closure-status")).to_have_text("Reopened")
    expect(pg.get_by_test_id("status")).to_have_text(
        "The closure is reopened; bookings already moved keep their new time.")
    pg.screenshot(path=str(SHOTS / "reopened-en.png"))
    pg.get_by_role("link", name="‹ All closures").click()
    expect(pg.locator("#h-closures")).to_be_visible()
    expect(pg.get_by_test_id("closure-row")).to_contain_text("Reopened")
    pg.screenshot(path=str(SHOTS / "list-en.png"))
    pg.get_by_test_id("lang-toggle").click()
    expect(pg.get_by_test_id("closure-row")).to_contain_text("Dibuka kembali")
    pg.screenshot(path=str(SHOTS / "list-id.png"))


# --- (b) distancing and a service's seats: the slots left over their seats ------------------------


def test_lower_capacity_shows_the_slots_over_their_seats(open_admin, live_server):
    staff_bookings(live_server, 2)  # ktp-el, 8 December, 09:00: 2 of its 4 seats
    pg = open_admin()
    log_in(pg)
    section(pg, "capacity", "Kapasitas")
    percent = pg.get_by_test_id("capacity-percent")
    expect(percent).to_have_value("100")
    assert_accessible(pg, "the capacity section")
    percent.fill("25")  # 4 seats → 1
    pg.get_by_test_id("capacity-save").click()
    conflicts = pg.get_by_test_id("conflicts")
    expect(conflicts).to_be_visible()
    expect(conflicts).to_contain_text("Tidak ada booking yang dibatalkan.")
    row = conflicts.get_by_test_id("conflict")
    expect(row).to_have_count(1)
    expect(row).to_have_text(re.compile(rf"{re.escape(KTP)}\s*Sel, 8 Des\s*09:00\s*2\s*1"))
    expect(pg.locator('[data-testid="seats-row"][data-id="ktp-el"] td').last).to_have_text("1")
    assert_accessible(pg, "the capacity section with conflicts")

    # raising it again leaves no conflict; the check says so
    # the save says at once what it does (it took 5-12 s with no word), and says the value saved
    percent.fill("100")
    held = []
    pg.route(re.compile(r".*/v1/admin/malls/kota-bogor$"),
             lambda route: held.append(route) if route.request.method == "PATCH" else route.continue_())
    pg.get_by_test_id("capacity-save").click()
    expect(pg.get_by_test_id("status")).to_contain_text("Menyimpan kapasitas 100%")
    expect(pg.get_by_test_id("capacity-save")).to_be_disabled()
    pg.wait_for_function("() => true")
    assert len(held) == 1
    held[0].continue_()
    pg.unroute(re.compile(r".*/v1/admin/malls/kota-bogor$"))
    expect(pg.get_by_test_id("status")).to_have_text("Kapasitas disimpan: 100%.", timeout=20_000)
    expect(conflicts).to_have_count(0)
    pg.get_by_test_id("capacity-check").click()
    expect(pg.get_by_test_id("no-conflicts")).to_be_visible()

    # a service's own seats: 4 → 1
    section(pg, "services", "Layanan")
    assert_accessible(pg, "the services section")
    pg.locator('[data-testid="service-edit"][data-id="ktp-el"]').click()
    expect(pg.locator("#h-service")).to_have_text(f"Ubah layanan {KTP}")
    expect(pg.get_by_test_id("service-id")).to_have_attribute("readonly", "")
    assert_accessible(pg, "a service's form")
    capacity = pg.get_by_test_id("service-capacity")
    capacity.fill("150")  # over the limit: said next to the field
    pg.get_by_test_id("service-save").click()
    expect(pg.locator("#sv-capacity-err")).to_have_text("Tulis angka 0 sampai 100.")
    expect(capacity).to_have_attribute("aria-invalid", "true")
    capacity.evaluate("i => i.removeAttribute('max')")  # the API's own check: its words, same place
    pg.get_by_test_id("service-save").click()
    expect(pg.locator("#sv-capacity-err")).to_have_text("maksimal 100")
    expect(pg.locator("#form-service .form-err")).to_be_hidden()
    capacity.fill("1")
    pg.get_by_test_id("service-save").click()
    expect(pg.locator("#h-services")).to_have_text("Layanan")
    expect(pg.get_by_test_id("status")).to_contain_text("Layanan disimpan. Beberapa slot kini berisi")
    expect(pg.get_by_test_id("conflicts").get_by_test_id("conflict")).to_have_text(
        re.compile(rf"{re.escape(KTP)}\s*Sel, 8 Des\s*09:00\s*2\s*1"))
    expect(pg.locator('[data-testid="service-row"][data-id="ktp-el"] [data-testid="service-capacity-cell"]')).to_have_text("1")
    assert_accessible(pg, "the services section with conflicts")
    assert api(live_server, "GET", f"/v1/malls/{MALL}/services/ktp-el/slots?date={TOMORROW}")[1]["capacity"] == 1


# --- (c) statistics: charts drawn as SVG, the CSV ------------------------------------------------------


def test_statistics_draw_charts_after_some_activity(open_admin, live_server):
    staff_bookings(live_server, 2)
    staff_bookings(live_server, 1, "akta-kelahiran", TOMORROW, "10:00")
    # a walk-in served today: waits 15 minutes, served 10
    at = lambda h, m: clock.use(clock.FixedClock(datetime(2026, 12, 7, h - 7, m, tzinfo=timezone.utc)))  # noqa: E731
    at(8, 5)
    api(live_server, "POST", "/v1/kiosk/walkins", {"service_id": "ktp-el"}, headers=KIOSK, expect_status=201)
    staff = token_of(live_server, STAFF)
    at(8, 20)
    ticket = api(live_server, "POST", "/v1/staff/counters/loket-1/call-next", token=staff, expect_status=200)["ticket"]
    api(live_server, "POST", f"/v1/staff/tickets/{ticket['ticket_id']}/start", token=staff, expect_status=200)
    at(8, 30)
    api(live_server, "POST", f"/v1/staff/tickets/{ticket['ticket_id']}/finish", token=staff, expect_status=200)

    pg = open_admin()
    log_in(pg)
    section(pg, "stats", "Statistik")
    expect(pg.get_by_test_id("stats-to")).to_have_value("2026-12-07")  # the mall's today
    expect(pg.get_by_test_id("stats-from")).to_have_value("2026-12-01")
    pg.get_by_test_id("stats-to").fill(TOMORROW)
    pg.get_by_test_id("stats-show").click()
    counts = pg.get_by_test_id("chart-counts")
    expect(counts).to_be_visible()
    assert counts.evaluate("n => n.namespaceURI") == "http://www.w3.org/2000/svg"
    bars = counts.locator("rect")  # a bar per count that is not 0: 8 Dec booked 3; 7 Dec 1 walk-in, 1 served
    expect(bars).to_have_count(3)
    assert bars.evaluate_all("rs => rs.map(r => r.dataset.value)") == ["3", "1", "1"]  # by series
    wait = pg.get_by_test_id("chart-wait")
    expect(wait.locator("circle")).to_have_count(2)  # mean and p90 on 7 December
    assert wait.locator("circle").first.get_attribute("data-value") == "15"
    expect(pg.get_by_test_id("stats-row")).to_have_count(3)
    expect(pg.get_by_test_id("stats-totals")).to_contain_text("Booking3")
    # per hour (the walk-in arrived and was called in the 08:00 hour) and per counter
    expect(pg.get_by_test_id("chart-hours").locator("rect")).to_have_count(2)
    expect(pg.get_by_test_id("stats-hour")).to_have_count(1)
    expect(pg.get_by_test_id("stats-hour")).to_contain_text("08:00")
    assert pg.get_by_test_id("chart-hour-wait").locator("circle").get_attribute("data-value") == "15"
    expect(pg.get_by_test_id("stats-counter")).to_have_count(1)
    expect(pg.get_by_test_id("stats-counter")).to_contain_text("10")  # 10 minutes' service
    assert_accessible(pg, "the statistics with charts")

    # one service: exact numbers; and the CSV, fetched with the token and saved as a file
    pg.get_by_test_id("stats-service").select_option("akta-kelahiran")
    expect(pg.get_by_test_id("stats-row")).to_have_count(1)
    expect(pg.get_by_test_id("chart-wait")).to_have_count(0)
    with pg.expect_download() as download:
        pg.get_by_test_id("stats-csv").click()
    assert download.value.suggested_filename == \
        "antre-statistik-kota-bogor-2026-12-01_2026-12-08.csv"
    with open(download.value.path(), encoding="utf-8") as f:
        lines = f.read().splitlines()
    assert lines[0].startswith("\ufeffTanggal,ID instansi,Instansi,ID layanan,Layanan,Booking,")
    assert len(lines) == 4 and any(",ktp-el," in line for line in lines)
    pg.get_by_test_id("stats-semicolon").check()  # for Indonesian-locale Excel
    with pg.expect_download() as download:
        pg.get_by_test_id("stats-csv").click()
    with open(download.value.path(), encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    assert len(rows) == 3 and {r["ID layanan"] for r in rows} >= {"ktp-el"}
    pg.get_by_test_id("stats-semicolon").uncheck()
    # the Excel workbook: binary, fetched with its media type, opened by a real reader
    with pg.expect_download() as download:
        pg.get_by_test_id("stats-xlsx").click()
    assert download.value.suggested_filename == \
        "antre-statistik-kota-bogor-2026-12-01_2026-12-08.xlsx"
    import openpyxl
    with open(download.value.path(), "rb") as f:  # the saved path has no .xlsx suffix
        table = list(openpyxl.load_workbook(f)["Statistik"].iter_rows(values_only=True))
    assert table[0][0] == "Tanggal" and len(table) == 4
    assert {line[3] for line in table[1:]} >= {"ktp-el"}
    expect(pg.get_by_text("File Excel diunduh.")).to_be_visible()

    # English
    pg.get_by_test_id("lang-toggle").click()
    expect(pg.locator("#h-stats")).to_have_text("Statistics")
    expect(pg.get_by_test_id("chart-counts").locator("title").first).to_have_text("Bookings, check-ins, walk-ins and served per day")
    assert pg.locator("html").get_attribute("lang") == "en"


# --- the catalog, hours, people and the audit log ------------------------------------------------------


def test_catalog_hours_staff_kiosks_and_the_audit_log(open_admin, live_server):
    pg = open_admin()
    log_in(pg)

    # a refused delete: the server's words beside the row
    section(pg, "services", "Layanan")
    pg.locator('[data-testid="agency-delete"][data-id="disdukcapil"]').click()
    pg.get_by_test_id("agency-confirm-yes").click()
    expect(pg.get_by_test_id("agency-confirm")).to_contain_text(
        "Instansi ini masih punya layanan; hapus atau pindahkan dulu layanannya.")

    # a new counter
    pg.get_by_test_id("add-counter").click()
    expect(pg.locator("#h-counter")).to_have_text("Loket baru")
    pg.get_by_test_id("counter-id").fill("loket-1")
    pg.get_by_test_id("counter-name").fill("Loket 8")
    pg.get_by_test_id("counter-save").click()
    expect(pg.locator("#ct-id-err")).to_contain_text("Kode ini sudah dipakai.")
    pg.get_by_test_id("counter-id").fill("loket-8")
    pg.get_by_test_id("counter-save").click()
    expect(pg.locator("#ct-services-anchor-err")).to_have_text("Pilih minimal satu layanan.")
    pg.get_by_role("checkbox", name=re.compile("^Akta Kelahiran")).check()
    assert_accessible(pg, "a counter's form")
    pg.get_by_test_id("counter-save").click()
    expect(pg.get_by_test_id("status")).to_have_text("Loket disimpan.")
    expect(pg.locator('[data-testid="counter-row"][data-id="loket-8"]')).to_contain_text("Akta Kelahiran")

    # special hours: Thursday 10 December, 09:00-12:00 only
    section(pg, "hours", "Jam buka")
    expect(pg.get_by_test_id("day-open-5")).not_to_be_checked()
    expect(pg.get_by_test_id("day-breaks-4")).to_have_value("11:30–13:00")
    assert_accessible(pg, "the hours section")
    pg.get_by_test_id("special-date").fill("2026-12-10")
    pg.get_by_test_id("special-open").fill("09:00")
    pg.get_by_test_id("special-close").fill("12:00")
    pg.get_by_test_id("special-save").click()
    expect(pg.get_by_test_id("special-row")).to_contain_text("09:00–12:00")
    slots = api(live_server, "GET", f"/v1/malls/{MALL}/services/ktp-el/slots?date=2026-12-10")
    assert (slots[0]["start"], slots[-1]["end"]) == ("09:00", "12:00")

    # a staff account: the temporary password shown once, and it works until disabled
    section(pg, "staff", "Petugas")
    expect(pg.locator("#sf-role-field")).to_be_hidden()  # only the city's super admin makes admins
    pg.get_by_test_id("staff-name").fill("Budi Santoso")
    pg.get_by_test_id("staff-email").fill("budi@antre.local")
    pg.get_by_test_id("staff-save").click()
    password = pg.locator("#staff-secret").get_by_test_id("secret").inner_text()
    expect(pg.locator("#staff-secret")).to_contain_text("hanya ditampilkan sekali")
    assert_accessible(pg, "the staff section with a new password")
    budi = {"email": "budi@antre.local", "password": password}
    token_of(live_server, budi)
    budi_row = pg.locator('[data-testid="staff-row"][data-email="budi@antre.local"]')
    budi_row.get_by_test_id("staff-disable").click()
    expect(budi_row.get_by_test_id("staff-enable")).to_be_visible()
    expect(budi_row.locator(".badge")).to_have_text("Nonaktif")
    assert "token" not in api(live_server, "POST", "/v1/sessions", budi)
    expect(pg.locator('[data-testid="staff-row"][data-email="admin@antre.local"]')).to_contain_text("Akun Anda")

    # a kiosk: its key shown once, revoked at once
    section(pg, "kiosks", "Kiosk")
    pg.get_by_test_id("kiosk-label").fill("Pintu samping")
    pg.get_by_test_id("kiosk-save").click()
    key = pg.locator("#kiosk-secret").get_by_test_id("secret").inner_text()
    expect(pg.locator("#staff-secret")).to_be_empty()  # the password left with its screen
    assert pg.get_by_test_id("kiosk-link").inner_text().endswith("/kiosk#key=" + key)
    assert api(live_server, "GET", "/v1/kiosk/me", headers={"X-Kiosk-Key": key})["label"] == "Pintu samping"
    assert_accessible(pg, "the kiosks section with a new key")
    row = pg.locator('[data-testid="kiosk-row"]', has_text="Pintu samping")
    row.get_by_test_id("kiosk-revoke").click()
    pg.get_by_test_id("kiosk-confirm-yes").click()
    expect(row).to_contain_text("Dicabut")
    api(live_server, "GET", "/v1/kiosk/me", headers={"X-Kiosk-Key": key}, expect_status=401)

    # the audit log: who, what, before → after
    section(pg, "audit", "Riwayat perubahan")
    rows = pg.get_by_test_id("audit-row")
    expect(rows.first).to_contain_text("Kiosk dicabut")  # the last change first
    disabled = pg.locator('[data-testid="audit-row"][data-action="account.disable"]')
    expect(disabled).to_contain_text("Akun dinonaktifkan")
    expect(disabled).to_contain_text("Nonaktif: tidak → ya")  # the field by its label, in words
    expect(pg.locator('[data-testid="audit-row"][data-action="special_hours.put"]')).to_contain_text("Anda")
    assert_accessible(pg, "the audit log")

    section(pg, "mail", "Email gagal")
    expect(pg.get_by_test_id("mail-list")).to_have_text("Tidak ada email yang gagal.")
    assert_accessible(pg, "the failed mail section")


def test_failed_mail_is_sent_again(open_admin, live_server, fixed_clock):
    citizen = registered_citizen(live_server)
    fail_next_ses_sends(100)  # the confirmation fails every attempt of the retry job
    api(live_server, "POST", "/v1/bookings", {"mall_id": MALL, "service_id": "skck", "date": TOMORROW,
                                               "start": "10:00"}, token=citizen, expect_status=201)
    for _ in range(10):
        fixed_clock.advance(timedelta(hours=1))
        sender.deliver_due(fixed_clock.now())
    pg = open_admin()
    log_in(pg)
    expect(pg.get_by_test_id("attention")).to_contain_text("1 email gagal terkirim")
    section(pg, "mail", "Email gagal")
    row = pg.get_by_test_id("mail-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Konfirmasi booking")
    expect(row).to_contain_text("MessageRejected")
    assert_accessible(pg, "the failed mail")
    fail_next_ses_sends(0)
    row.get_by_test_id("mail-retry").click()
    expect(pg.get_by_test_id("status")).to_have_text(re.compile(r"^Email ke warga-\w+@example.com terkirim\.$"))
    expect(pg.get_by_test_id("mail-list")).to_have_text("Tidak ada email yang gagal.")


def test_a_super_admin_picks_the_mall(open_admin, live_server):
    admin_service.create_super_admin("it@kota.go.id", "Admin Kota", "hujan-jeruk-lampu-9", clock.now())
    city = {"email": "it@kota.go.id", "password": "hujan-jeruk-lampu-9"}
    api(live_server, "POST", "/v1/admin/malls", {"mall_id": "kota-depok", "name": "MPP Kota Depok",
                                                 "city": "Depok", "timezone": "Asia/Jakarta"},
        token=token_of(live_server, city), expect_status=201)
    pg = open_admin()
    log_in(pg, city)
    expect(pg.locator("#h-pick")).to_have_text("Pilih MPP")
    expect(pg.get_by_test_id("mall")).to_have_count(2)
    assert_accessible(pg, "the mall choice")
    pg.locator('[data-testid="mall"][data-mall="kota-depok"]').click()
    expect(pg.get_by_test_id("where")).to_have_text("Admin · MPP Kota Depok")
    section(pg, "staff", "Petugas")
    expect(pg.locator("#sf-role-field")).to_be_visible()
    pg.get_by_test_id("nav-pick").click()
    pg.locator('[data-testid="mall"][data-mall="kota-bogor"]').click()
    expect(pg.get_by_test_id("where")).to_have_text("Admin · MPP Kota Bogor")


def test_staff_cannot_use_the_admin_page(open_admin):
    pg = open_admin()
    log_in(pg, STAFF)
    expect(pg.locator("#form-login .form-err")).to_have_text(
        "Akun ini bukan akun admin MPP. Petugas loket masuk lewat halaman Loket.")
    expect(pg.get_by_test_id("nav-overview")).to_be_hidden()


def test_weekly_hours_keep_the_friday_break(open_admin, live_server):
    pg = open_admin()
    log_in(pg)
    section(pg, "hours", "Jam buka")
    pg.get_by_test_id("day-open-5").check()
    pg.get_by_test_id("day-from-5").fill("08:00")
    pg.get_by_test_id("day-to-5").fill("12:00")
    pg.get_by_test_id("week-save").click()
    expect(pg.get_by_test_id("status")).to_have_text("Jam buka mingguan disimpan.", timeout=3000)
    hours = api(live_server, "GET", f"/v1/malls/{MALL}")["weekly_hours"]
    assert hours["4"]["breaks"] == [["11:30", "13:00"]] and hours["5"]["close"] == "12:00"


def test_a_booked_service_deleted_is_retired_and_its_bookings_moved_or_cancelled(
        open_admin, live_server):
    [made] = staff_bookings(live_server, 1, service_id="pbg", start="09:00")
    pg = open_admin()
    log_in(pg)
    section(pg, "services", "Layanan")
    pg.locator('[data-testid="service-delete"][data-id="pbg"]').click()
    pg.get_by_test_id("service-confirm-yes").click()
    expect(pg.get_by_test_id("status")).to_contain_text("dihentikan, tidak dihapus")
    row = pg.locator('[data-testid="service-row"][data-id="pbg"]')
    expect(row.get_by_test_id("service-retired")).to_be_visible()
    row.get_by_test_id("service-bookings").click()
    expect(pg.locator("#h-retired")).to_contain_text("Booking Persetujuan Bangunan Gedung")
    booking = pg.locator(f'[data-testid="rb-row"][data-code="{made["code"]}"]')
    expect(booking).to_contain_text("09:00")
    assert_accessible(pg, "a retired service's bookings")
    booking.get_by_test_id("rb-date").fill("2026-12-10")
    booking.get_by_test_id("rb-time").fill("10:00")
    booking.get_by_test_id("rb-move").click()
    expect(pg.get_by_test_id("status")).to_contain_text(f"Booking {made['code']} dipindahkan")
    expect(booking).to_contain_text("10:00")
    booking.get_by_test_id("rb-cancel").click()
    pg.get_by_test_id("rb-confirm-yes").click()
    expect(pg.get_by_test_id("status")).to_contain_text(f"Booking {made['code']} dibatalkan")
    expect(pg.get_by_test_id("retired-bookings")).to_contain_text("Tidak ada booking lagi.")
