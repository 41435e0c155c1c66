"""The counter staff's page at 1366x768, as staff at a busy desk use it: a no-show waits a few
seconds under an undo bar (and the undo really sends nothing), a transfer needs an explicit
target and a confirmation, the queue shows each ticket's wait, kind and slot, the picker shows
counters other staff hold or that are on a break, a break stops calls, and English shows
English service names. The app's clock stands at Monday 7 December 2026, 08:05 WIB.
"""
from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright import sync_api

from chalicelib import clock
from tests.e2e.pages import Pages, api
from tests.e2e.test_citizen_page import assert_accessible, browser  # noqa: F401 (a fixture)
from tests.e2e.test_floor_pages import (
    KIOSK, MONDAY_0805_WIB, STAFF, call_next, citizen_booking, kiosk_walkin, staff_login,
    staff_token,
)

expect = sync_api.expect

W, H = 1366, 768
UNDO_SECONDS = 5  # counter-desk.js
SHOTS = Path("/tmp/shots/counter")
ADMIN = {"email": "admin@antre.local", "password": "admin-demo-123"}
STRINGS = Path(__file__).resolve().parents[2] / "chalicelib" / "web" / "counter-strings.js"


@pytest.fixture
def floor_clock(fixed_clock):
    """Monday 7 December 2026, 08:05 WIB, the mall open; the test may move it on."""
    at = clock.FixedClock(MONDAY_0805_WIB)
    clock.use(at)
    yield at


@pytest.fixture
def desk(browser, live_server, floor_clock):  # noqa: F811
    """desk(counter_id) → the counter page at 1366x768, logged in as the demo staff, at that
    counter's desk. Fails the test on any JavaScript error or CSP violation."""
    pages = Pages(browser, live_server)

    def open_(counter_id: str | None = None):
        pg = pages.open("/counter", width=W, height=H)
        staff_login(pg)
        expect(pg.get_by_test_id("counter-list")).to_be_visible()
        if counter_id:
            pg.locator(f'[data-testid="counter"][data-counter="{counter_id}"]').click()
            expect(pg.get_by_test_id("desk-title")).to_be_visible()
            expect(pg.get_by_test_id("desk-staff")).to_have_attribute("data-mine", "true")
        return pg

    yield open_
    pages.close()


def token_of(live_server, who) -> str:
    return api(live_server, "POST", "/v1/sessions", who, expect_status=200)["token"]


def ticket_status(live_server, ticket_id) -> str:
    return api(live_server, "GET", f"/v1/tickets/{ticket_id}", expect_status=200)["status"]


def counters(live_server, token) -> dict:
    return {c["counter_id"]: c for c in api(live_server, "GET", "/v1/staff/counters",
                                              token=token, expect_status=200)}


def shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"))


def requests_to(pg, part: str) -> list[str]:
    sent = []
    pg.on("request", lambda r: sent.append(r.url) if part in r.url and r.method == "POST" else None)
    return sent


# --- no-show ------------------------------------------------------------------------------------


