"""The mall floor's pages in a real browser: kiosk, counter, TV display, ticket, phone walk-in.

The journey: a citizen books (through the API), the kiosk scans the code as a handheld
scanner types it (code + Enter into the focused input) and prints the ticket, the counter
calls it, and the TV shows the number and asks the browser to speak it. Speech and printing
are stubbed with init scripts that record what the page asked for; the app's clock stands at
Monday 7 December 2026, 08:05 WIB (walk-ins open, the 09:30 slot bookable and checkable-in).
"""
from __future__ import annotations

import json
import random
import re
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from playwright import sync_api

from chalicelib import clock
from tests.e2e.pages import TIMEOUT_MS, Pages, api
from tests.e2e.test_citizen_page import (  # noqa: F401  (browser is a fixture)
    CHROMIUM, CHROMIUM_ARGS, assert_accessible, browser, wait_for_mail,
)

expect = sync_api.expect

MALL = "kota-bogor"
TODAY = "2026-12-07"
MONDAY_0805_WIB = datetime(2026, 12, 7, 1, 5, tzinfo=timezone.utc)
KIOSK = {"X-Kiosk-Key": "kiosk-demo-key"}
STAFF = {"email": "staff@antre.local", "password": "staff-demo-123"}
SPEECH_END_MS = 1500  # longer than the pause between announcements

# Records what the page asks speechSynthesis to do; each utterance "ends" SPEECH_END_MS later.
SPEECH_STUB = """
window.__speech = [];
(function () {
  var ss = window.speechSynthesis;
  if (!ss) return;
  ss.speak = function (u) {
    window.__speech.push({ev: 'speak', text: u.text, lang: u.lang, t: performance.now()});
    setTimeout(function () {
      window.__speech.push({ev: 'end', text: u.text, t: performance.now()});
      if (u.onend) u.onend(new Event('end'));
    }, %d);
  };
  ss.cancel = function () { window.__speech.push({ev: 'cancel', t: performance.now()}); };
})();
""" % SPEECH_END_MS

# Counts window.print() calls and keeps the @page rules in force at that moment.
PRINT_STUB = """
window.__printed = [];
window.print = function () {
  var css = [];
  (document.adoptedStyleSheets || []).forEach(function (s) {
    Array.prototype.forEach.call(s.cssRules, function (r) { css.push(r.cssText); });
  });
  window.__printed.push(css.join(' '));
};
"""

@pytest.fixture
def floor_clock(fixed_clock):
    """Monday 7 December 2026, 08:05 WIB: the mall is open."""
    clock.use(clock.FixedClock(MONDAY_0805_WIB))
    yield


@pytest.fixture
def open_page(browser, live_server, floor_clock):
    """open_page(path, width, height, init) → a page in its own context (its own storage).
    Fails the test on any JavaScript error or CSP violation on any of them."""
    pages = Pages(browser, live_server)

    def open_(path, width=1280, height=800, init=""):
        return pages.open(path, width=width, height=height, init=init)

    yield open_
    pages.close()


# --- API helpers ----------------------------------------------------------------------------------


def citizen_booking(live_server, service_id: str, start: str) -> dict:
    """A citizen registers, verifies the email, logs in and books today at `start`."""
    email = f"warga-{uuid.uuid4().hex[:10]}@example.com"
    api(live_server, "POST", "/v1/accounts", {
        "email": email, "password": "kuda-lari-123", "name": "Siti Rahmawati",
        "phone": "0812 3456 7890", "nik": "320101450690" + f"{random.randint(1, 9999):04d}"},
        expect_status=201)
    code = re.search(r"\b(\d{6})\b", wait_for_mail(live_server, email, r"\b\d{6}\b")["text"]).group(1)
    api(live_server, "POST", "/v1/accounts/verify", {"email": email, "code": code}, expect_status=200)
    token = api(live_server, "POST", "/v1/sessions", {"email": email, "password": "kuda-lari-123"},
                expect_status=200)["token"]
    return api(live_server, "POST", "/v1/bookings", {"mall_id": MALL, "service_id": service_id,
                                                     "date": TODAY, "start": start},
               token=token, expect_status=201)


def staff_token(live_server) -> str:
    return api(live_server, "POST", "/v1/sessions", STAFF, expect_status=200)["token"]


