"""The citizen's whole journey on the page, at 360 px: recovering a password, a full day that
leads somewhere (nearest days, new days, walk-ins, the waitlist and its offer), the mall's
place and hours, the booking card (where, what to bring, calendar file, cancel, reschedule),
the first screen before any script, and both languages.

The app's clock stands at Monday 7 December 2026, 07:00 WIB (the `fixed_clock` fixture); the
browser's clock is set to the same instant, so an offer's countdown reads true. Every page is
checked for JavaScript errors and CSP violations, every new view with axe-core.
"""
from __future__ import annotations

import gzip
import random
import re
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from playwright import sync_api

from tests.api.helpers import person_name
from tests.e2e.pages import Pages, api
from tests.e2e.test_citizen_page import (  # noqa: F401  (browser is a fixture)
    assert_accessible, browser, wait_for_mail,
)
from tests.http_client import request

expect = sync_api.expect

MALL = "kota-bogor"
FULL_DAY = "2026-12-08"            # a Tuesday: 7 one-hour PBG slots of 3 seats
PBG_STARTS = [f"{h:02d}:00" for h in range(8, 15)]
STAFF = {"email": "staff@antre.local", "password": "staff-demo-123"}
WEB = Path(__file__).resolve().parents[2] / "chalicelib" / "web"


@pytest.fixture
def open_page(browser, live_server, fixed_clock):
    """open_page(path, js=True, clock_off=timedelta(0)) → a 360 px phone page in its own
    context, its clock `clock_off` from the app's. Fails the test on any JavaScript error or
    CSP violation."""
    pages = Pages(browser, live_server)

    def open_(path="/", js=True, clock_off=timedelta(0)):
        return pages.open(path, js=js, clock_at=fixed_clock.now() + clock_off, downloads=True)

    yield open_
    pages.close()


# --- helpers over HTTP ------------------------------------------------------------------------


_NIKS = iter(random.sample(range(2000, 10000), 8000))  # staff book with 1000-1099


def new_nik() -> str:
    """A valid NIK (Kota Bogor's 3201, born 5 June 1990) no other test citizen has."""
    return f"320101450690{next(_NIKS):04d}"


def citizen(live_server, name="Siti Rahmawati", password="rahasia-kuda-lari"):
    """A registered, verified citizen: (email, password, token)."""
    email = f"warga-{uuid.uuid4().hex[:10]}@example.com"
    api(live_server, "POST", "/v1/accounts", {"email": email, "password": password, "name": name,
                                              "phone": "0812 3456 7890", "nik": new_nik()},
        expect_status=201)
    code = re.search(r"\b(\d{6})\b", wait_for_mail(live_server, email, r"\b\d{6}\b")["text"]).group(1)
    api(live_server, "POST", "/v1/accounts/verify", {"email": email, "code": code}, expect_status=200)
    token = api(live_server, "POST", "/v1/sessions", {"email": email, "password": password},
                expect_status=200)["token"]
    return email, password, token


def fill_full_day(live_server, keep_one_for=None):
    """Every PBG seat of FULL_DAY taken: by staff for walk-up citizens (no accounts needed),
    and, if given, one of them by the citizen with token `keep_one_for` (their booking)."""
    staff = api(live_server, "POST", "/v1/sessions", STAFF, expect_status=200)["token"]
    mine = None
    niks = iter(f"320101450690{n:04d}" for n in range(1000, 1100))
    for start in PBG_STARTS:
        for seat in range(3):
            if keep_one_for and mine is None:
                mine = api(live_server, "POST", "/v1/bookings", {
                    "mall_id": MALL, "service_id": "pbg", "date": FULL_DAY, "start": start},
                    token=keep_one_for, expect_status=201)
                continue
            api(live_server, "POST", "/v1/staff/bookings", {
                "service_id": "pbg", "date": FULL_DAY, "start": start,
                "name": person_name(int(start.replace(":", "")) * 10 + seat), "nik": next(niks)}, token=staff, expect_status=201)
    slots = api(live_server, "GET", f"/v1/malls/{MALL}/services/pbg/slots?date={FULL_DAY}")
    assert slots and all(s["remaining"] == 0 for s in slots), slots
    return mine