def test_a_no_show_waits_under_an_undo_bar_and_undo_sends_nothing(desk, live_server):
    ticket = kiosk_walkin(live_server, "skck")
    pg = desk("loket-6")
    no_shows = requests_to(pg, "/no-show")
    pg.get_by_test_id("call-next").click()
    expect(pg.get_by_test_id("current-number")).to_have_text("D-001")

    # the recalls first: the button says why it waits, before anyone presses it
    expect(pg.get_by_test_id("no-show")).to_be_disabled()
    expect(pg.get_by_test_id("noshow-hint")).to_have_text(
        "Panggil ulang 2 kali lagi dulu (minimal 2 kali) sebelum menandai tidak hadir.")
    for n in (1, 2):
        pg.get_by_test_id("recall").click()
        expect(pg.get_by_test_id("current-more")).to_contain_text(f"Dipanggil ulang {n} kali")
    expect(pg.get_by_test_id("no-show")).to_be_enabled()

    # "Tidak hadir" sits apart from "Panggil ulang": another group, well below it
    recall, no_show = (pg.get_by_test_id(b).bounding_box() for b in ("recall", "no-show"))
    assert no_show["y"] - (recall["y"] + recall["height"]) >= 40, (recall, no_show)

    # pressed: nothing is sent yet; the undo bar says what will happen and has the focus
    pg.get_by_test_id("no-show").click()
    bar = pg.get_by_test_id("undo-bar")
    expect(bar).to_be_visible()
    expect(pg.get_by_test_id("undo-text")).to_have_text(
        "Nomor D-001 akan ditandai tidak hadir.")
    expect(pg.get_by_test_id("undo-bar")).to_contain_text(f"dalam {UNDO_SECONDS} detik")
    expect(pg.get_by_test_id("undo")).to_be_focused()
    expect(pg.get_by_test_id("call-next")).to_be_disabled()
    assert_accessible(pg, "the desk with the undo bar")
    shot(pg, "desk-undo-id")

    # undone: after the delay nothing was sent and the ticket is still called
    pg.get_by_test_id("undo").click()
    expect(bar).to_be_hidden()
    expect(pg.get_by_test_id("status")).to_have_text("Dibatalkan: nomor D-001 tetap dipanggil.")
    pg.wait_for_timeout((UNDO_SECONDS + 1) * 1000)
    assert no_shows == []
    assert ticket_status(live_server, ticket["ticket_id"]) == "called"
    expect(pg.get_by_test_id("current-status")).to_have_text("Dipanggil")

    # pressed again and left alone: sent once, when the bar runs out
    pg.get_by_test_id("no-show").click()
    expect(bar).to_be_visible()
    pg.wait_for_timeout(1500)
    assert no_shows == [] and ticket_status(live_server, ticket["ticket_id"]) == "called"
    expect(pg.get_by_test_id("status")).to_have_text("Nomor D-001 ditandai tidak hadir.",
                                                     timeout=(UNDO_SECONDS + 5) * 1000)
    expect(bar).to_be_hidden()
    assert len(no_shows) == 1
    assert ticket_status(live_server, ticket["ticket_id"]) == "no_show"
    expect(pg.get_by_test_id("current-number")).to_have_text("—")


def test_escape_undoes_and_leaving_the_desk_sends_what_waits(desk, live_server):
    ticket = kiosk_walkin(live_server, "skck")
    token = token_of(live_server, STAFF)
    pg = desk("loket-6")
    pg.get_by_test_id("call-next").click()
    expect(pg.get_by_test_id("current-number")).to_have_text("D-001")
    for _ in range(2):
        api(live_server, "POST", f"/v1/staff/tickets/{ticket['ticket_id']}/recall", token=token,
            expect_status=200)
    pg.reload()
    expect(pg.get_by_test_id("no-show")).to_be_enabled()
    pg.get_by_test_id("no-show").click()
    pg.keyboard.press("Escape")
    expect(pg.get_by_test_id("undo-bar")).to_be_hidden()
    assert ticket_status(live_server, ticket["ticket_id"]) == "called"
    # staff go elsewhere while the bar runs: what they pressed is done, not lost
    pg.get_by_test_id("no-show").click()
    pg.get_by_test_id("nav-pick").click()
    expect(pg.get_by_test_id("counter-list")).to_be_visible()
    expect(pg.get_by_test_id("status")).to_have_text("Nomor D-001 ditandai tidak hadir.")
    assert ticket_status(live_server, ticket["ticket_id"]) == "no_show"


# --- transfer -----------------------------------------------------------------------------------


def test_a_transfer_needs_an_explicit_target_and_a_confirmation(desk, live_server):
    ticket = kiosk_walkin(live_server, "ktp-el")
    pg = desk("loket-1")
    transfers = requests_to(pg, "/transfer")
    pg.get_by_test_id("call-next").click()
    expect(pg.get_by_test_id("current-number")).to_have_text("A-001")

    target, move = pg.get_by_test_id("transfer-service"), pg.get_by_test_id("transfer")
    expect(target).to_be_enabled()
    expect(target).to_have_value("")  # no service chosen for staff
    expect(move).to_be_disabled()
    assert "ktp-el" not in target.locator("option").evaluate_all("os => os.map(o => o.value)")
    target.select_option("akta-kelahiran")
    expect(move).to_be_enabled()

    # the confirmation names both services; "Batal" sends nothing
    move.click()
    confirm = pg.get_by_test_id("transfer-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text(
        "Pindahkan nomor A-001 dari Perekaman & cetak KTP-el ke Akta Kelahiran?")
    expect(confirm).to_be_focused()
    expect(pg.get_by_test_id("finish")).to_be_disabled()
    assert_accessible(pg, "the desk asking to confirm a transfer")
    shot(pg, "desk-transfer-confirm-id")
    pg.get_by_test_id("transfer-no").click()
    expect(confirm).to_be_hidden()
    assert transfers == [] and ticket_status(live_server, ticket["ticket_id"]) == "called"

    move.click()
    pg.get_by_test_id("transfer-yes").click()
    expect(pg.get_by_test_id("status")).to_have_text("Nomor A-001 dipindahkan ke Akta Kelahiran.")
    assert len(transfers) == 1
    assert ticket_status(live_server, ticket["ticket_id"]) == "transferred"
    expect(pg.get_by_test_id("current-number")).to_have_text("—")
    expect(target).to_have_value("")  # the next ticket starts with no target again
    expect(pg.locator('[data-testid="queue-item"][data-number="A-001"]')).to_contain_text(
        "Akta Kelahiran")