def kiosk_walkin(live_server, service_id="ktp-el") -> dict:
    return api(live_server, "POST", "/v1/kiosk/walkins", {"service_id": service_id},
               headers=KIOSK, expect_status=201)


def call_next(live_server, token, counter_id) -> dict:
    return api(live_server, "POST", f"/v1/staff/counters/{counter_id}/call-next", token=token,
               expect_status=200)["ticket"]


def walkin_left(live_server, service_id) -> int:
    services = api(live_server, "GET", f"/v1/malls/{MALL}/walkins", expect_status=200)["services"]
    return next(s["remaining"] for s in services if s["service_id"] == service_id)


def staff_login(pg):
    pg.get_by_test_id("login-email").fill(STAFF["email"])
    pg.get_by_test_id("login-password").fill(STAFF["password"])
    pg.get_by_test_id("login-submit").click()


def wait_until(pg, script: str, timeout: float = TIMEOUT_MS / 1000):
    """Polls `script` in the page until it is truthy (wait_for_function would eval() inside the
    page, which the pages' CSP rightly refuses)."""
    deadline = time.monotonic() + timeout
    while not pg.evaluate(script):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {script}")
        pg.wait_for_timeout(100)


def spoken(pg) -> list[dict]:
    return pg.evaluate("window.__speech")


# --- the journey ----------------------------------------------------------------------------------


def test_scan_at_the_kiosk_call_at_the_counter_and_hear_it_on_the_tv(open_page, live_server):
    booking = citizen_booking(live_server, "ktp-el", "09:30")

    tv = open_page(f"/display#{MALL}&key=display-demo-key", 1920, 1080, SPEECH_STUB)
    display_answers = []
    tv.on("response", lambda r: display_answers.append((r.status, r.request.headers.get("if-none-match")))
          if "/display" in r.url and "/v1/" in r.url else None)
    expect(tv.get_by_test_id("mall-name")).to_have_text("MPP Kota Bogor")
    expect(tv.locator("#serving-none")).to_be_visible()
    tv.get_by_test_id("sound").click()  # browsers speak only after a gesture
    expect(tv.get_by_test_id("sound")).to_be_hidden()
    expect(tv.get_by_test_id("hall-qr").locator("svg")).to_be_visible()  # its display key
    assert "display-demo-key" not in tv.url

    # the kiosk: its key from the address, which then forgets it
    kiosk = open_page("/kiosk#key=kiosk-demo-key", 1280, 800, PRINT_STUB)
    expect(kiosk.get_by_test_id("mall-name")).to_have_text("MPP Kota Bogor")
    assert "kiosk-demo-key" not in kiosk.url
    code_input = kiosk.get_by_test_id("code")
    expect(code_input).to_be_focused()
    expect(kiosk.get_by_test_id("hall-qr").locator("svg")).to_be_visible()
    assert kiosk.get_by_test_id("to-walkin").bounding_box()["height"] >= 64
    assert kiosk.get_by_test_id("checkin").bounding_box()["height"] >= 64
    assert_accessible(kiosk, "the kiosk's scan screen")

    # a handheld scanner types the code and Enter into whatever has the focus
    kiosk.keyboard.type(booking["code"])
    kiosk.keyboard.press("Enter")
    expect(kiosk.get_by_test_id("ticket-number")).to_have_text("A-001")
    ticket = kiosk.get_by_test_id("ticket")
    expect(ticket).to_contain_text("Perekaman & cetak KTP-el")
    expect(ticket).to_contain_text("Orang di depan Anda")
    expect(ticket).to_contain_text("Perkiraan menunggu")
    expect(ticket.locator(".tk-qr svg")).to_be_visible()
    paper = kiosk.get_by_test_id("print-area")
    expect(paper.get_by_test_id("print-number")).to_have_text("A-001")
    expect(paper.locator(".tk-qr svg")).to_have_count(1)
    wait_until(kiosk, "window.__printed.length === 1")
    assert re.search(r"@page p80 \{ size: 80mm \d+mm; margin: 0px; \}", kiosk.evaluate("window.__printed[0]"))
    assert_accessible(kiosk, "the kiosk's ticket")
    kiosk.get_by_test_id("ticket-done").click()
    expect(code_input).to_be_focused()

    # the counter calls it
    counter = open_page("/counter", 1280, 800)
    staff_login(counter)
    counter.locator('[data-testid="counter"][data-counter="loket-2"]').click()
    expect(counter.get_by_test_id("desk-title")).to_have_text("Loket 2")
    expect(counter.get_by_test_id("waiting")).to_have_text("1 orang menunggu")
    expect(counter.get_by_test_id("next")).to_contain_text("A-001")
    assert_accessible(counter, "the counter desk")
    counter.get_by_test_id("call-next").click()
    expect(counter.get_by_test_id("current-number")).to_have_text("A-001")
    expect(counter.get_by_test_id("current-status")).to_have_text("Dipanggil")
    expect(counter.get_by_test_id("recall")).to_be_enabled()
    expect(counter.get_by_test_id("call-next")).to_be_disabled()
    expect(counter.get_by_test_id("finish")).to_be_disabled()

    # the TV shows it, flashes it and asks for it to be spoken, in Indonesian
    expect(tv.get_by_test_id("hero-number")).to_have_text("A-001")
    expect(tv.get_by_test_id("hero-counter")).to_have_text("Loket 2")
    expect(tv.get_by_test_id("hero")).to_have_class(re.compile(r"\bflash\b"))
    wait_until(tv, "window.__speech.length >= 1")
    first = spoken(tv)[0]
    assert first["text"] == "Nomor antrean A nol nol satu, silakan ke loket dua"
    assert first["lang"] == "id-ID"
    expect(tv.get_by_test_id("serving")).to_contain_text("A-001")
    assert any(status == 304 and etag for status, etag in display_answers), \
        f"the display polls with If-None-Match and gets 304 while nothing changes: {display_answers}"

    # the counter serves and finishes; the TV takes the number off
    counter.get_by_test_id("start").click()
    expect(counter.get_by_test_id("current-status")).to_have_text("Sedang dilayani")
    counter.get_by_test_id("finish").click()
    expect(counter.get_by_test_id("current-number")).to_have_text("—")
    expect(tv.locator("#serving-none")).to_be_visible()
    assert len([e for e in spoken(tv) if e["ev"] == "speak"]) == 1  # finishing is not announced