def status(pg):
    return pg.get_by_test_id("status")


def log_in(pg, email, password):
    pg.get_by_test_id("nav-login").click()
    expect(pg.locator("#h-login")).to_be_visible()
    pg.get_by_test_id("login-email").fill(email)
    pg.get_by_test_id("login-password").fill(password)
    pg.get_by_test_id("login-submit").click()
    expect(pg.get_by_test_id("nav-logout")).to_be_visible()


# --- 1. a forgotten password ------------------------------------------------------------------


def test_register_with_a_pasted_nik_then_recover_the_password(open_page, live_server):
    email = f"warga-{uuid.uuid4().hex[:10]}@example.com"
    nik = new_nik()
    pasted = f"{nik[:4]} {nik[4:8]}-{nik[8:12]} {nik[12:]}"  # as copied from a scanned KTP
    pg = open_page("/")
    pg.get_by_test_id("intro-register").click()
    expect(pg.locator("#h-register")).to_be_visible()
    pg.get_by_test_id("reg-name").fill("Siti Rahmawati")
    pg.get_by_test_id("reg-email").fill(email)
    pg.get_by_test_id("reg-phone").fill("0812 3456 7890")
    pg.get_by_test_id("reg-nik").fill(pasted)
    expect(pg.get_by_test_id("reg-nik")).to_have_value(pasted)  # nothing cut off
    pg.get_by_test_id("reg-password").fill("rahasia-lama-" + uuid.uuid4().hex[:6])
    pg.get_by_test_id("reg-submit").click()
    expect(pg.locator("#h-verify")).to_be_visible()
    code = re.search(r"\b(\d{6})\b", wait_for_mail(live_server, email, r"\b\d{6}\b")["text"]).group(1)
    pg.get_by_test_id("ver-code").fill(code)
    pg.get_by_test_id("ver-submit").click()
    expect(pg.locator("#h-login")).to_be_visible()

    # "Lupa kata sandi?": the email, then the code and a new password
    pg.get_by_test_id("to-forgot").click()
    expect(pg.locator("#h-forgot")).to_be_visible()
    expect(pg.get_by_test_id("fg-email")).to_have_value(email)  # kept from the login form
    assert_accessible(pg, "the forgotten-password form")
    pg.get_by_test_id("fg-submit").click()
    expect(pg.locator("#h-reset")).to_be_visible()
    expect(status(pg)).to_contain_text(email)
    expect(pg.get_by_test_id("rp-email")).to_have_value(email)
    assert_accessible(pg, "the new-password form")
    mail = wait_for_mail(live_server, email, r"kata sandi Antre Anda:\s+\d{6}")
    code = re.search(r"kata sandi Antre Anda:\s+(\d{6})", mail["text"]).group(1)

    # a password too easy to guess: the server's words, next to the password field
    pg.get_by_test_id("rp-code").fill(code)
    pg.get_by_test_id("rp-password").fill("password123")
    pg.get_by_test_id("rp-submit").click()
    expect(pg.locator("#rp-password-err")).to_contain_text("terlalu mudah ditebak")
    expect(pg.get_by_test_id("rp-password")).to_have_attribute("aria-invalid", "true")
    assert_accessible(pg, "the new-password form with an error")

    # spaces at both ends are part of the password, as typed
    new_password = " kuda merah berlari "
    pg.get_by_test_id("rp-password").fill(new_password)
    pg.get_by_test_id("rp-submit").click()
    expect(pg.locator("#h-login")).to_be_visible()
    expect(status(pg)).to_contain_text("Kata sandi sudah diganti")
    expect(pg.get_by_test_id("login-email")).to_have_value(email)
    trimmed = request(live_server.url, "POST", "/v1/sessions",
                      {"email": email, "password": new_password.strip()})
    assert trimmed[0] == 401, "the password must be kept exactly as typed, spaces included"

    pg.get_by_test_id("login-password").fill(new_password)
    pg.get_by_test_id("login-submit").click()
    expect(pg.get_by_test_id("nav-logout")).to_be_visible()
    expect(pg.get_by_test_id("who")).to_contain_text("Siti Rahmawati")

    # the old session tokens ended with the reset; the new password works over HTTP too
    assert api(live_server, "POST", "/v1/sessions", {"email": email, "password": new_password},
               expect_status=200)["token"]