# --- the queue ----------------------------------------------------------------------------------


def test_the_queue_shows_each_tickets_wait_kind_and_slot(desk, live_server, floor_clock):
    booking = citizen_booking(live_server, "ktp-el", "09:30")
    api(live_server, "POST", "/v1/kiosk/checkins", {"code": booking["code"]}, headers=KIOSK,
        expect_status=201)
    kiosk_walkin(live_server, "kartu-keluarga")
    api(live_server, "POST", "/v1/kiosk/walkins", {"service_id": "ktp-el", "priority": True},
        headers=KIOSK, expect_status=201)
    floor_clock.advance(timedelta(minutes=12))  # 08:17
    kiosk_walkin(live_server, "akta-kelahiran")

    pg = desk("loket-1")
    expect(pg.get_by_test_id("waiting")).to_have_text("4 orang menunggu")
    rows = pg.get_by_test_id("queue-item")
    expect(rows).to_have_count(4)
    # in calling order: priority, walk-ins by arrival, the booking early for its 09:30 slot
    assert rows.evaluate_all("rs => rs.map(r => r.dataset.kind)") == [
        "priority", "walkin", "walkin", "booking"]
    prio = pg.locator('[data-testid="queue-item"][data-kind="priority"]')
    expect(prio).to_contain_text("Prioritas")
    expect(prio.get_by_test_id("queue-waited")).to_have_text("12 menit")
    kk = rows.nth(1)
    expect(kk).to_contain_text("Perubahan Kartu Keluarga")
    expect(kk.get_by_test_id("queue-kind")).to_have_text("Datang langsung")
    expect(rows.nth(2).get_by_test_id("queue-waited")).to_have_text("baru datang")
    booked = pg.locator('[data-testid="queue-item"][data-kind="booking"]')
    expect(booked.get_by_test_id("queue-kind")).to_have_text("Booking 09:30")
    expect(booked.get_by_test_id("queue-waited")).to_have_text("12 menit")
    assert_accessible(pg, "the desk with its queue")
    shot(pg, "desk-queue-id")

    # the waits grow with the app's clock, read again every few seconds
    floor_clock.advance(timedelta(minutes=61))
    expect(booked.get_by_test_id("queue-waited")).to_have_text("1 jam 13 menit", timeout=10_000)


# --- the picker and the break -------------------------------------------------------------------