def test_calls_at_the_same_moment_are_spoken_one_after_another(open_page, live_server):
    for _ in range(2):
        kiosk_walkin(live_server, "ktp-el")
    token = staff_token(live_server)
    tv = open_page(f"/display?mall={MALL}", 1920, 1080, SPEECH_STUB)
    expect(tv.locator("#serving-none")).to_be_visible()
    expect(tv.get_by_test_id("hall")).to_be_hidden()  # no kiosk key on this one
    # No click on "Aktifkan suara": without sound there is no chime to space the calls out,
    # so only the queue keeps the second utterance from starting during the first.

    # both counters call in the same second, and the TV learns of both in one poll
    tv.route("**/v1/malls/*/display", lambda route: route.abort())
    assert call_next(live_server, token, "loket-1")["ticket_number"] == "A-001"
    assert call_next(live_server, token, "loket-2")["ticket_number"] == "A-002"
    tv.unroute("**/v1/malls/*/display")

    wait_until(tv, "window.__speech.filter(e => e.ev === 'end').length >= 2", 20)
    log = spoken(tv)
    assert [(e["ev"], e["text"]) for e in log] == [
        ("speak", "Nomor antrean A nol nol satu, silakan ke loket satu"),
        ("end", "Nomor antrean A nol nol satu, silakan ke loket satu"),
        ("speak", "Nomor antrean A nol nol dua, silakan ke loket dua"),
        ("end", "Nomor antrean A nol nol dua, silakan ke loket dua"),
    ], "one after another, the second only after the first ended, and nothing cancelled"
    assert log[2]["t"] >= log[1]["t"]
    expect(tv.get_by_test_id("hero-number")).to_have_text("A-002")
    expect(tv.get_by_test_id("serving-row")).to_have_count(2)
    expect(tv.get_by_test_id("recent-call")).to_have_count(0)  # both are at a counter now


# --- the TV's sound after a reload, and its Indonesian voice ----------------------------------------

