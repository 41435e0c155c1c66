"""The satisfaction survey in a real browser: a served citizen answers it on a 360 px phone
(Indonesian, then English), a low score with a comment is offered SP4N-LAPOR!, and the mall's
admin sees the index and the comment on the admin page's SKM view (1366x768). axe-core finds
no violation; screenshots go to /tmp/shots/skm/."""
from __future__ import annotations

from pathlib import Path

from playwright import sync_api

from tests.e2e.pages import api
from tests.e2e.test_citizen_page import assert_accessible, browser  # noqa: F401
from tests.e2e.test_floor_pages import (  # noqa: F401  (fixtures)
    TODAY, call_next, floor_clock, kiosk_walkin, open_page, staff_token,
)

expect = sync_api.expect
SHOTS = Path("/tmp/shots/skm")
ADMIN = {"email": "admin@antre.local", "password": "admin-demo-123"}


def served(live_server) -> dict:
    """A walk-in joins the queue and Loket 1 serves the first in line: that ticket."""
    kiosk_walkin(live_server)
    token = staff_token(live_server)
    ticket = call_next(live_server, token, "loket-1")
    for step in ("start", "finish"):
        api(live_server, "POST", f"/v1/staff/tickets/{ticket['ticket_id']}/{step}", token=token,
            expect_status=200)
    return ticket


def test_a_served_citizen_answers_the_survey_on_a_phone(open_page, live_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    waiting = kiosk_walkin(live_server)
    phone = open_page(f"/ticket#{waiting['ticket_id']}", 360, 740)
    expect(phone.get_by_test_id("state")).to_have_text("Menunggu")
    expect(phone.get_by_test_id("survey")).to_be_hidden()  # not before the service is done
    scripts = phone.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert not [s for s in scripts if "ticket-survey" in s]  # the first load stays light
    phone.close()

    ticket = served(live_server)
    phone = open_page(f"/ticket#{ticket['ticket_id']}", 360, 740)
    expect(phone.get_by_test_id("state")).to_have_text("Selesai dilayani")
    survey = phone.get_by_test_id("survey")
    expect(survey).to_contain_text("Survei Kepuasan Masyarakat")
    expect(survey.get_by_role("group", name="1. Bagaimana pendapat Anda tentang kesesuaian "
                              "persyaratan")).to_contain_text("Sangat sesuai")
    expect(survey.get_by_role("group", name="4. Bagaimana")).to_contain_text("Gratis")
    phone.screenshot(path=str(SHOTS / "ticket-survey-id.png"), full_page=True)
    assert_accessible(phone, "the survey on the ticket page")

    # sent with two questions left: each says so, nothing is stored
    for n in range(1, 8):
        phone.locator(f"fieldset.sv-q:nth-of-type({n}) input[value='4']").check()
    phone.get_by_test_id("sv-send").click()
    expect(phone.get_by_test_id("status")).to_contain_text("2 belum dijawab")
    expect(phone.locator("fieldset.sv-q[aria-invalid=true]")).to_have_count(2)
    assert_accessible(phone, "the survey with unanswered questions")

    phone.locator("fieldset.sv-q:nth-of-type(8) input[value='1']").check()
    phone.locator("fieldset.sv-q:nth-of-type(9) input[value='3']").check()
    phone.get_by_test_id("sv-comment").fill("Kotak saran\ntidak ada.")
    phone.get_by_test_id("sv-age_group").select_option("30_39")
    phone.get_by_test_id("sv-send").click()
    expect(phone.get_by_test_id("sv-thanks")).to_have_text(
        "Terima kasih! Penilaian Anda sudah kami terima.")
    lapor = phone.get_by_test_id("sv-lapor")
    expect(lapor).to_contain_text(f"sebutkan nomor antrean {ticket['ticket_number']}")
    expect(lapor.get_by_role("link")).to_have_attribute("href", "https://www.lapor.go.id")
    assert_accessible(phone, "the survey's thank-you")
    phone.screenshot(path=str(SHOTS / "ticket-thanks-id.png"), full_page=True)
    phone.get_by_test_id("lang-toggle").click()
    expect(phone.get_by_test_id("sv-thanks")).to_have_text(
        "Thank you! We have received your rating.")
    expect(phone.get_by_test_id("sv-lapor")).to_contain_text(ticket["ticket_number"])

    # stored once: a second look says it was answered
    form = api(live_server, "GET", f"/v1/tickets/{ticket['ticket_id']}/survey", expect_status=200)
    assert form["state"] == "answered"

    # English from the start
    other = served(live_server)
    phone = open_page(f"/ticket#{other['ticket_id']}", 360, 740)
    phone.get_by_test_id("lang-toggle").click()
    expect(phone.get_by_test_id("survey")).to_contain_text("Public Satisfaction Survey")
    expect(phone.get_by_test_id("survey")).to_contain_text("Very fast")
    phone.screenshot(path=str(SHOTS / "ticket-survey-en.png"), full_page=True)
    assert_accessible(phone, "the survey in English")


def test_the_admin_sees_the_index_and_the_comments(open_page, live_server):
    from tests.e2e.test_admin_page import log_in, section

    SHOTS.mkdir(parents=True, exist_ok=True)
    answers = [([4, 3, 3, 4, 3, 4, 4, 3, 3], "Petugas ramah"), ([3, 3, 2, 4, 3, 3, 4, 2, 3], None),
               ([4, 4, 3, 4, 4, 3, 4, 3, 2], "Ruang tunggu panas")]
    for scores, comment in answers:
        ticket = served(live_server)
        api(live_server, "POST", f"/v1/tickets/{ticket['ticket_id']}/survey",
            {"scores": scores, **({"comment": comment} if comment else {})}, expect_status=201)
    pg = open_page("/admin", 1366, 768)
    log_in(pg)
    section(pg, "skm", "Survei Kepuasan Masyarakat (SKM)")
    pg.get_by_test_id("skm-from").fill(TODAY)
    pg.get_by_test_id("skm-to").fill(TODAY)
    pg.get_by_test_id("skm-show").click()
    totals = pg.get_by_test_id("skm-totals")
    expect(totals).to_contain_text("82,41")  # the worked example of tests/unit/test_skm.py
    expect(totals).to_contain_text("B (Baik)")
    expect(pg.get_by_test_id("skm-service").first).to_contain_text("Perekaman & cetak KTP-el")
    expect(pg.get_by_test_id("skm-element")).to_have_count(9)
    expect(pg.get_by_test_id("chart-skm")).to_be_visible()
    comments = pg.get_by_test_id("skm-comment")
    expect(comments).to_have_count(2)
    hot = comments.filter(has_text="Ruang tunggu panas")
    expect(hot).to_contain_text("4 4 3 4 4 3 4 3 2")
    assert_accessible(pg, "the admin page's SKM view")
    pg.screenshot(path=str(SHOTS / "admin-skm-id.png"), full_page=True)
    pg.get_by_test_id("lang-toggle").click()
    expect(pg.locator("#h-skm")).to_have_text("Public Satisfaction Survey (SKM)")
    expect(pg.get_by_test_id("skm-totals")).to_contain_text("B (Good)")
    expect(pg.get_by_test_id("skm-element").first).to_contain_text("How well did the service's")
    assert_accessible(pg, "the admin page's SKM view in English")
    pg.screenshot(path=str(SHOTS / "admin-skm-en.png"), full_page=True)