def test_the_account_screen_sms_and_logging_out_everywhere(open_page, live_server):
    email, password, _ = citizen(live_server)
    pg = open_page("/")
    log_in(pg, email, password)
    pg.get_by_test_id("nav-account").click()
    expect(pg.locator("#h-account")).to_be_visible()
    expect(pg.get_by_test_id("acc-details")).to_contain_text(email)
    # a long address wraps inside the card: nothing wider than the 360 px phone
    assert pg.evaluate("document.documentElement.scrollWidth") <= 360
    expect(pg.get_by_test_id("acc-sms")).not_to_be_checked()
    assert_accessible(pg, "the account screen")
    # SMS only for a phone proven by its own code (issue 14)
    expect(pg.get_by_test_id("acc-sms")).to_be_disabled()
    pg.get_by_test_id("acc-phone-send").click()
    expect(status(pg)).to_contain_text("Kode dikirim lewat SMS")
    from tests.conftest import emulator_sms

    sms = [m for m in emulator_sms() if "membuktikan nomor HP" in m["text"]]
    pg.get_by_test_id("acc-phone-code").fill(re.search(r"\b(\d{6})\b", sms[-1]["text"]).group(1))
    pg.get_by_test_id("acc-phone-verify").click()
    expect(status(pg)).to_contain_text("SMS aktif")
    expect(pg.get_by_test_id("acc-sms")).to_be_checked()
    assert_accessible(pg, "the account screen, the phone proven")
    token = pg.evaluate("JSON.parse(sessionStorage.getItem('antre.session')).token")
    assert api(live_server, "GET", "/v1/me", token=token, expect_status=200)["sms_opt_in"] is True

    # logging out everywhere ends this session too
    pg.get_by_test_id("everywhere").click()
    assert_accessible(pg, "the log-out-everywhere confirmation")
    pg.get_by_test_id("confirm-everywhere").click()
    expect(pg.locator("#h-login")).to_be_visible()
    expect(status(pg)).to_contain_text("semua perangkat")
    assert request(live_server.url, "GET", "/v1/me", token=token)[0] == 401


def test_stay_logged_in_lets_an_email_link_open_in_a_new_tab_logged_in(open_page, live_server):
    """The login lasted only as long as the tab, so the email's booking link asked for a login
    again (issue 13 item 12). Chosen at login, the session stays on the device; not chosen, a
    new tab asks; logging out forgets it everywhere on the device."""
    email, password, token = citizen(live_server)
    pg = open_page("/")
    pg.get_by_test_id("nav-login").click()
    pg.get_by_test_id("login-email").fill(email)
    pg.get_by_test_id("login-password").fill(password)
    pg.get_by_test_id("login-submit").click()
    expect(pg.get_by_test_id("nav-logout")).to_be_visible()
    other = pg.context.new_page()  # the email's link, opened in a new tab
    other.goto(live_server.url + "/#/bookings")
    expect(other.locator("#h-login")).to_be_visible()  # not chosen: the tab's only
    other.close()
    pg.get_by_test_id("nav-logout").click()
    pg.get_by_test_id("login-email").fill(email)
    pg.get_by_test_id("login-password").fill(password)
    pg.get_by_test_id("login-remember").check()
    pg.get_by_test_id("login-submit").click()
    expect(pg.get_by_test_id("nav-logout")).to_be_visible()
    other = pg.context.new_page()
    other.goto(live_server.url + "/#/bookings")
    expect(other.locator("#h-bookings")).to_be_visible()  # logged in already
    expect(other.get_by_test_id("nav-logout")).to_be_visible()
    other.get_by_test_id("nav-logout").click()
    expect(other.locator("#h-login")).to_be_visible()
    assert other.evaluate("localStorage.getItem('antre.session')") is None
    other.close()