# Records each AudioContext the page makes and each tone it starts (the chime).
AUDIO_SPY = """
window.__audio = [];
window.__tones = 0;
(function () {
  var AC = window.AudioContext;
  if (!AC) return;
  window.AudioContext = function () { var c = new AC(); window.__audio.push(c); return c; };
  var osc = AC.prototype.createOscillator;
  AC.prototype.createOscillator = function () {
    var o = osc.call(this), start = o.start;
    o.start = function () { window.__tones += 1; return start.apply(o, arguments); };
    return o;
  };
})();
"""


def voices_stub(*langs: str) -> str:
    """speechSynthesis lists exactly these voices (a system's installed ones; plain objects, so
    the page must not speak with them)."""
    listed = [{"lang": lang, "name": f"Voice {lang}", "default": i == 0, "localService": True,
               "voiceURI": f"voice-{lang}"} for i, lang in enumerate(langs)]
    return "window.speechSynthesis.getVoices = function () { return %s; };\n" % json.dumps(listed)


@pytest.fixture(scope="module")
def autoplay_browser(browser):
    """Chromium as the README runs the hall's TV: sound without a gesture."""
    b = browser.browser_type.launch(executable_path=CHROMIUM,
                                    args=CHROMIUM_ARGS + ["--autoplay-policy=no-user-gesture-required"])
    yield b
    b.close()


def test_the_tv_turns_its_sound_on_again_after_a_reload_where_the_browser_allows(
        open_page, live_server, autoplay_browser):
    token = staff_token(live_server)
    init = SPEECH_STUB + AUDIO_SPY

    # a browser that wants a gesture: the button comes back after a reload, and works again
    tv = open_page(f"/display#{MALL}", 1920, 1080, init)
    expect(tv.get_by_test_id("mall-name")).to_have_text("MPP Kota Bogor")
    sound = tv.get_by_test_id("sound")
    expect(sound).to_be_visible()
    sound.click()
    expect(sound).to_be_hidden()
    tv.reload()
    expect(tv.get_by_test_id("mall-name")).to_have_text("MPP Kota Bogor")
    expect(sound).to_be_visible()  # the browser refused sound without a gesture
    sound.click()
    expect(sound).to_be_hidden()

    # the kiosk-mode TV: turned on once, it stays on across reloads with no click
    pages = Pages(autoplay_browser, live_server)
    try:
        kiosk_tv = pages.open(f"/display#{MALL}", width=1920, height=1080, init=init)
        sound = kiosk_tv.get_by_test_id("sound")
        expect(sound).to_be_visible()  # never turned on here yet
        sound.click()
        expect(sound).to_be_hidden()
        kiosk_tv.reload()
        expect(kiosk_tv.get_by_test_id("mall-name")).to_have_text("MPP Kota Bogor")
        wait_until(kiosk_tv, "window.__audio.length === 1 && window.__audio[0].state === 'running'")
        expect(sound).to_be_hidden()
        kiosk_walkin(live_server)
        call_next(live_server, token, "loket-1")
        wait_until(kiosk_tv, "window.__speech.some(e => e.ev === 'speak')")
        assert kiosk_tv.evaluate("window.__tones") == 2, "the chime's two tones play without a click"
    finally:
        pages.close()


def test_the_tv_warns_when_no_indonesian_voice_is_installed(open_page):
    tv = open_page(f"/display#{MALL}", 1920, 1080, SPEECH_STUB + voices_stub("en-US", "de-DE"))
    expect(tv.get_by_test_id("mall-name")).to_have_text("MPP Kota Bogor")
    warning = tv.get_by_test_id("voice-warn")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Suara Bahasa Indonesia tidak terpasang di perangkat ini")
    expect(warning).to_contain_text("Petugas IT")
    assert_accessible(tv, "the TV with its voice warning")
    tv.screenshot(path="/tmp/shots/kiosk/tv-novoice-id-1920x1080.png")
    tv.get_by_test_id("lang-toggle").click()
    expect(warning).to_contain_text("No Indonesian voice is installed on this device")
    expect(warning).to_contain_text("IT officer")
    tv.screenshot(path="/tmp/shots/kiosk/tv-novoice-en-1920x1080.png")

    # an Indonesian voice (as "id_ID" on some systems): no warning
    fine = open_page(f"/display#{MALL}", 1920, 1080, SPEECH_STUB + voices_stub("en-US", "id_ID"))
    expect(fine.get_by_test_id("mall-name")).to_have_text("MPP Kota Bogor")
    expect(fine.get_by_test_id("voice-warn")).to_be_hidden()