def test_the_picker_shows_counters_taken_or_on_a_break(desk, live_server):
    admin = token_of(live_server, ADMIN)
    api(live_server, "POST", "/v1/staff/counters/loket-3/open", token=admin, expect_status=200)
    api(live_server, "POST", "/v1/staff/counters/loket-4/open", token=admin, expect_status=200)
    api(live_server, "POST", "/v1/staff/counters/loket-4/break", {"on": True}, token=admin,
        expect_status=200)
    staff = token_of(live_server, STAFF)

    pg = desk()
    card = lambda c: pg.locator(f'[data-testid="counter"][data-counter="{c}"]')  # noqa: E731
    expect(card("loket-3")).to_have_attribute("data-state", "taken")
    expect(card("loket-3").get_by_test_id("counter-state")).to_have_text(
        "Dipegang Admin MPP Bogor sejak 08:05")
    expect(card("loket-4").get_by_test_id("counter-state")).to_have_text(
        "Dipegang Admin MPP Bogor sejak 08:05 · Istirahat sejak 08:05")
    expect(card("loket-1")).to_have_attribute("data-state", "free")
    expect(card("loket-1").get_by_test_id("counter-state")).to_have_text("Kosong")
    assert_accessible(pg, "the counter picker")
    shot(pg, "picker-id")

    # a taken counter is not taken over by one click
    card("loket-3").click()
    takeover = pg.get_by_test_id("takeover")
    expect(takeover).to_be_visible()
    expect(takeover).to_contain_text("Loket 3 sedang dipegang Admin MPP Bogor. Ambil alih loket ini?")
    expect(takeover).to_be_focused()
    assert_accessible(pg, "the picker asking before a takeover")
    shot(pg, "picker-takeover-id")
    pg.get_by_test_id("takeover-no").click()
    expect(takeover).to_be_hidden()
    assert counters(live_server, admin)["loket-3"]["mine"] is True

    # picking a free counter opens it under the staff's name
    card("loket-6").click()
    expect(pg.get_by_test_id("desk-staff")).to_have_text("Anda bertugas di loket ini sejak 08:05")
    assert counters(live_server, staff)["loket-6"]["mine"] is True
    # another counter: the first is left, the new one opened
    pg.get_by_test_id("nav-pick").click()
    expect(card("loket-6").get_by_test_id("counter-state")).to_have_text("Anda, sejak 08:05")
    card("loket-7").click()
    expect(pg.get_by_test_id("desk-title")).to_have_text("Loket 7 (informasi)")
    seen = counters(live_server, staff)
    assert (seen["loket-6"]["staff_name"], seen["loket-7"]["mine"]) == (None, True)
    # taking over, confirmed
    pg.get_by_test_id("nav-pick").click()
    card("loket-3").click()
    pg.get_by_test_id("takeover-yes").click()
    expect(pg.get_by_test_id("desk-title")).to_have_text("Loket 3")
    seen = counters(live_server, staff)
    assert (seen["loket-3"]["mine"], seen["loket-7"]["staff_name"]) == (True, None)
    # logging out leaves the counter
    pg.get_by_test_id("nav-logout").click()
    expect(pg.get_by_test_id("login-email")).to_be_visible()
    assert counters(live_server, staff)["loket-3"]["staff_name"] is None
    expect(pg.get_by_test_id("desk-staff")).to_have_text("")  # nothing of the desk is kept

    # back in: the remembered counter, free, is opened again
    staff_login(pg)
    expect(pg.get_by_test_id("desk-title")).to_have_text("Loket 3")
    expect(pg.get_by_test_id("desk-staff")).to_have_text("Anda bertugas di loket ini sejak 08:05")
    assert counters(live_server, staff)["loket-3"]["mine"] is True
    # a colleague takes it over: the desk says so at its next refresh ...
    api(live_server, "POST", "/v1/staff/counters/loket-3/open", token=admin, expect_status=200)
    expect(pg.get_by_test_id("desk-staff")).to_have_text(
        "Loket ini sekarang dipegang Admin MPP Bogor (sejak 08:05)", timeout=10_000)
    # ... and coming back to it later asks before taking it back
    pg.reload()
    expect(pg.get_by_test_id("counter-list")).to_be_visible()
    expect(pg.get_by_test_id("status")).to_have_text(
        "Loket 3 sedang dipegang Admin MPP Bogor. Pilih loket lain, atau pilih Loket 3 lagi "
        "untuk mengambil alih.")
    assert counters(live_server, admin)["loket-3"]["mine"] is True


def test_a_break_stops_calls_until_staff_resume(desk, live_server):
    kiosk_walkin(live_server, "skck")
    staff = token_of(live_server, STAFF)
    pg = desk("loket-6")
    brk, call = pg.get_by_test_id("break"), pg.get_by_test_id("call-next")
    expect(brk).to_have_text("Istirahat")
    brk.click()
    expect(pg.get_by_test_id("break-note")).to_be_visible()
    expect(pg.get_by_test_id("break-note")).to_contain_text("Loket istirahat sejak 08:05")
    expect(call).to_be_disabled()
    expect(pg.get_by_test_id("call-note")).to_have_text(
        'Sedang istirahat: tekan "Lanjut melayani" untuk memanggil.')
    expect(brk).to_have_text("Lanjut melayani")
    assert counters(live_server, staff)["loket-6"]["on_break"] is True
    shown = api(live_server, "GET", "/v1/malls/kota-bogor/display", expect_status=200)
    assert [b["counter"] for b in shown["on_break"]] == ["Loket 6"]
    assert_accessible(pg, "the desk on a break")
    shot(pg, "desk-break-id")

    brk.click()
    expect(pg.get_by_test_id("break-note")).to_be_hidden()
    expect(call).to_be_enabled()
    call.click()
    expect(pg.get_by_test_id("current-number")).to_have_text("D-001")
    expect(brk).to_be_disabled()  # a counter holding a ticket finishes it before a break


# --- English ------------------------------------------------------------------------------------


def indonesian_only() -> list[str]:
    """The page's own Indonesian texts that differ from their English, placeholders cut out:
    none may be left on an English screen."""
    text = STRINGS.read_text(encoding="utf-8")
    strings = json.loads(text[text.index("STRINGS = {") + len("STRINGS = "):text.rindex("};") + 1])
    found = set()
    for key, id_text in strings["id"].items():
        if id_text == strings["en"].get(key):
            continue
        for part in re.split(r"\{\w+\}", id_text):
            part = part.strip(" .,:·()…")
            if len(part) >= 6:
                found.add(part)
    return sorted(found)