# --- 2. a full day leads somewhere ------------------------------------------------------------


def test_a_full_day_shows_the_alternatives_and_joins_the_waitlist(open_page, live_server):
    other_email, other_password, other = citizen(live_server, name="Budi Santoso")
    theirs = fill_full_day(live_server, keep_one_for=other)
    email, password, _ = citizen(live_server)
    # a cheap phone whose clock is 9 minutes fast: the offer's countdown must still say 15
    pg = open_page("/", clock_off=timedelta(minutes=9))
    log_in(pg, email, password)
    pg.get_by_test_id(f"mall-{MALL}").click()
    pg.get_by_test_id("service-pbg").click()
    expect(pg.locator("#h-slots")).to_have_text("Persetujuan Bangunan Gedung (PBG)")
    # the whole window is searched at once: the first free days are offered straight away
    expect(pg.get_by_test_id("quick-day").first).to_be_visible()
    assert FULL_DAY not in [c.get_attribute("data-date") for c in pg.get_by_test_id("quick-day").all()]
    date = pg.get_by_test_id("date")
    assert (date.get_attribute("min"), date.get_attribute("max")) == ("2026-12-07", "2027-01-06")
    date.fill(FULL_DAY)

    help_ = pg.get_by_test_id("day-help")
    expect(help_).to_be_visible()
    expect(help_).to_contain_text("Semua kursi pada Selasa, 8 Desember 2026 sudah penuh")
    for slot in pg.get_by_test_id("slot").all():
        expect(slot).to_be_disabled()
    # the nearest days with seats, before and after
    expect(help_.get_by_test_id("near-before")).to_have_count(1)   # today, Monday 7 December
    assert help_.get_by_test_id("near-before").get_attribute("data-date") == "2026-12-07"
    after = [c.get_attribute("data-date") for c in help_.get_by_test_id("near-after").all()]
    assert after == ["2026-12-09", "2026-12-10", "2026-12-11"], after
    # when new days open: the first open day after the window, from tomorrow (mall midnight)
    expect(help_.get_by_test_id("new-days")).to_contain_text("Kamis, 7 Januari 2027")
    expect(help_.get_by_test_id("new-days")).to_contain_text("WIB")
    # the walk-in quota of the service
    expect(help_.get_by_test_id("walkin-quota")).to_contain_text("12 nomor antrean langsung")
    assert_accessible(pg, "a full day and its alternatives")

    # a nearest day is one tap away, and back
    help_.get_by_test_id("near-after").first.click()
    expect(date).to_have_value("2026-12-09")
    expect(help_).to_be_hidden()
    expect(pg.locator('[data-testid="slot"]:enabled').first).to_be_visible()
    date.fill(FULL_DAY)
    expect(help_).to_be_visible()

    # the waitlist
    help_.get_by_test_id("join-wait").click()
    expect(pg.locator("#h-wait")).to_be_visible()
    expect(status(pg)).to_contain_text("urutan ke-1")
    one = pg.get_by_test_id("wait-item")
    expect(one.get_by_test_id("wait-status")).to_have_attribute("data-status", "waiting")
    expect(one.get_by_test_id("wait-position")).to_have_attribute("data-position", "1")
    assert_accessible(pg, "a waitlist entry")
    pg.get_by_test_id("nav-bookings").click()
    expect(pg.locator("#h-bookings")).to_be_visible()
    entry = pg.get_by_test_id("wait-list").get_by_test_id("wait-item")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Persetujuan Bangunan Gedung (PBG)")
    expect(entry.get_by_test_id("wait-position")).to_have_text("Urutan ke-1 di daftar tunggu")
    assert_accessible(pg, "my bookings with a waitlist")

    # joining twice is refused in the server's words
    pg.goto(live_server.url + f"/#/m/{MALL}/s/pbg")
    pg.get_by_test_id("date").fill(FULL_DAY)
    pg.get_by_test_id("day-help").get_by_test_id("join-wait").click()
    expect(status(pg)).to_contain_text("sudah ada di daftar tunggu")

    # a seat frees up: it is offered to the first waiting, held, with the time left to take it
    api(live_server, "POST", f"/v1/bookings/{theirs['booking_id']}/cancel", token=other,
        expect_status=200)
    pg.get_by_test_id("nav-bookings").click()
    entry = pg.get_by_test_id("wait-list").get_by_test_id("wait-item")
    expect(entry.get_by_test_id("wait-status")).to_have_attribute("data-status", "offered")
    expect(entry.get_by_test_id("offer")).to_contain_text(f"pukul {theirs['start']} WIB")
    expect(entry.get_by_test_id("countdown")).to_have_text(re.compile(r"^Sisa waktu 1[45]:[0-5]\d$"))
    assert_accessible(pg, "a seat offered")
    # logging in again while the offer runs opens the offer, not the mall list
    pg.get_by_test_id("nav-logout").click()
    log_in(pg, email, password)
    expect(pg.locator("#h-wait")).to_be_visible()
    assert "#/w/" in pg.url, pg.url
    entry = pg.get_by_test_id("wait-one")
    expect(entry.get_by_test_id("wait-status")).to_have_attribute("data-status", "offered")
    entry.get_by_test_id("accept-offer").click()
    expect(pg.locator("#h-booking")).to_have_text("Booking berhasil!")
    expect(pg.get_by_test_id("bk-actions").get_by_test_id("cancel")).to_be_visible()
    mine = [b for b in api(live_server, "GET", "/v1/bookings",
                           token=pg.evaluate("JSON.parse(sessionStorage.getItem('antre.session')).token"))
            if b["status"] == "booked"]
    assert [(b["date"], b["start"]) for b in mine] == [(FULL_DAY, theirs["start"])]
    expect(pg.get_by_test_id("booking-code")).to_have_text(mine[0]["code"])