# --- the ticket on a phone -------------------------------------------------------------------------


def test_the_ticket_page_follows_the_queue_and_a_transfer(open_page, live_server):
    first, mine = kiosk_walkin(live_server), kiosk_walkin(live_server)
    token = staff_token(live_server)
    phone = open_page(f"/ticket#{mine['ticket_id']}", 360, 740)
    expect(phone.get_by_test_id("number")).to_have_text("A-002")
    expect(phone.get_by_test_id("state")).to_have_text("Menunggu")
    expect(phone.get_by_test_id("facts")).to_contain_text("Orang di depan Anda1")
    expect(phone.get_by_test_id("goto")).to_be_hidden()
    assert_accessible(phone, "the ticket page")

    called = call_next(live_server, token, "loket-1")
    assert called["ticket_id"] == first["ticket_id"]
    phone.get_by_role("button", name="Perbarui sekarang").click()
    expect(phone.get_by_test_id("facts")).to_contain_text("Orang di depan Anda0")

    api(live_server, "POST", f"/v1/staff/tickets/{first['ticket_id']}/start", token=token, expect_status=200)
    api(live_server, "POST", f"/v1/staff/tickets/{first['ticket_id']}/finish", token=token, expect_status=200)
    assert call_next(live_server, token, "loket-1")["ticket_id"] == mine["ticket_id"]
    phone.get_by_role("button", name="Perbarui sekarang").click()
    expect(phone.get_by_test_id("state")).to_have_text("Dipanggil")
    expect(phone.get_by_test_id("goto")).to_have_text("Nomor Anda dipanggil! Silakan ke Loket 1")
    assert_accessible(phone, "the ticket page when called")

    # sent on to another service: the page follows the citizen to the new ticket
    moved = api(live_server, "POST", f"/v1/staff/tickets/{mine['ticket_id']}/transfer",
                {"service_id": "akta-kelahiran"}, token=token, expect_status=200)
    phone.get_by_role("button", name="Perbarui sekarang").click()
    expect(phone.get_by_test_id("status")).to_contain_text("Anda dipindahkan ke layanan Akta Kelahiran")
    expect(phone.get_by_test_id("service")).to_have_text("Akta Kelahiran")
    expect(phone.get_by_test_id("state")).to_have_text("Menunggu")
    assert phone.url.endswith("#" + moved["ticket_id"])

    # English, and the page stops asking once the ticket is done
    phone.get_by_test_id("lang-toggle").click()
    expect(phone.get_by_test_id("state")).to_have_text("Waiting")
    expect(phone.get_by_test_id("facts")).to_contain_text("People ahead of you")
    expect(phone.get_by_test_id("service")).to_have_text("Birth certificate")  # its English name


# --- walk-in on one's own phone, from the hall QR -------------------------------------------------