def test_english_shows_english_service_names_and_labels(desk, live_server):
    kiosk_walkin(live_server, "ktp-el")
    kiosk_walkin(live_server, "kartu-keluarga")
    pg = desk("loket-1")
    pg.get_by_test_id("call-next").click()
    expect(pg.get_by_test_id("current-service")).to_have_text("Perekaman & cetak KTP-el")
    shot(pg, "desk-id")

    pg.get_by_test_id("lang-toggle").click()
    expect(pg.get_by_test_id("current-service")).to_have_text("e-KTP recording and printing")
    expect(pg.get_by_test_id("queue-item")).to_contain_text("Family card update")
    expect(pg.get_by_test_id("queue-kind")).to_have_text("Walk-in")
    expect(pg.locator("#by-service")).to_contain_text("Family card update: 1")
    options = pg.get_by_test_id("transfer-service").locator("option")
    assert "Birth certificate · Disdukcapil Kota Bogor" in options.all_text_contents()
    expect(pg.get_by_test_id("noshow-hint")).to_have_text(
        "Call again 2 more time(s) first (at least 2) before marking a no-show.")
    shown = pg.locator("body").inner_text()
    for name in ("Perekaman & cetak KTP-el", "Perubahan Kartu Keluarga", "Akta Kelahiran"):
        assert name not in shown
    left = [s for s in indonesian_only() if s in shown]
    assert not left, f"Indonesian left on the English desk: {left}"
    assert_accessible(pg, "the English desk")
    shot(pg, "desk-en")

    # the two steps that wait for staff, in English
    for _ in range(2):
        pg.get_by_test_id("recall").click()
        expect(pg.get_by_test_id("recall")).to_be_enabled()
    pg.get_by_test_id("no-show").click()
    expect(pg.get_by_test_id("undo-text")).to_have_text("Number A-001 will be marked as not attending.")
    shot(pg, "desk-undo-en")
    pg.get_by_test_id("undo").click()
    expect(pg.get_by_test_id("status")).to_have_text("Undone: number A-001 stays called.")
    pg.get_by_test_id("transfer-service").select_option("akta-kelahiran")
    pg.get_by_test_id("transfer").click()
    expect(pg.get_by_test_id("transfer-confirm")).to_contain_text(
        "Move number A-001 from e-KTP recording and printing to Birth certificate?")
    shot(pg, "desk-transfer-confirm-en")
    pg.get_by_test_id("transfer-no").click()

    pg.get_by_test_id("nav-pick").click()
    expect(pg.locator('[data-testid="counter"][data-counter="loket-1"]')).to_contain_text(
        "You, since 08:05")
    expect(pg.locator('[data-testid="counter"][data-counter="loket-2"]')).to_contain_text(
        "e-KTP recording and printing, Family card update")
    shown = pg.locator("body").inner_text()
    left = [s for s in indonesian_only() if s in shown]
    assert not left, f"Indonesian left on the English picker: {left}"
    shot(pg, "picker-en")


def test_a_no_show_is_put_back_in_line_from_the_desk(desk, live_server):
    """Issue 16: the desk lists the day's no-shows within the grace time; one press puts
    one back in line, behind those waiting (1366x768)."""
    first = kiosk_walkin(live_server, "skck")
    token = staff_token(live_server)
    called = call_next(live_server, token, "loket-6")
    for step in ("recall", "recall", "no-show"):
        api(live_server, "POST", f"/v1/staff/tickets/{called['ticket_id']}/{step}", token=token,
            expect_status=200)
    kiosk_walkin(live_server, "skck")  # waits when it comes back
    pg = desk("loket-6")
    listed = pg.get_by_test_id("no-shows")
    expect(listed).to_contain_text(first["ticket_number"])
    pg.get_by_test_id(f"requeue-{first['ticket_number']}").click()
    expect(pg.get_by_test_id("status")).to_contain_text("masuk antrean lagi")
    expect(listed).not_to_contain_text(first["ticket_number"])
    expect(pg.get_by_test_id("waiting")).to_contain_text("2")
    rows = pg.get_by_test_id("next").locator("tr")
    expect(rows.last).to_contain_text(first["ticket_number"])  # behind the one waiting
    Path("/tmp/shots/nudge").mkdir(parents=True, exist_ok=True)
    pg.screenshot(path="/tmp/shots/nudge/counter-requeue-1366.png")