def test_an_offer_email_link_opens_the_entry_after_login_and_leaving_it(open_page, live_server):
    fill_full_day(live_server)
    email, password, token = citizen(live_server)
    entry = api(live_server, "POST", "/v1/waitlist", {"mall_id": MALL, "service_id": "pbg",
                                                      "date": FULL_DAY}, token=token, expect_status=201)
    pg = open_page(f"/#/w/{entry['waitlist_id']}")
    expect(pg.locator("#h-login")).to_be_visible()
    pg.get_by_test_id("login-email").fill(email)
    pg.get_by_test_id("login-password").fill(password)
    pg.get_by_test_id("login-submit").click()
    item = pg.get_by_test_id("wait-one").get_by_test_id("wait-item")
    expect(item.get_by_test_id("wait-position")).to_have_text("Urutan ke-1 di daftar tunggu")
    expect(item).to_contain_text("Persetujuan Bangunan Gedung (PBG)")
    pg.get_by_test_id("lang-toggle").click()
    expect(item).to_contain_text("Building approval (PBG)")
    expect(item.get_by_test_id("wait-position")).to_have_text("Number 1 on the waitlist")
    assert "Persetujuan" not in item.inner_text()
    item.get_by_test_id("leave-wait").click()
    assert_accessible(pg, "leaving the waitlist, in English")
    item.get_by_test_id("confirm-leave").click()
    expect(item.get_by_test_id("wait-status")).to_have_attribute("data-status", "left")
    expect(status(pg)).to_have_text("You left the waitlist.")
    assert api(live_server, "GET", "/v1/waitlist", token=token)[0]["status"] == "left"