def test_a_phone_takes_a_walkin_ticket_with_the_hall_qr(open_page, live_server):
    qr = api(live_server, "POST", "/v1/kiosk/walkin-token", headers=KIOSK, expect_status=200)
    assert qr["url"].endswith(f"/walkin#m={MALL}&t={qr['token']}")
    page_url = f"/walkin#m={MALL}&t={qr['token']}"
    phone = open_page(page_url, 360, 740)
    expect(phone.get_by_test_id("mall-name")).to_have_text("MPP Kota Bogor")
    expect(phone.get_by_test_id("walkin-service")).to_have_count(9)
    assert_accessible(phone, "the phone walk-in page")

    phone.get_by_test_id("take").click()  # nothing chosen yet
    expect(phone.locator("#services-err")).to_have_text("Pilih salah satu layanan.")
    phone.get_by_label(re.compile("^Perekaman & cetak KTP-el")).check()
    expect(phone.get_by_test_id("prio-note")).to_contain_text("di kiosk atau kepada petugas")
    expect(phone.get_by_test_id("priority-elderly")).to_have_count(0)  # not from a phone
    phone.get_by_test_id("take").click()
    phone.wait_for_url(re.compile(r"/ticket#[A-Za-z0-9_-]{16,}$"))
    expect(phone.get_by_test_id("number")).to_have_text("A-001")
    ticket_id = phone.url.rsplit("#", 1)[1]
    ticket = api(live_server, "GET", f"/v1/tickets/{ticket_id}", expect_status=200)
    assert ticket["priority"] is False and ticket["kind"] == "walkin"

    # the QR again (a reload, a second scan): the ticket taken, not a second one
    phone.goto(live_server.url + page_url)
    expect(phone.get_by_test_id("taken-number")).to_have_text("A-001")
    phone.get_by_test_id("taken-open").click()
    phone.wait_for_url(re.compile(r"/ticket#" + re.escape(ticket_id) + "$"))
    assert walkin_left(live_server, "ktp-el") == 39  # one ticket taken, not two

    # an old photo of the QR: the server's words say to scan the screen again
    clock.use(clock.FixedClock(MONDAY_0805_WIB + timedelta(hours=1)))
    other = open_page(page_url, 360, 740)
    other.get_by_label(re.compile("^Perekaman & cetak KTP-el")).check()
    other.get_by_test_id("take").click()
    expect(other.get_by_test_id("status")).to_have_text(
        "Kode QR ini sudah kedaluwarsa. Pindai kode QR terbaru di layar MPP.")
    assert "/walkin" in other.url


# --- the kiosk's setup, its errors, and walk-ins ----------------------------------------------------


def test_kiosk_setup_server_messages_and_a_walkin_on_58mm_paper(open_page, live_server):
    early = citizen_booking(live_server, "nib", "14:30")
    kiosk = open_page("/kiosk", 1280, 800, PRINT_STUB)
    expect(kiosk.locator("#h-setup")).to_have_text("Pengaturan kiosk")
    kiosk.get_by_test_id("setup-key").fill("not-a-key")
    kiosk.get_by_test_id("setup-save").click()
    expect(kiosk.locator("#setup-key-err")).to_have_text("Kunci ini tidak dikenal atau sudah dicabut.")
    assert_accessible(kiosk, "the kiosk's setup")
    kiosk.get_by_test_id("setup-key").fill("kiosk-demo-key")
    kiosk.get_by_test_id("paper-58").check()
    kiosk.get_by_test_id("setup-save").click()
    code_input = kiosk.get_by_test_id("code")
    expect(code_input).to_be_focused()

    # the server's own words, for the citizen standing there; the input is ready again
    kiosk.keyboard.type("ZZZZ-ZZZZ")
    kiosk.keyboard.press("Enter")
    status = kiosk.get_by_test_id("status")
    expect(status).to_have_text("Kode booking tidak ditemukan di MPP ini. Periksa kode dan nama MPP "
                                "di email Anda, atau tanyakan petugas.")
    expect(code_input).to_be_focused()
    expect(code_input).to_have_value("")
    kiosk.keyboard.type(early["code"].lower())
    kiosk.keyboard.press("Enter")
    expect(status).to_have_text("Anda datang terlalu awal. Check-in untuk jadwal 14:30 dibuka pukul 12:30.")
    kiosk.get_by_test_id("lang-toggle").click()
    expect(code_input).to_be_focused()  # back from the button, ready for the scanner
    kiosk.keyboard.type(early["code"])
    kiosk.keyboard.press("Enter")
    expect(status).to_have_text("You are too early. Check-in for your 14:30 appointment opens at 12:30.")
    kiosk.get_by_test_id("lang-toggle").click()

    # a walk-in: service with its quota, priority, then the ticket on 58 mm paper
    kiosk.get_by_test_id("to-walkin").click()
    services = kiosk.get_by_test_id("walkin-service")
    expect(services).to_have_count(9)
    pbg = kiosk.locator('[data-service="pbg"]')
    expect(pbg).to_contain_text("Sisa 12 nomor")
    assert pbg.bounding_box()["height"] >= 64
    kiosk.get_by_test_id("priority-pregnant").check()
    assert_accessible(kiosk, "the kiosk's walk-in services")
    pbg.click()
    expect(kiosk.get_by_test_id("ticket-number")).to_have_text("B-001")
    expect(kiosk.get_by_test_id("ticket")).to_contain_text("Prioritas")
    wait_until(kiosk, "window.__printed.length === 1")
    assert "@page p58 { size: 58mm" in kiosk.evaluate("window.__printed[0]")
    assert walkin_left(live_server, "pbg") == 11

    # the next citizen scans while the ticket is still showing: straight to a new check-in
    kiosk.keyboard.type("YYYY-YYYY")
    kiosk.keyboard.press("Enter")
    expect(status).to_contain_text("Kode booking tidak ditemukan")
    expect(code_input).to_be_focused()


