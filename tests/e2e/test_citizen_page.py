"""The citizen page in a real browser at phone size: register to cancel, and the English switch.

Runs Debian's chromium through Playwright against the `live_server` fixture (the real app and
API over HTTP, seeded with the demo mall). Skipped when chromium or Playwright is missing.
"""
from __future__ import annotations

import json
import os
import random
import re
import time
import urllib.request
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from axe_playwright_python.sync_playwright import Axe
from playwright import sync_api

from tests.e2e.pages import Pages

expect = sync_api.expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT = "/tmp/antre-page.png"
MALL = "kota-bogor"
BOOKING_CODE = re.compile(r"^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{8}$")



@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):  # a missing browser fails, never skips
        pytest.fail(f"{CHROMIUM} is not installed: apt-get install chromium (.ci/run does)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    pages = Pages(browser, live_server)
    yield pages.open(None, downloads=True)
    pages.close()


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as answer:
        return json.loads(answer.read())


def first_bookable(base: str) -> tuple[dict, str, str]:
    """(service, date, start) of the first free slot from tomorrow on, asked of the API itself.

    Today is skipped so a slot cannot slip into the past mid-test; closed days and holidays
    answer [] and are passed over.
    """
    mall = next(m for m in get_json(f"{base}/v1/malls") if m["mall_id"] == MALL)
    services = [s for s in get_json(f"{base}/v1/malls/{MALL}/services") if s["online"]]
    assert services, "the demo mall has no online service"
    today = datetime.now(ZoneInfo(mall["timezone"])).date()
    for service in services[:3]:
        for offset in range(1, 30):
            day = today + timedelta(days=offset)
            if day.weekday() >= 5:
                continue
            slots = get_json(f"{base}/v1/malls/{MALL}/services/{service['service_id']}"
                             f"/slots?date={day.isoformat()}")
            free = [s for s in slots if s["remaining"] > 0]
            if free:
                return service, day.isoformat(), free[0]["start"]
    pytest.fail("no free slot in the next 30 days for the demo mall")


def wait_for_mail(live_server, address: str, pattern: str, timeout: float = 10.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        for message in live_server.mail_to(address):
            if re.search(pattern, message["text"]):
                return message
        if time.monotonic() > deadline:
            raise AssertionError(f"no mail to {address} matching {pattern!r}: "
                                 f"{[m['subject'] for m in live_server.mail_to(address)]}")
        time.sleep(0.2)


_AXE = Axe()


def assert_accessible(page, where: str) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation in what the page shows now."""
    results = _AXE.run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, "resultTypes": ["violations"]})
    problems = [f"{v['id']} ({v['impact']}): {v['help']} at "
                f"{[n['target'] for n in v['nodes']][:3]}"
                for v in results.response["violations"]]
    assert not problems, f"accessibility problems on {where}: {problems}"


def status(page):
    return page.get_by_test_id("status")


def test_register_book_and_cancel_at_phone_size(page, live_server):
    email = f"warga-{uuid.uuid4().hex[:12]}@example.com"
    nik = "320101450690" + f"{random.randint(1, 9999):04d}"
    password = "rahasia-" + uuid.uuid4().hex[:8]
    service, day, start = first_bookable(live_server.url)

    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "id"
    # the first screen: what Antre is, and the malls, before any login
    expect(page.get_by_test_id("intro")).to_be_visible()
    expect(page.get_by_test_id(f"mall-{MALL}")).to_be_visible()
    page.get_by_test_id("nav-login").click()
    expect(page.locator("#h-login")).to_be_visible()
    expect(page.locator("#h-login")).to_have_text("Masuk")
    assert_accessible(page, "the login view")

    # register
    page.get_by_test_id("to-register").click()
    expect(page.locator("#h-register")).to_be_visible()
    assert_accessible(page, "the registration form")
    page.get_by_label("Nama lengkap (sesuai KTP)").fill("Siti Rahmawati")
    page.get_by_test_id("reg-email").fill(email)
    page.get_by_label("Nomor HP").fill("0812 3456 7890")
    page.get_by_label("NIK", exact=True).fill(nik)
    page.get_by_test_id("reg-password").fill(password)
    page.get_by_test_id("reg-submit").click()

    # verify with the code from the email
    expect(page.locator("#h-verify")).to_be_visible()
    expect(status(page)).to_contain_text(email)
    expect(page.get_by_test_id("ver-email")).to_have_value(email)
    mail = wait_for_mail(live_server, email, r"\b\d{6}\b")
    code = re.search(r"\b\d{6}\b", mail["text"]).group(0)
    page.get_by_test_id("ver-code").fill(code)
    page.get_by_test_id("ver-submit").click()

    # log in
    expect(page.locator("#h-login")).to_be_visible()
    expect(status(page)).to_contain_text("terverifikasi")
    expect(page.get_by_test_id("login-email")).to_have_value(email)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("nav-logout")).to_be_visible()
    expect(page.get_by_test_id("who")).to_contain_text("Siti Rahmawati")

    # mall, service (agency and requirements shown), date, slot
    page.get_by_test_id(f"mall-{MALL}").click()
    card = page.get_by_test_id("service-card").filter(has=page.get_by_test_id(f"service-{service['service_id']}"))
    expect(card).to_contain_text(service["agency_name"])
    if service["requirements"]:
        card.locator("summary").click()
        expect(card).to_contain_text(service["requirements"][0])
    page.get_by_test_id(f"service-{service['service_id']}").click()
    expect(page.locator("#h-slots")).to_have_text(service["name"])
    date_input = page.get_by_test_id("date")
    assert date_input.get_attribute("min") <= day <= date_input.get_attribute("max")
    date_input.fill(day)
    slot = page.locator(f'[data-testid="slot"][data-start="{start}"]')
    expect(slot).to_be_enabled()
    expect(slot).to_contain_text("WIB")
    expect(slot).to_contain_text("kursi tersisa")
    slot.click()
    expect(slot).to_have_attribute("aria-pressed", "true")
    assert_accessible(page, "the slot picker")

    # the first answer is lost on the way back (the booking was made): the page says so in
    # words, and pressing the button again resends the same Idempotency-Key
    sent: list[dict] = []

    def lose_answer(route):
        if route.request.method != "POST":
            return route.continue_()
        answer = route.fetch()
        sent.append({"key": route.request.headers.get("idempotency-key"), "answer": answer.json()})
        route.abort("connectionreset")

    page.route("**/v1/bookings", lose_answer)
    page.get_by_test_id("book").click()
    expect(status(page)).to_contain_text("Tidak dapat terhubung")
    page.unroute("**/v1/bookings")
    with page.expect_request(lambda r: r.url.endswith("/v1/bookings") and r.method == "POST") as retry:
        page.get_by_test_id("book").click()
    assert len(sent) == 1
    assert re.fullmatch(r"[0-9a-f-]{36}", sent[0]["key"])
    assert retry.value.headers["idempotency-key"] == sent[0]["key"]

    # the booking code, big, with its QR, and the same code in the confirmation email
    booking_code = page.get_by_test_id("booking-code")
    expect(booking_code).to_be_visible()
    expect(booking_code).to_have_text(BOOKING_CODE)
    shown = booking_code.inner_text().strip()
    assert shown == sent[0]["answer"]["code"], "the retry must return the booking made by the lost request"
    qr = page.locator('[data-testid="qr"] svg')
    expect(qr).to_be_visible()
    assert qr.locator("path, rect").count() > 0
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150, box
    expect(page.locator("#h-booking")).to_have_text("Booking berhasil!")
    page.screenshot(path=SCREENSHOT, full_page=True)
    assert_accessible(page, "the booking confirmation")

    confirmation = wait_for_mail(live_server, email, re.escape(shown))
    emailed = re.search(r"(?:KODE BOOKING|BOOKING CODE):\s*([2-9A-HJ-NP-Z]{8})", confirmation["text"])
    assert emailed and emailed.group(1) == shown
    assert any(a["content_type"] == "image/png" for a in confirmation["attachments"])

    # my bookings: cancel after confirming, and the status reads as cancelled
    page.get_by_test_id("to-bookings").click()
    item = page.locator(f'[data-testid="booking-item"][data-code="{shown}"]')
    expect(page.get_by_test_id("booking-item")).to_have_count(1)  # booked once, not twice
    expect(item.get_by_test_id("booking-status")).to_have_text("Terjadwal")
    item.get_by_test_id("cancel").click()
    expect(item).to_contain_text("Yakin membatalkan")
    item.get_by_test_id("confirm-cancel").click()
    expect(item.get_by_test_id("booking-status")).to_have_text("Dibatalkan")
    expect(item.get_by_test_id("booking-status")).to_have_attribute("data-status", "cancelled")
    expect(item.get_by_test_id("cancel")).to_have_count(0)
    expect(status(page)).to_contain_text(shown)

    # the server agrees, and the seat is free again
    page.reload()
    expect(page.locator(f'[data-testid="booking-item"][data-code="{shown}"] [data-testid="booking-status"]')
           ).to_have_text("Dibatalkan")

    # the citizen's data (UU PDP): a copy as a JSON file, then the account erased with the
    # password typed again; a wrong password erases nothing
    page.get_by_test_id("nav-account").click()
    with page.expect_download() as download:
        page.get_by_test_id("pd-download").click()
    assert download.value.suggested_filename == "antre-data-saya.json"
    with open(download.value.path(), encoding="utf-8") as f:
        copy = json.load(f)
    assert copy["account"]["email"] == email and [b["code"] for b in copy["bookings"]] == [shown]
    assert_accessible(page, "the account screen with the personal data section")
    page.get_by_test_id("pd-password").fill("bukan-sandinya-1")
    page.get_by_test_id("pd-delete").click()
    expect(status(page)).to_contain_text("Centang kotak")
    page.get_by_test_id("pd-sure").check()
    page.get_by_test_id("pd-delete").click()
    expect(status(page)).to_contain_text("Kata sandi salah")
    page.get_by_test_id("pd-password").fill(password)
    page.get_by_test_id("pd-delete").click()
    expect(page.locator("#h-login")).to_be_visible()
    expect(status(page)).to_contain_text("Akun Anda sudah dihapus")
    wait_for_mail(live_server, email, r"dihapus")


def test_english_switch_and_human_error_messages(page, live_server):
    page.goto(live_server.url + "/#/login")
    expect(page.locator("#h-login")).to_have_text("Masuk")
    page.get_by_test_id("lang-toggle").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#h-login")).to_have_text("Log in")
    expect(page.get_by_test_id("to-register")).to_have_text("Register here")

    # client-side validation speaks English and points at the field
    page.get_by_test_id("login-submit").click()
    expect(page.locator("#login-email-err")).to_have_text("Required.")
    expect(page.get_by_test_id("login-email")).to_be_focused()

    # a server error arrives as words, not as its code
    page.get_by_test_id("login-email").fill(f"nobody-{uuid.uuid4().hex[:8]}@example.com")
    page.get_by_test_id("login-password").fill("wrong-password")
    page.get_by_test_id("login-submit").click()
    expect(status(page)).to_have_text("Email or password is wrong.")
    assert "invalid_credentials" not in status(page).inner_text()

    # the choice is remembered, and switching back gives Indonesian again
    page.reload()
    expect(page.locator("#h-login")).to_have_text("Log in")
    page.get_by_test_id("lang-toggle").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_test_id("login-email").fill(f"nobody-{uuid.uuid4().hex[:8]}@example.com")
    page.get_by_test_id("login-password").fill("wrong-password")
    page.get_by_test_id("login-submit").click()
    expect(status(page)).to_have_text("Email atau kata sandi salah.")

    # a token the server no longer accepts: back to the login form, with a word why
    page.evaluate("sessionStorage.setItem('antre.session', JSON.stringify({token: 'expired.or.forged'}))")
    page.goto(live_server.url + "/?again=1#/bookings")  # a full load that starts with the stale token
    expect(page.locator("#h-login")).to_be_visible()
    expect(status(page)).to_have_text("Sesi Anda sudah berakhir. Silakan masuk lagi.")
    assert page.evaluate("sessionStorage.getItem('antre.session')") is None


def test_the_accessibility_check_can_fail(page, live_server):
    """Canary: on the app's own origin (same CSP), a field without a label is reported."""
    page.goto(live_server.url + "/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('afterbegin', "
                  "'<input type=text>')")
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page, "a page with an unlabelled field")