def test_a_paused_booking_says_why_and_until_when(open_page, live_server, fixed_clock):
    from chalicelib.services import queue as queue_service

    email, password, token = citizen(live_server)
    for day in ("2026-12-07", "2026-12-08", "2026-12-09"):
        api(live_server, "POST", "/v1/bookings", {"mall_id": MALL, "service_id": "ktp-el",
                                                  "date": day, "start": "09:00"},
            token=token, expect_status=201)
    for _ in range(3):  # each day the 09:00 booking is never checked in: three no-shows
        fixed_clock.advance(timedelta(hours=3))
        queue_service.sweep(fixed_clock.now())
        fixed_clock.advance(timedelta(hours=21))
    pg = open_page("/")
    log_in(pg, email, password)
    pg.get_by_test_id(f"mall-{MALL}").click()
    pg.get_by_test_id("service-skck").click()
    expect(pg.get_by_test_id("paused")).to_contain_text("sampai Jumat, 8 Januari 2027")
    assert pg.get_by_test_id("date").get_attribute("min") == "2026-12-10"  # the mall's today
    assert_accessible(pg, "the slot picker while booking is paused")
    pg.get_by_test_id("quick-day").first.click()
    pg.locator('[data-testid="slot"]:enabled').first.click()
    pg.get_by_test_id("book").click()
    expect(status(pg)).to_contain_text("tidak datang 3 kali dalam 90 hari terakhir")
    expect(status(pg)).to_contain_text("Jumat, 8 Januari 2027")
    pg.get_by_test_id("nav-account").click()
    expect(pg.get_by_test_id("acc-paused")).to_contain_text(
        "di MPP Kota Bogor dihentikan sementara sampai Jumat, 8 Januari 2027")


# --- 3. the mall: where and when; both languages ------------------------------------------------


def test_the_mall_page_shows_address_map_hours_and_closed_days_in_both_languages(open_page, live_server):
    pg = open_page("/")
    pg.get_by_test_id(f"mall-{MALL}").click()          # no login needed to look around
    expect(pg.locator("#h-services")).to_have_text("MPP Kota Bogor")
    place = pg.get_by_test_id("place")
    expect(place.get_by_test_id("mall-address")).to_have_text(
        "Jl. Ir. H. Juanda No. 10, Pabaton, Bogor Tengah, Kota Bogor, Jawa Barat 16121")
    link = place.get_by_test_id("map-link")
    expect(link).to_have_attribute("href", re.compile(r"^https://www\.openstreetmap\.org/"))
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    rows = {r.locator("th").inner_text(): r.locator("td").inner_text()
            for r in place.get_by_test_id("hours").locator("tr").all()}
    assert rows == {"Senin–Kamis": "08:00–15:00", "Jumat": "08:00–15:00 · istirahat 11:30–13:00",
                    "Sabtu–Minggu": "Tutup"}, rows
    closed = place.get_by_test_id("closed-days")
    expect(closed.locator('li[data-date="2026-12-25"]')).to_have_text(
        "Jumat, 25 Desember 2026 – hari libur nasional: Hari Raya Natal")
    expect(closed.locator("li").first).to_have_attribute("data-date", "2026-12-25")
    assert_accessible(pg, "the mall page")
    assert pg.evaluate("document.querySelectorAll('script[src^=\"http\"], iframe').length") == 0

    # English: the services, their requirements and the closed days' reasons come anew
    indonesian = [s["name"] for s in api(live_server, "GET", f"/v1/malls/{MALL}/services")]
    english = [s["name"] for s in api(live_server, "GET", f"/v1/malls/{MALL}/services",
                                      headers={"Accept-Language": "en"})]
    pg.get_by_test_id("lang-toggle").click()
    expect(pg.locator("html")).to_have_attribute("lang", "en")
    cards = pg.get_by_test_id("service-card")
    expect(cards.first.locator(".title")).to_have_text(english[0])
    shown = cards.locator(".title").all_inner_texts()
    assert sorted(shown) == sorted(english)
    left = [n for n in indonesian if n not in english and n in pg.locator("main").inner_text()]
    assert not left, f"Indonesian service names left on the English page: {left}"
    expect(closed.locator('li[data-date="2026-12-25"]')).to_have_text(
        "Friday, 25 December 2026 – national holiday: Christmas Day")
    rows = [r.inner_text() for r in place.get_by_test_id("hours").locator("tr").all()]
    assert rows[1] == "Friday\t08:00–15:00 · break 11:30–13:00", rows
    pbg = cards.filter(has=pg.get_by_test_id("service-pbg"))
    pbg.locator("summary").click()
    expect(pbg).to_contain_text("Land title")
    assert "Bukti kepemilikan tanah" not in pbg.inner_text()
    assert_accessible(pg, "the mall page in English")

    # free times without logging in, in English
    pg.get_by_test_id("service-pbg").click()
    expect(pg.locator("#h-slots")).to_have_text("Building approval (PBG)")
    pg.get_by_test_id("quick-day").first.click()
    expect(pg.locator('[data-testid="slot"]:enabled').first).to_be_visible()
    pg.locator('[data-testid="slot"]:enabled').first.click()
    expect(pg.get_by_test_id("book")).to_have_text("Log in to book")
    assert_accessible(pg, "the slot picker in English")
    # and back to Indonesian on the same screen: nothing English left of the service
    pg.get_by_test_id("lang-toggle").click()
    expect(pg.locator("#h-slots")).to_have_text("Persetujuan Bangunan Gedung (PBG)")
    pg.locator("#slots-req summary").click()
    expect(pg.locator("#slots-req-list")).to_contain_text("Bukti kepemilikan tanah")