# A camera and a QR reader for browsers that have none (Chromium on Linux has no BarcodeDetector):
# a canvas stream stands in for the camera; the reader finds window.__qr on its third frame.
CAMERA_STUB = """
window.BarcodeDetector = class {
  static async getSupportedFormats() { return ['qr_code']; }
  constructor(options) { this.frames = 0; window.__formats = options.formats; }
  async detect(video) { this.frames += 1; return this.frames > 2 && window.__qr ? [{rawValue: window.__qr}] : []; }
};
navigator.mediaDevices.getUserMedia = async function (constraints) {
  window.__constraints = constraints;
  var canvas = document.createElement('canvas');
  canvas.width = 64; canvas.height = 48;
  canvas.getContext('2d').fillRect(0, 0, 64, 48);
  window.__stream = canvas.captureStream(10);
  return window.__stream;
};
"""


def test_the_kiosk_camera_reads_the_qr_where_the_browser_can(open_page, live_server):
    booking = api(live_server, "POST", "/v1/staff/bookings", {
        "service_id": "skck", "date": TODAY, "start": "09:30", "name": "Pak Darto",
        "nik": "3201011506700011"}, token=staff_token(live_server), expect_status=201)
    kiosk = open_page("/kiosk#key=kiosk-demo-key", 1280, 800, CAMERA_STUB + PRINT_STUB)
    camera = kiosk.get_by_test_id("camera-open")
    expect(camera).to_be_visible()  # shown only where BarcodeDetector reads qr_code
    camera.click()
    expect(kiosk.locator("#camera")).to_be_visible()
    expect(kiosk.get_by_role("button", name="Tutup")).to_be_focused()
    kiosk.evaluate(f"window.__qr = {booking['code']!r}")
    expect(kiosk.get_by_test_id("ticket-number")).to_have_text("D-001")
    expect(kiosk.locator("#camera")).to_be_hidden()
    assert kiosk.evaluate("window.__formats") == ["qr_code"]
    assert kiosk.evaluate("window.__constraints.video.facingMode") == "environment"
    assert kiosk.evaluate("window.__stream.getTracks().every(t => t.readyState === 'ended')")


# --- the counter: state-driven buttons, server messages, booking for a citizen -------------------


