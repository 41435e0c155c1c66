"""The nudge on the ticket page in a real browser (360x740): once a counter's call leaves the
citizen near the front, the page shows the banner and says it in its title, in Bahasa
Indonesia and in English; axe-core finds no violation. Screenshots go to /tmp/shots/nudge/."""
from __future__ import annotations

from pathlib import Path

from playwright import sync_api

from tests.e2e.test_citizen_page import assert_accessible, browser  # noqa: F401
from tests.e2e.test_floor_pages import (  # noqa: F401  (fixtures)
    call_next, floor_clock, kiosk_walkin, open_page, staff_token,
)

expect = sync_api.expect
SHOTS = Path("/tmp/shots/nudge")


def test_the_ticket_page_shows_the_nudge_in_its_banner_and_title(open_page, live_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    kiosk_walkin(live_server)
    mine = kiosk_walkin(live_server)
    call_next(live_server, staff_token(live_server), "loket-1")  # the first is called
    phone = open_page(f"/ticket#{mine['ticket_id']}", 360, 740)
    banner = phone.get_by_test_id("nudge")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Giliran Anda segera")
    expect(phone).to_have_title(f"Giliran Anda segera - {mine['ticket_number']}")
    assert phone.evaluate(f"localStorage.getItem('antre-nudged-{mine['ticket_id']}')") == "1"
    assert_accessible(phone, "ticket page with the nudge")
    phone.screenshot(path=str(SHOTS / "ticket-nudge-id-360.png"), full_page=True)
    phone.get_by_test_id("lang-toggle").click()
    expect(banner).to_contain_text("Your turn is near")
    expect(phone).to_have_title(f"Your turn is near - {mine['ticket_number']}")
    phone.screenshot(path=str(SHOTS / "ticket-nudge-en-360.png"), full_page=True)