# --- 4. the booking card -----------------------------------------------------------------------


def test_the_booking_card_where_what_to_bring_calendar_cancel_and_reschedule(open_page, live_server):
    email, password, _ = citizen(live_server)
    pg = open_page("/")
    log_in(pg, email, password)
    pg.get_by_test_id(f"mall-{MALL}").click()
    pg.get_by_test_id("service-ktp-el").click()
    pg.get_by_test_id("date").fill("2026-12-08")
    pg.locator('[data-testid="slot"][data-start="09:00"]').click()
    pg.get_by_test_id("book").click()
    expect(pg.locator("#h-booking")).to_have_text("Booking berhasil!")
    code = pg.get_by_test_id("booking-code").inner_text()
    booking_id = pg.evaluate("location.hash").split("/")[-1]

    where = pg.get_by_test_id("bk-where")
    expect(where).to_contain_text("MPP Kota Bogor")
    expect(where.get_by_test_id("mall-address")).to_contain_text("Jl. Ir. H. Juanda No. 10")
    expect(where.get_by_test_id("map-link")).to_have_attribute(
        "href", re.compile(r"^https://www\.openstreetmap\.org/"))
    bring = pg.get_by_test_id("bk-bring")
    expect(bring.locator("li")).to_have_text(["Kartu Keluarga asli", "Surat pengantar RT/RW"])
    assert_accessible(pg, "the booking card")

    # the calendar file, fetched with the session and saved under a name
    with pg.expect_download() as got:
        pg.get_by_test_id("ics").click()
    download = got.value
    assert download.suggested_filename == f"antre-{code}.ics"
    ics = Path(download.path()).read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in ics and code in ics
    expect(status(pg)).to_contain_text(".ics")

    # reschedule from the card: same code, new time
    pg.get_by_test_id("bk-actions").get_by_test_id("reschedule").click()
    expect(pg.locator("#h-slots")).to_contain_text("Jadwalkan ulang")
    expect(pg.locator("#slots-current")).to_contain_text(code)
    pg.get_by_test_id("date").fill("2026-12-09")
    pg.locator('[data-testid="slot"][data-start="10:30"]').click()
    pg.get_by_test_id("book").click()
    expect(pg.locator("#h-booking")).to_have_text("Detail booking")
    expect(status(pg)).to_contain_text("Jadwal berhasil diubah")
    expect(pg.get_by_test_id("booking-code")).to_have_text(code)
    expect(pg.locator("#bk-details")).to_contain_text("Rabu, 9 Desember 2026")
    expect(pg.locator("#bk-details")).to_contain_text("10:30–11:00 WIB")

    # the email's link opens the booking after logging in
    pg.get_by_test_id("nav-logout").click()
    pg.goto(live_server.url + f"/#/b/{booking_id}")
    expect(pg.locator("#h-login")).to_be_visible()
    pg.get_by_test_id("login-email").fill(email)
    pg.get_by_test_id("login-password").fill(password)
    pg.get_by_test_id("login-submit").click()
    expect(pg.get_by_test_id("booking-code")).to_have_text(code)

    # cancel from the card, after confirming
    pg.get_by_test_id("bk-actions").get_by_test_id("cancel").click()
    assert_accessible(pg, "the card's cancel confirmation")
    pg.get_by_test_id("bk-actions").get_by_test_id("confirm-cancel").click()
    expect(pg.locator("#bk-details").get_by_test_id("booking-status")).to_have_attribute(
        "data-status", "cancelled")
    expect(pg.get_by_test_id("bk-actions").get_by_test_id("cancel")).to_have_count(0)
    expect(pg.get_by_test_id("ics")).to_have_count(0)
    expect(status(pg)).to_contain_text(code)
    token = pg.evaluate("JSON.parse(sessionStorage.getItem('antre.session')).token")
    assert api(live_server, "GET", f"/v1/bookings/{booking_id}", token=token)["status"] == "cancelled"