def test_counter_actions_follow_the_ticket_and_staff_book_for_a_citizen(open_page, live_server):
    kiosk_walkin(live_server, "skck")
    counter = open_page("/counter", 1280, 900)
    staff_login(counter)
    counter.locator('[data-testid="counter"][data-counter="loket-6"]').click()
    expect(counter.get_by_test_id("next")).to_contain_text("D-001")
    for name in ("recall", "start", "finish", "no-show", "transfer"):
        expect(counter.get_by_test_id(name)).to_be_disabled()
    counter.get_by_test_id("call-next").click()
    expect(counter.get_by_test_id("current-number")).to_have_text("D-001")

    # no-show needs the recalls first: the page says so before it is pressed
    expect(counter.get_by_test_id("no-show")).to_be_disabled()
    expect(counter.get_by_test_id("noshow-hint")).to_contain_text("minimal 2 kali")
    counter.get_by_test_id("recall").click()
    expect(counter.get_by_test_id("current-more")).to_contain_text("Dipanggil ulang 1 kali")
    counter.get_by_test_id("recall").click()
    expect(counter.get_by_test_id("current-more")).to_contain_text("Dipanggil ulang 2 kali")
    counter.get_by_test_id("no-show").click()  # sent when its undo bar runs out (a few seconds)
    expect(counter.get_by_test_id("status")).to_have_text("Nomor D-001 ditandai tidak hadir.",
                                                          timeout=TIMEOUT_MS)
    expect(counter.get_by_test_id("current-number")).to_have_text("—")
    counter.get_by_test_id("call-next").click()
    expect(counter.get_by_test_id("status")).to_have_text("Tidak ada yang menunggu untuk layanan loket ini.")

    # booking for a citizen without email or phone: NIK pasted with spaces and dashes
    counter.get_by_test_id("nav-book").click()
    counter.get_by_test_id("book-service").select_option("ktp-el")
    expect(counter.get_by_test_id("book-date")).to_have_value(TODAY)
    counter.get_by_test_id("book-slot").select_option("10:00")
    counter.get_by_test_id("book-name").fill("Ibu Sumiati")
    counter.get_by_test_id("book-nik").fill("3201 0145-0690 0077")
    assert_accessible(counter, "the assisted booking form")
    counter.get_by_test_id("book-submit").click()
    code = counter.get_by_test_id("slip-code")
    expect(code).to_have_text(re.compile(r"^[2-9A-HJ-NP-Z]{8}$"))
    slip = counter.get_by_test_id("slip")
    expect(slip).to_contain_text("Ibu Sumiati")
    expect(slip).to_contain_text("0077")
    expect(slip).to_contain_text("10:00–10:30 WIB")
    expect(counter.get_by_test_id("slip-qr").locator("svg")).to_be_visible()
    expect(counter.get_by_test_id("slip-print")).to_be_visible()
    expect(counter.get_by_test_id("recent-booking")).to_have_count(1)
    # the slip names what to bring (it said only "the originals")
    expect(counter.get_by_test_id("slip-reqs")).to_contain_text("Kartu Keluarga asli")
    expect(counter.get_by_test_id("slip-reqs")).to_contain_text("Surat pengantar RT/RW")
    assert_accessible(counter, "the assisted booking's slip")

    # printing shows the slip alone
    counter.emulate_media(media="print")
    expect(counter.get_by_test_id("book-submit")).to_be_hidden()
    expect(code).to_be_visible()
    counter.emulate_media(media="screen")

    # the same NIK, service and day again: the server's rule, in its words
    counter.get_by_test_id("slip-new").click()
    counter.get_by_test_id("book-slot").select_option("11:00")
    counter.get_by_test_id("book-name").fill("Ibu Sumiati")
    counter.get_by_test_id("book-nik").fill("3201014506900077")
    counter.get_by_test_id("book-submit").click()
    expect(counter.get_by_test_id("status")).to_have_class(re.compile(r"\berr\b"))

    # in English the services are named in English, and the choice is kept
    counter.locator("#lang-toggle").click()
    expect(counter.get_by_test_id("book-service")).to_have_value("ktp-el")
    expect(counter.get_by_test_id("book-service").locator("option:checked")).to_contain_text(
        "e-KTP recording and printing")
    counter.get_by_test_id("recent-booking").first.get_by_role("button").click()
    expect(slip).to_contain_text("Name")
    expect(slip).to_contain_text("e-KTP recording and printing")
    expect(counter.get_by_test_id("slip-reqs")).to_contain_text("Original family card")


# --- under a stage prefix (API Gateway's /api/) ------------------------------------------------------


def test_a_page_works_under_a_path_prefix(open_page, live_server):
    ticket = kiosk_walkin(live_server)
    phone = open_page(None, 360, 740)
    asked = []

    def strip_prefix(route):
        asked.append(route.request.url)
        answer = route.fetch(url=route.request.url.replace("/api/", "/", 1))
        route.fulfill(response=answer)

    phone.context.route(re.compile(r"^" + re.escape(live_server.url) + r"/api/"), strip_prefix)
    others = []
    phone.on("request", lambda r: others.append(r.url)
             if r.url.startswith(live_server.url) and "/api/" not in r.url else None)
    phone.goto(f"{live_server.url}/api/ticket#{ticket['ticket_id']}")
    expect(phone.get_by_test_id("number")).to_have_text("A-001")
    assert any("/api/static/ticket.js" in u for u in asked)
    assert any(f"/api/v1/tickets/{ticket['ticket_id']}" in u for u in asked)
    assert not others, f"requests that left the prefix: {others}"
