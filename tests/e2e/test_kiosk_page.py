"""The kiosk at its real sizes, in a real browser: portrait 1080x1920 (the usual MPP kiosk) and
landscape 1280x1024 use the screen's height with large keys, nothing cut or overflowing in
either language, and the kiosk's own keypad types a booking code and checks it in (no
keyboard of the operating system). Screenshots of each screen go to /tmp/shots/kiosk/."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.domain.identity import BOOKING_CODE_ALPHABET, BOOKING_CODE_LENGTH
from tests.e2e.test_floor_pages import (  # noqa: F401  (browser, floor_clock, open_page: fixtures)
    PRINT_STUB, assert_accessible, browser, citizen_booking, expect, floor_clock, open_page,
)

SHOTS = Path("/tmp/shots/kiosk")
PORTRAIT, LANDSCAPE = (1080, 1920), (1280, 1024)
# the keys' promised size: at least 110 px square in portrait, 90 px in landscape
KEY_MIN = {PORTRAIT: 110, LANDSCAPE: 90}
USED_MIN = 0.8  # the share of the screen's height the visible screen's content spans

# The visible screen's content: the box around its texts, inputs, buttons and images (the
# header excluded), the page's own scroll size, and any text box whose text is wider than it.
MEASURE = """() => {
  const view = document.querySelector('main .view:not([hidden])');
  const shown = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const parts = [...view.querySelectorAll('h1, h2, label, legend, p, input, button, svg, dd, dt')].filter(shown);
  const box = parts.reduce((b, e) => { const r = e.getBoundingClientRect();
    return {top: Math.min(b.top, r.top), bottom: Math.max(b.bottom, r.bottom),
            left: Math.min(b.left, r.left), right: Math.max(b.right, r.right)}; },
    {top: Infinity, bottom: -Infinity, left: Infinity, right: -Infinity});
  const texts = [...document.querySelectorAll('main button, main p, main h1, main h2, main label, main legend, main dd, main dt, main .svc-name, main .svc-agency, main .svc-left')]
    .filter(shown).filter((e) => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
    .map((e) => e.outerHTML.slice(0, 120) + ` ${e.scrollWidth}x${e.scrollHeight} in ${e.clientWidth}x${e.clientHeight}`);
  return {box, vw: innerWidth, vh: innerHeight, scrollW: document.documentElement.scrollWidth,
          scrollH: document.documentElement.scrollHeight, overflowing: texts};
}"""


def measure(pg, what: str, fits_only: bool = False) -> float:
    """Checks that the screen fits (no scrolling, no cut or overflowing text) and, unless
    `fits_only`, uses most of the height; returns the share of the height used."""
    m = pg.evaluate(MEASURE)
    assert m["scrollH"] <= m["vh"] and m["scrollW"] <= m["vw"], f"{what} scrolls: {m}"
    assert not m["overflowing"], f"{what}: text wider or taller than its box: {m['overflowing']}"
    box = m["box"]
    assert box["top"] >= 0 and box["bottom"] <= m["vh"] and box["left"] >= 0 and box["right"] <= m["vw"], (what, m)
    used = (box["bottom"] - box["top"]) / m["vh"]
    if fits_only:
        return used
    assert used >= USED_MIN, f"{what} uses {used:.0%} of the screen's height: {m}"
    assert (box["right"] - box["left"]) / m["vw"] >= 0.85, f"{what} uses a narrow strip: {m}"
    print(f"{what}: {used:.0%} of the height, {(box['right'] - box['left']) / m['vw']:.0%} of the width")
    return used


def shot(pg, name: str, size: tuple[int, int]) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}-{size[0]}x{size[1]}.png"))


def keys_of(pg) -> list[str]:
    return pg.get_by_test_id("keypad").locator("button").all_inner_texts()


def tap_code(pg, code: str) -> None:
    for ch in code:
        pg.get_by_test_id(f"key-{ch}").click()


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE], ids=["portrait", "landscape"])
def test_the_kiosk_uses_its_screen_in_both_languages(open_page, live_server, size):
    booking = citizen_booking(live_server, "ktp-el", "09:30")
    kiosk = open_page("/kiosk#key=kiosk-demo-key", *size, PRINT_STUB)
    expect(kiosk.get_by_test_id("mall-name")).to_have_text("MPP Kota Bogor")
    expect(kiosk.get_by_test_id("hall-qr").locator("svg")).to_be_visible()

    # the keypad: the code's alphabet and nothing else, keys of the promised size
    assert keys_of(kiosk) == list(BOOKING_CODE_ALPHABET)
    boxes = [kiosk.get_by_test_id(f"key-{ch}").bounding_box() for ch in BOOKING_CODE_ALPHABET]
    boxes += [kiosk.get_by_test_id(name).bounding_box() for name in ("key-back", "key-clear", "checkin")]
    smallest = min(min(b["width"], b["height"]) for b in boxes)
    assert smallest >= KEY_MIN[size], f"the smallest key is {smallest} px"
    print(f"{size}: keys {min(b['width'] for b in boxes):.0f} x {min(b['height'] for b in boxes):.0f} px at least")
    assert kiosk.get_by_test_id("to-walkin").bounding_box()["height"] >= 2 * KEY_MIN[size]

    for lang in ("id", "en"):
        if lang == "en":
            kiosk.get_by_test_id("lang-toggle").click()
            expect(kiosk.locator("#h-home")).to_have_text("Welcome")
        shot(kiosk, f"home-{lang}", size)
        measure(kiosk, f"the start screen {size} {lang}")
        kiosk.get_by_test_id("to-walkin").click()
        expect(kiosk.get_by_test_id("walkin-service")).to_have_count(9)
        shot(kiosk, f"walkin-{lang}", size)
        measure(kiosk, f"the walk-in services {size} {lang}")
        kiosk.get_by_test_id("walkin-back").click()

    # a code the mall does not know: the server's words above the keypad, and still no scrolling
    tap_code(kiosk, "ZZZZ2345")
    kiosk.get_by_test_id("checkin").click()
    expect(kiosk.get_by_test_id("status")).to_contain_text("not found")
    shot(kiosk, "home-error-en", size)
    measure(kiosk, f"the start screen with a message {size} en", fits_only=True)

    # the answer: a check-in typed on the keypad, in English, then the next citizen's Bahasa
    tap_code(kiosk, booking["code"])
    kiosk.get_by_test_id("checkin").click()
    expect(kiosk.get_by_test_id("ticket-number")).to_have_text("A-001")
    expect(kiosk.get_by_test_id("ticket").locator(".tk-qr svg")).to_be_visible()
    expect(kiosk.get_by_test_id("ticket")).to_contain_text("Estimated wait")
    shot(kiosk, "ticket-en", size)
    measure(kiosk, f"the ticket {size} en")
    kiosk.get_by_test_id("lang-toggle").click()
    expect(kiosk.get_by_test_id("ticket")).to_contain_text("Perkiraan menunggu")
    shot(kiosk, "ticket-id", size)
    measure(kiosk, f"the ticket {size} id")
    assert_accessible(kiosk, f"the kiosk's ticket at {size}")


def test_the_keypad_types_a_booking_code_and_checks_it_in(open_page, live_server):
    booking = citizen_booking(live_server, "ktp-el", "09:30")
    code = booking["code"]
    kiosk = open_page("/kiosk#key=kiosk-demo-key", *PORTRAIT, PRINT_STUB)
    code_input = kiosk.get_by_test_id("code")
    expect(code_input).to_be_focused()
    expect(code_input).to_have_attribute("inputmode", "none")  # never the system's keyboard
    expect(kiosk.get_by_test_id("key-back")).to_have_accessible_name("Hapus")
    expect(kiosk.get_by_test_id("key-clear")).to_have_accessible_name("Kosongkan")
    expect(kiosk.get_by_role("group", name="Tombol kode booking")).to_be_visible()
    for gone in ("0", "O", "1", "I"):
        expect(kiosk.get_by_test_id(f"key-{gone}")).to_have_count(0)
    assert_accessible(kiosk, "the kiosk's keypad")

    # the input shows what was tapped; the focus stays in it for the scanner
    tap_code(kiosk, code[:3])
    expect(code_input).to_have_value(code[:3])
    expect(code_input).to_be_focused()
    kiosk.get_by_test_id("key-back").click()
    expect(code_input).to_have_value(code[:2])
    kiosk.get_by_test_id("key-clear").click()
    expect(code_input).to_have_value("")
    tap_code(kiosk, code + "ZZ")  # eight characters, no more
    expect(code_input).to_have_value(code)
    expect(code_input).to_be_focused()
    kiosk.get_by_test_id("checkin").click()
    expect(kiosk.get_by_test_id("ticket-number")).to_have_text("A-001")
    expect(kiosk.get_by_test_id("ticket")).to_contain_text("Orang di depan Anda")
    kiosk.get_by_test_id("ticket-done").click()
    expect(code_input).to_be_focused()
    expect(code_input).to_have_value("")

    # a physical keyboard and the keypad mix; backspace takes the last character typed either way
    kiosk.keyboard.type(code[:4].lower())
    tap_code(kiosk, code[4:6])
    expect(code_input).to_have_value(code[:6])
    kiosk.get_by_test_id("key-back").click()
    expect(code_input).to_have_value(code[:5])

    # a key reached with Tab keeps the focus, visibly, and works with Enter
    kiosk.get_by_test_id("key-clear").click()
    kiosk.keyboard.press("Tab")
    key = kiosk.get_by_test_id(f"key-{BOOKING_CODE_ALPHABET[0]}")
    expect(key).to_be_focused()
    kiosk.wait_for_timeout(300)  # past the input's refocus on blur: the key keeps the focus
    expect(key).to_be_focused()
    outline = key.evaluate("k => getComputedStyle(k).outlineStyle + ' ' + getComputedStyle(k).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline
    kiosk.keyboard.press("Enter")
    expect(code_input).to_have_value(BOOKING_CODE_ALPHABET[0])
    expect(key).to_be_focused()

    # the scanner types while a key has the focus: its characters and Enter reach the input
    kiosk.get_by_test_id("key-clear").click()
    kiosk.keyboard.press("Tab")
    key = kiosk.get_by_test_id(f"key-{BOOKING_CODE_ALPHABET[1]}")
    expect(key).to_be_focused()
    kiosk.keyboard.type(code)
    kiosk.keyboard.press("Enter")
    expect(kiosk.get_by_test_id("ticket-number")).to_have_text("A-001")
    expect(kiosk.get_by_test_id("ticket")).to_contain_text("Kode ini sudah check-in")
    expect(kiosk.get_by_test_id("ticket").locator(".tk-qr svg")).to_be_visible()
    shot(kiosk, "ticket-again-id", PORTRAIT)
    measure(kiosk, "the ticket of a code checked in before", fits_only=True)


def test_the_keypad_in_english(open_page, live_server):
    booking = citizen_booking(live_server, "ktp-el", "09:30")
    kiosk = open_page("/kiosk#key=kiosk-demo-key", *LANDSCAPE, PRINT_STUB)
    kiosk.get_by_test_id("lang-toggle").click()
    expect(kiosk.get_by_test_id("key-back")).to_have_accessible_name("Delete")
    expect(kiosk.get_by_test_id("key-clear")).to_have_accessible_name("Clear")
    expect(kiosk.get_by_test_id("checkin")).to_have_text("Check in")
    expect(kiosk.get_by_role("group", name="Booking code keys")).to_be_visible()
    expect(kiosk.locator("#code-hint")).to_contain_text("with the keys below")
    tap_code(kiosk, "ZZZZ2345")
    kiosk.get_by_test_id("checkin").click()
    expect(kiosk.get_by_test_id("status")).to_contain_text("not found")
    expect(kiosk.get_by_test_id("code")).to_be_focused()
    tap_code(kiosk, booking["code"])
    kiosk.get_by_test_id("checkin").click()
    expect(kiosk.get_by_test_id("ticket-number")).to_have_text("A-001")
    expect(kiosk.get_by_test_id("ticket")).to_contain_text("People ahead of you")
    expect(kiosk.get_by_test_id("ticket")).to_contain_text("e-KTP recording and printing")
    # switched back while the ticket shows: the service's name follows, not only the labels
    kiosk.get_by_test_id("lang-toggle").click()
    expect(kiosk.get_by_test_id("ticket")).to_contain_text("Orang di depan Anda")
    expect(kiosk.get_by_test_id("ticket")).to_contain_text("Perekaman & cetak KTP-el")


def test_the_keypad_knows_the_booking_code_alphabet():
    """The keys are the characters a booking code can contain, as the server makes them."""
    text = (Path(__file__).resolve().parents[2] / "chalicelib/web/kiosk-keypad.js").read_text()
    assert re.search(r"CODE_ALPHABET = '([^']*)'", text).group(1) == BOOKING_CODE_ALPHABET
    assert int(re.search(r"CODE_LENGTH = (\d+)", text).group(1)) == BOOKING_CODE_LENGTH


def test_a_no_show_s_booking_code_offers_to_join_the_queue_again(open_page, live_server):
    """Issue 16 (1080x1920): a booked citizen who was a no-show scans their code again
    within the grace time; the kiosk offers "Masuk antrean lagi" and prints the ticket."""
    from tests.e2e.pages import api
    from tests.e2e.test_floor_pages import KIOSK, call_next, staff_token

    booking = citizen_booking(live_server, "ktp-el", "09:30")
    mine = api(live_server, "POST", "/v1/kiosk/checkins", {"code": booking["code"]},
               headers=KIOSK, expect_status=201)
    token = staff_token(live_server)
    called = call_next(live_server, token, "loket-1")
    assert called["ticket_id"] == mine["ticket_id"]
    for step in ("recall", "recall", "no-show"):
        api(live_server, "POST", f"/v1/staff/tickets/{called['ticket_id']}/{step}", token=token,
            expect_status=200)
    kiosk = open_page("/kiosk#key=kiosk-demo-key", *PORTRAIT, PRINT_STUB)
    kiosk.get_by_test_id("code").fill(booking["code"])  # as the scanner types it
    kiosk.get_by_test_id("checkin").click()
    offer = kiosk.get_by_test_id("back-offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text(mine["ticket_number"])
    expect(kiosk.get_by_test_id("back-yes")).to_have_text("Masuk antrean lagi")
    assert_accessible(kiosk, "the kiosk's offer to join the queue again")
    SHOTS.mkdir(parents=True, exist_ok=True)
    kiosk.screenshot(path=str(SHOTS / "kiosk-requeue-offer-1080.png"))
    kiosk.get_by_test_id("back-yes").click()
    expect(offer).to_be_hidden()
    back = api(live_server, "GET", f"/v1/tickets/{mine['ticket_id']}", expect_status=200)
    assert (back["status"], back["requeued"]) == ("waiting", True)