# --- 5. the first screen, before any script -------------------------------------------------------

INTRO = "Antre membantu Anda memesan jam layanan di Mal Pelayanan Publik (MPP) dari HP"


def test_the_first_screen_explains_antre_before_any_script_runs(open_page, live_server):
    with urllib.request.urlopen(live_server.url + "/") as answer:
        html = answer.read().decode()
    assert INTRO in html
    pg = open_page("/", js=False)
    intro = pg.get_by_test_id("intro")
    expect(intro).to_be_visible()
    expect(intro).to_contain_text(INTRO)
    sentences = [s for s in re.split(r"(?<=[.;])\s+", intro.locator(".intro-text").inner_text()) if s]
    assert len(sentences) <= 3, sentences   # two sentences (one with a semicolon)
    expect(pg.locator("#h-malls")).to_have_text("Pilih Mal Pelayanan Publik")

    # with the script: the same screen, the malls below it, no login needed; gone once logged in
    pg = open_page("/")
    expect(pg.get_by_test_id("intro")).to_be_visible()
    expect(pg.get_by_test_id(f"mall-{MALL}")).to_be_visible()
    assert_accessible(pg, "the first screen")
    email, password, _ = citizen(live_server)
    log_in(pg, email, password)
    expect(pg.locator("#h-malls")).to_be_visible()
    expect(pg.get_by_test_id("intro")).to_be_hidden()


def test_the_first_screen_stays_light(open_page, live_server):
    """The first screen's requests and bytes, kept within a budget (README: cheap phones)."""
    seen = []
    pg = open_page(None)
    pg.on("requestfinished", lambda r: seen.append(r))
    pg.goto(live_server.url + "/")
    expect(pg.get_by_test_id(f"mall-{MALL}")).to_be_visible()
    pg.wait_for_load_state("networkidle")
    urls = [r.url.replace(live_server.url, "") for r in seen]
    assert len(urls) == len(set(urls)), f"a file was fetched twice: {urls}"
    api_calls = [u for u in urls if u.startswith("/v1/")]
    assert api_calls == ["/v1/malls"], api_calls
    assert len(urls) <= 16, urls   # the page, its CSS, 13 modules, the malls
    files = [WEB / Path(u).name for u in urls if u.startswith("/static/")]
    raw = sum(f.stat().st_size for f in files) + (WEB / "index.html").stat().st_size
    packed = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files) + \
        len(gzip.compress((WEB / "index.html").read_bytes(), 9))
    assert raw < 140_000 and packed < 46_000, (raw, packed)  # now about 131 kB, 43 kB gzipped
