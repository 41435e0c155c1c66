"""Closures: every booking inside moves to the nearest free slot after it (same code, status
booked) or is cancelled with an apology; each citizen is emailed once; the job survives a
crash and resumes to the same end state.

The clock stands at Monday 7 December 2026, 07:00 WIB (tests/conftest.py).
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import date, time, timedelta

import pytest

from chalicelib import clock
from chalicelib.domain.catalog import Agency, DayHours, Mall, Service
from chalicelib.mail import sender
from chalicelib.services import accounts, booking as booking_service, closures
from chalicelib.services.auth import Principal
from chalicelib.store import bookings as booking_store
from chalicelib.store import catalog as catalog_store
from chalicelib.domain import schedule
from chalicelib.errors import SlotFull
from chalicelib.store import accounts as account_store
from tests.api.helpers import BOOK, admin_token, booked, call, citizen, nik, person_name
from tests.conftest import MONDAY_7AM_WIB, emulator_mail, reset_table

M = "/v1/admin/malls/kota-bogor"


def close(client, token, first, last, reason="Renovasi", service_id=None):
    body = {"from": first, "to": last, "reason": reason}
    if service_id:
        body["service_id"] = service_id
    return call(client, "POST", f"{M}/closures", body, token=token)


def test_a_closed_day_moves_its_bookings_and_refuses_new_ones(client):
    token, booking = booked(client)  # Tuesday 8 December, 09:00, KTP-el
    admin = admin_token(client)
    status, started = close(client, admin, "2026-12-08", "2026-12-08")
    assert status == 202 and started["status"] == "running"
    status, body = call(client, "POST", "/v1/bookings", {**BOOK, "start": "10:00"},
                        token=citizen(client)[1])
    assert (status, body["code"]) == (422, "slot_unavailable")  # at once, before the job ran
    assert closures.work(started["closure_id"]) == "done"
    report = call(client, "GET", f"/v1/admin/closures/{started['closure_id']}", token=admin)[1]
    assert {k: report[k] for k in ("status", "affected", "moved", "cancelled", "failed")} == {
        "status": "done", "affected": 1, "moved": 1, "cancelled": 0, "failed": 0}
    moved = call(client, "GET", f"/v1/bookings/{booking['booking_id']}", token=token)[1]
    # the nearest free slot after the closure, at the same time of day; same code, still booked
    assert (moved["date"], moved["start"], moved["code"], moved["status"]) == (
        "2026-12-09", "09:00", booking["code"], "booked")
    mail = [m for m in emulator_mail() if "dipindahkan" in m["subject"]]
    assert len(mail) == 1 and booking["code"] in mail[0]["subject"]
    assert "Rabu, 9 Desember 2026" in mail[0]["text"] and "Renovasi" in mail[0]["text"]
    assert re.search(r"/#/r/" + booking["booking_id"], mail[0]["text"])
    listed = call(client, "GET", f"{M}/closures", token=admin)[1]
    assert [c["closure_id"] for c in listed] == [started["closure_id"]]


def test_a_closure_report_says_who_was_not_emailed_and_lists_them_to_phone(client):
    """A closure moved the bookings staff made at the desk silently while its report said every
    citizen was emailed; nothing listed the people to phone."""
    from tests.api.helpers import staff_token

    token, booking = booked(client)  # a citizen with an email: Tuesday 8 December, 09:00
    staff = staff_token(client)
    desk = []
    for n, start in ((7101, "09:00"), (7102, "10:00")):
        status, made = call(client, "POST", "/v1/staff/bookings", {
            "service_id": "ktp-el", "date": "2026-12-08", "start": start,
            "name": f"Ibu Nomor {'Satu' if n == 7101 else 'Dua'}", "nik": nik(n),
            "phone": "0812-1111-2222"}, token=staff)
        assert status == 201, made
        desk.append(made)
    admin = admin_token(client)
    started = close(client, admin, "2026-12-08", "2026-12-08")[1]
    assert closures.work(started["closure_id"]) == "done"
    report = call(client, "GET", f"/v1/admin/closures/{started['closure_id']}", token=admin)[1]
    assert (report["affected"], report["moved"], report["not_emailed"]) == (3, 3, 2)
    status, people = call(client, "GET", f"/v1/admin/closures/{started['closure_id']}/to-phone",
                          token=admin)
    assert status == 200
    assert sorted(p["code"] for p in people) == sorted(d["code"] for d in desk)
    assert {p["name"] for p in people} == {"Ibu Nomor Satu", "Ibu Nomor Dua"}
    assert all(p["phone"] == "+6281211112222" and p["date"] == "2026-12-09"
               and p["status"] == "booked" for p in people), people
    # the admin of another mall, a citizen, an unknown closure: not found / not allowed
    assert call(client, "GET", f"/v1/admin/closures/{started['closure_id']}/to-phone",
                token=token)[0] in (403, 404)
    assert call(client, "GET", "/v1/admin/closures/nope/to-phone", token=admin)[0] == 404


def test_a_service_closure_moves_only_that_service(client):
    ktp_token, ktp = booked(client)
    skck_token, skck = booked(client, service_id="skck")
    admin = admin_token(client)
    started = close(client, admin, "2026-12-08", "2026-12-08", service_id="skck")[1]
    closures.work(started["closure_id"])
    mine = call(client, "GET", f"/v1/bookings/{ktp['booking_id']}", token=ktp_token)[1]
    assert (mine["date"], mine["start"]) == ("2026-12-08", "09:00")
    moved = call(client, "GET", f"/v1/bookings/{skck['booking_id']}", token=skck_token)[1]
    assert (moved["date"], moved["start"]) == ("2026-12-09", "09:00")
    assert call(client, "POST", "/v1/bookings", {**BOOK, "start": "10:00"},
                token=citizen(client)[1])[0] == 201  # KTP-el still open that day
    status, body = call(client, "POST", "/v1/bookings", {**BOOK, "service_id": "skck",
                                                         "start": "10:00"},
                        token=citizen(client)[1])
    assert (status, body["code"]) == (422, "slot_unavailable")
    report = closures.store.get(started["closure_id"])
    assert (int(report.moved), int(report.cancelled)) == (1, 0)


def test_closing_the_cuti_bersama_days_with_one_action(client):
    admin = admin_token(client)
    _, christmas_eve = booked(client, date="2026-12-24", start="09:00")
    status, made = call(client, "POST", f"{M}/closures/cuti-bersama", {"year": 2026},
                        token=admin)
    assert status == 202 and [(c["from"], c["to"]) for c in made] == [
        ("2026-12-24", "2026-12-24")]  # the year's only joint-leave day still ahead
    closures.work(made[0]["closure_id"])
    assert closures.store.get(made[0]["closure_id"]).moved == 1


def test_closure_input_is_checked(client):
    admin = admin_token(client)
    for first, last in (("2026-12-09", "2026-12-08"), ("2026-12-01", "2026-12-02"),
                        ("2026-12-08", "2027-06-01"), ("2026-12-32", "2026-12-33")):
        status, body = close(client, admin, first, last)
        assert (status, body["code"]) == (422, "validation_error"), (first, last)
    assert close(client, admin, "2026-12-08", "2026-12-08", service_id="nope")[0] == 404
    assert call(client, "GET", "/v1/admin/closures/kota-bogor.nope", token=admin)[0] == 404


# --- two hundred bookings over three days, and a crash half way ---------------------------------

DAYS = ["2026-12-08", "2026-12-09", "2026-12-10"]  # Tuesday to Thursday
BOOKINGS = 200
HORIZON = 4  # days after the closure: Fri 11 and Mon 14 (70 seats each; the weekend closed)


def setup_closure_scenario() -> tuple[list, dict]:
    """A mall with one service, 5 seats per 30-minute slot, 08:00-15:00 on weekdays (70
    seats a day), and 200 bookings over the three days by 67 citizens with email. Returns
    the citizens and, per booking id, (NIK hash, original date and time)."""
    hours = DayHours(time(8), time(15))
    catalog_store.put_mall(Mall("kota-tutup", "MPP Kota Tutup", "Tutup", "Asia/Jakarta",
                                weekly_hours={d: hours for d in range(5)},
                                rebook_horizon_days=HORIZON))
    catalog_store.put_agency(Agency("dukcapil", "kota-tutup", "Dukcapil", "A"))
    catalog_store.put_service(Service("ktp", "kota-tutup", "dukcapil", "", "KTP-el", (), 30, 5))
    now = clock.now()
    citizens = [Principal(accounts.register(
        email=f"tutup{n}@example.id", password="kuda-lari-123", name=person_name(n),
        phone="081234567890", nik=nik(3000 + n), now=now, verified=True), "citizen")
        for n in range((BOOKINGS + 2) // 3)]
    starts = [f"{h:02d}:{m:02d}" for h in range(8, 15) for m in (0, 30)]
    catalog = catalog_store.fresh_catalog("kota-tutup")
    service = catalog.services["ktp"]
    hashes = [account_store.get(who.account_id).nik_hash for who in citizens]
    original = {}
    for n in range(BOOKINGS):
        day = DAYS[n % 3]
        for attempt in range(len(starts)):  # the next slot when one is full
            start = starts[(n * 7 + attempt) % len(starts)]
            slot = schedule.find_bookable_slot(catalog.mall, service, date.fromisoformat(day),
                                               start, now)
            try:  # the booking transaction itself, without sending 200 confirmations
                made, _ = booking_service._place(citizens[n // 3].account_id,
                                                 hashes[n // 3], catalog.mall, service, slot,
                                                 now)
            except SlotFull:
                continue
            original[made.booking_id] = (made.nik_hash, day, start)
            break
    assert len(original) == BOOKINGS
    return citizens, original


def end_state(citizens, original) -> dict:
    """Where each booking (by citizen and original time) is now, and every slot's seats."""
    where = {}
    for who in citizens:
        for b in booking_store.list_for(who.account_id):
            where[original[b.booking_id]] = (b.status, b.date, b.start)
    after = ["2026-12-11", "2026-12-14", "2026-12-15", "2026-12-16"]
    seats = {(day, start): taken for day in after + DAYS
             for start, taken in booking_store.seats_taken("kota-tutup", "ktp", day).items()}
    return {"bookings": where, "seats": seats}


def run_closure(crash_after: int | None) -> tuple[dict, dict, list]:
    citizens, original = setup_closure_scenario()
    job = closures._close(Principal("admin", "super"),
                          catalog_store.fresh_catalog("kota-tutup"),
                          [date.fromisoformat(d) for d in DAYS], "Banjir", None, clock.now())
    if crash_after is not None:
        with pytest.raises(closures.Crash):
            closures.work(job["closure_id"], stop_after=crash_after)
        half = closures.store.get(job["closure_id"])
        assert half.status == "running" and int(half.moved) + int(half.cancelled) == crash_after
        assert closures.work(job["closure_id"]) == "busy"  # the dead run's lease still holds
        clock.clock.advance(timedelta(minutes=3))  # ...until it runs out
    assert closures.work(job["closure_id"]) == "done"
    sender.deliver_due(clock.now())  # what a dead run had queued, the mail retry sends
    report = closures.view(closures.store.get(job["closure_id"]))
    return report, end_state(citizens, original), emulator_mail()


def test_two_hundred_bookings_each_moved_or_cancelled_once_even_after_a_crash(client):
    report, state, mail = run_closure(None)
    assert report["affected"] == BOOKINGS and report["failed"] == 0
    # two weekdays of 70 seats within the horizon: at most 140 moved; fewer when a
    # citizen's bookings of other days already hold that day (one per service and day)
    assert report["moved"] + report["cancelled"] == BOOKINGS and 120 <= report["moved"] <= 140
    statuses = Counter(status for status, _, _ in state["bookings"].values())
    assert statuses == {"booked": report["moved"], "cancelled": report["cancelled"]}
    assert not any(day in DAYS for status, day, _ in state["bookings"].values()
                   if status == "booked")
    assert max(state["seats"].values()) <= 5  # no slot over its capacity
    assert sum(taken for (day, _), taken in state["seats"].items() if day in DAYS) == 0
    assert sum(state["seats"].values()) == report["moved"]
    moved_mail = [m for m in mail if "dipindahkan" in m["subject"]]
    sorry_mail = [m for m in mail if "dibatalkan" in m["subject"]]
    assert (len(moved_mail), len(sorry_mail)) == (report["moved"], report["cancelled"])
    codes = Counter(m["subject"].rsplit(" ", 1)[1] for m in moved_mail + sorry_mail)
    assert len(codes) == BOOKINGS and set(codes.values()) == {1}  # each citizen, once

    reset_table()  # the same scenario again, killed half way and resumed
    clock.use(clock.FixedClock(MONDAY_7AM_WIB))
    crashed_report, crashed_state, crashed_mail = run_closure(BOOKINGS // 2)
    assert {k: crashed_report[k] for k in ("affected", "moved", "cancelled", "failed")} == {
        k: report[k] for k in ("affected", "moved", "cancelled", "failed")}
    assert crashed_state == state

    def kinds(mail):
        return Counter(m["subject"].rsplit(" ", 1)[0] for m in mail)

    assert kinds(crashed_mail) == kinds(mail)
    assert len({m["subject"] for m in crashed_mail}) == BOOKINGS  # once each, not twice


def test_a_walk_in_refused_by_one_closed_service_is_told_that_service_is_closed(
        client, fixed_clock):
    """Closing PBG today refuses PBG walk-ins with PBG's name, not "the mall is closed";
    other services still take walk-ins; a whole-mall closure still says the mall."""
    from tests.api.test_checkin import walk_in

    admin = admin_token(client)
    status, started = close(client, admin, "2026-12-07", "2026-12-07", service_id="pbg")
    assert status == 202
    fixed_clock.advance(timedelta(hours=1, minutes=5))  # 08:05, open
    status, body = walk_in(client, "pbg")
    assert (status, body["code"]) == (409, "service_closed")
    assert body["message"].startswith("Layanan Persetujuan Bangunan Gedung")
    assert "ditutup hari ini" in body["message"] and "MPP tutup" not in body["message"]
    status, body = call(client, "POST", "/v1/kiosk/walkins", {"service_id": "pbg"},
                        headers={"X-Kiosk-Key": "kiosk-demo-key", "Accept-Language": "en"})
    assert "other services stay open" in body["message"]
    assert "Building approval (PBG)" in body["message"], body  # its English name, not the Indonesian
    assert walk_in(client, "ktp-el")[0] == 201
    status, body = close(client, admin, "2026-12-07", "2026-12-07")  # the whole mall: overlaps
    assert (status, body["code"]) == (409, "closure_overlaps")
    closures.work(started["closure_id"])
    assert call(client, "POST", f"/v1/admin/closures/{started['closure_id']}/reopen", {},
                token=admin)[0] == 200
    assert close(client, admin, "2026-12-07", "2026-12-07")[0] == 202
    status, body = walk_in(client, "ktp-el")
    assert (status, body["code"]) == (409, "service_closed")
    assert body["message"].startswith("MPP tutup hari ini")


def test_dates_past_the_reach_are_refused_with_422_before_any_job_starts(client):
    """9999-12-31 crashed the public day summary (500) and queued a closure whose job failed
    for ever. Now: 422 naming the latest date, and nothing is closed or queued."""
    admin = admin_token(client)
    path = "/v1/malls/kota-bogor/services/ktp-el/days"
    for query in ("from=9999-12-01&to=9999-12-31", "from=2026-12-07&to=2027-03-01",
                  "from=0001-01-01&to=0001-01-31"):
        status, body = call(client, "GET", f"{path}?{query}")
        assert (status, body["code"]) == (422, "validation_error"), query
    status, body = call(client, "GET", f"{path}?from=2026-12-07&to=2027-01-20")
    assert status == 200  # the window (30 days) and the closure horizon (14) stay readable
    for first, last in (("9999-12-31", "9999-12-31"), ("2027-12-01", "2027-12-24")):
        status, body = close(client, admin, first, last)
        assert (status, body["code"]) == (422, "validation_error")
        assert body["message"].startswith("to: tanggal paling jauh") or \
            "tanggal paling jauh" in body["message"], body
    assert call(client, "GET", f"{M}/closures", token=admin)[1] == []
    assert close(client, admin, "2027-11-30", "2027-11-30")[0] == 202  # a year ahead: fine
    status, body = call(client, "POST", f"{M}/closures/cuti-bersama", {"year": 2100},
                        token=admin)
    assert (status, body["code"]) == (422, "validation_error")


def test_a_job_that_raises_ends_failed_instead_of_being_dispatched_for_ever(client):
    """A job whose every run raises (here: a job stored before dates were checked, ending
    9999-12-31) is counted per run; after three it is failed and the sweep leaves it."""
    job = closures.store.new_job(closure_id=closures.store.new_id("kota-bogor"),
                                 mall_id="kota-bogor", service_id=None, date_from="9999-12-31",
                                 date_to="9999-12-31", reason="x",
                                 created_at=clock.now().isoformat(), created_by="cli:test")
    job.save()
    for n in range(closures.FAILED_RUNS):
        assert closures.resume_stalled(clock.now()) == 1  # the sweep dispatches it again
        assert closures.work(job.closure_id) == "failed"
    report = call(client, "GET", f"/v1/admin/closures/{job.closure_id}",
                  token=admin_token(client))[1]
    assert report["status"] == "failed"
    assert closures.resume_stalled(clock.now()) == 0
    assert closures.work(job.closure_id) == "busy"
    # resumed by hand (`closure resume`, once the cause is fixed): it runs again, counted anew
    assert closures.store.revive(closures.store.get(job.closure_id))
    assert not closures.store.revive(closures.store.get(job.closure_id))  # running now
    assert closures.work(job.closure_id) == "failed"  # the cause is still there
    assert closures.store.get(job.closure_id).status == "running"  # one failed run of three


# --- preview, overlap, reopen, holidays (issue 15: closures without surprises) ------------------


def preview(client, token, first, last, reason="Renovasi", service_id=None, lang=None):
    body = {"from": first, "to": last, "reason": reason}
    if service_id:
        body["service_id"] = service_id
    return call(client, "POST", f"{M}/closures/preview", body, token=token,
                headers={"Accept-Language": lang} if lang else None)


def test_the_preview_of_two_hundred_bookings_equals_the_run_that_follows(client):
    """The preview decides with the job's own code: its counts and the days it names are what
    the job then does, booking for booking (moves, cancellations, a citizen's day already
    taken), and it writes nothing."""
    citizens, original = setup_closure_scenario()
    before = end_state(citizens, original)
    seen = closures.preview(Principal("admin", "super"), "kota-tutup", DAYS[0], DAYS[-1],
                            "Banjir", None, clock.now())
    assert end_state(citizens, original) == before  # nothing moved
    assert closures.store.of_mall("kota-tutup") == []  # nothing closed
    assert catalog_store.fresh_catalog("kota-tutup").mall.closures == frozenset()
    report, state, _ = run_closure_on(citizens, original)
    assert {k: seen[k] for k in ("affected", "moved", "cancelled", "not_emailed")} == {
        k: report[k] for k in ("affected", "moved", "cancelled", "not_emailed")}
    assert 0 < seen["cancelled"] < seen["affected"] == BOOKINGS
    where = Counter(day for status, day, _ in state["bookings"].values() if status == "booked")
    assert {d["date"]: d["bookings"] for d in seen["moved_to"]} == dict(where)


def run_closure_on(citizens, original):
    job = closures._close(Principal("admin", "super"),
                          catalog_store.fresh_catalog("kota-tutup"),
                          [date.fromisoformat(d) for d in DAYS], "Banjir", None, clock.now())
    assert closures.work(job["closure_id"]) == "done"
    return closures.view(closures.store.get(job["closure_id"])), end_state(citizens, original), \
        emulator_mail()


def test_the_admin_previews_a_closure_with_the_people_to_phone(client):
    from tests.api.helpers import staff_token

    booked(client)  # Tuesday 8 December, 09:00, KTP-el: has an email
    status, made = call(client, "POST", "/v1/staff/bookings", {
        "service_id": "ktp-el", "date": "2026-12-08", "start": "10:00", "name": "Ibu Tanpa Surel",
        "nik": nik(7201), "phone": "0812-1111-2222"}, token=staff_token(client))
    assert status == 201, made
    admin = admin_token(client)
    status, seen = preview(client, admin, "2026-12-08", "2026-12-08")
    assert status == 200, seen
    assert {k: seen[k] for k in ("affected", "moved", "cancelled", "not_emailed")} == {
        "affected": 2, "moved": 2, "cancelled": 0, "not_emailed": 1}
    assert seen["moved_to"] == [{"date": "2026-12-09", "bookings": 2}]
    assert call(client, "GET", f"{M}/closures", token=admin)[1] == []  # nothing made
    assert emulator_mail() == [] or not any("dipindahkan" in m["subject"]
                                            for m in emulator_mail())
    # the same checks as the closure itself
    assert preview(client, admin, "2026-12-09", "2026-12-08")[0] == 422
    assert preview(client, admin, "2026-12-08", "2026-12-08", service_id="nope")[0] == 404
    assert preview(client, citizen(client)[1], "2026-12-08", "2026-12-08")[0] == 403


def test_an_overlapping_or_duplicate_closure_is_refused_naming_the_one_it_overlaps(client):
    """A duplicate closure was accepted and an overlapping one moved 196 bookings again."""
    _, booking = booked(client)  # Tuesday 8 December
    admin = admin_token(client)
    first = close(client, admin, "2026-12-08", "2026-12-10", reason="Renovasi")[1]
    for body in ({"from": "2026-12-08", "to": "2026-12-10"},  # the same days again
                 {"from": "2026-12-10", "to": "2026-12-11"},  # overlapping its end
                 {"from": "2026-12-09", "to": "2026-12-09", "service_id": "skck"}):  # inside
        status, answer = call(client, "POST", f"{M}/closures", {**body, "reason": "Lagi"},
                              token=admin)
        assert (status, answer["code"]) == (409, "closure_overlaps"), body
        assert "seluruh MPP" in answer["message"] and "Renovasi" in answer["message"]
        assert "Selasa, 8 Desember 2026" in answer["message"]
        assert "Kamis, 10 Desember 2026" in answer["message"]
    status, answer = call(client, "POST", f"{M}/closures/preview", {
        "from": "2026-12-10", "to": "2026-12-10", "reason": "x"}, token=admin,
        headers={"Accept-Language": "en"})
    assert (status, answer["code"]) == (409, "closure_overlaps")
    assert "the whole mall from Tuesday 8 December 2026 to Thursday 10 December 2026" in \
        answer["message"]
    assert [c["closure_id"] for c in call(client, "GET", f"{M}/closures", token=admin)[1]] == [
        first["closure_id"]]
    # a service closure overlaps the same service's, not another service's
    assert close(client, admin, "2026-12-14", "2026-12-15", service_id="skck")[0] == 202
    status, answer = close(client, admin, "2026-12-15", "2026-12-15", service_id="skck")
    assert (status, answer["code"]) == (409, "closure_overlaps")
    assert "layanan" in answer["message"]
    assert close(client, admin, "2026-12-15", "2026-12-15", service_id="pbg")[0] == 202
    status, answer = close(client, admin, "2026-12-15", "2026-12-16")  # the whole mall
    assert (status, answer["code"]) == (409, "closure_overlaps")
    closures.work(first["closure_id"])
    assert closures.view(closures.store.get(first["closure_id"]))["moved"] == 1  # moved once


def test_a_reopened_closure_offers_its_days_again_and_leaves_moved_bookings_alone(client):
    token, booking = booked(client)  # Tuesday 8 December, 09:00
    admin = admin_token(client)
    slots = "/v1/malls/kota-bogor/services/ktp-el/slots?date="
    status, _ = call(client, "PUT", f"{M}/special-hours/2026-12-09",
                     {"open": "09:00", "close": "11:00"}, token=admin)
    assert status == 200
    started = close(client, admin, "2026-12-08", "2026-12-10")[1]
    status, answer = call(client, "POST", f"/v1/admin/closures/{started['closure_id']}/reopen",
                          {}, token=admin)
    assert (status, answer["code"]) == (409, "closure_running")  # its job still runs
    assert closures.work(started["closure_id"]) == "done"
    moved = call(client, "GET", f"/v1/bookings/{booking['booking_id']}", token=token)[1]
    assert (moved["date"], moved["start"]) == ("2026-12-11", "09:00")
    assert call(client, "GET", slots + "2026-12-09")[1] == []
    # end it early: open again from Wednesday 9
    status, ended = call(client, "POST", f"/v1/admin/closures/{started['closure_id']}/reopen",
                         {"from": "2026-12-09"}, token=admin)
    assert status == 200, ended
    assert (ended["state"], ended["reopened_from"]) == ("ended_early", "2026-12-09")
    assert call(client, "GET", slots + "2026-12-08")[1] == []  # still closed
    wednesday = call(client, "GET", slots + "2026-12-09")[1]
    assert [s["start"] for s in wednesday][:1] == ["09:00"] and wednesday[-1]["end"] == "11:00"
    assert call(client, "GET", slots + "2026-12-10")[1] != []
    assert call(client, "POST", "/v1/bookings", {**BOOK, "date": "2026-12-09", "start": "09:30"},
                token=citizen(client)[1])[0] == 201
    again = call(client, "GET", f"/v1/bookings/{booking['booking_id']}", token=token)[1]
    assert (again["date"], again["start"], again["status"]) == ("2026-12-11", "09:00", "booked")
    sender.deliver_due(clock.now())

    def told(code):  # the mail that names the moved booking's code
        return [m for m in emulator_mail() if code in m["subject"]]

    assert len(told(booking["code"])) == 2  # its confirmation and the move, nothing new
    # and then reopen the rest: Tuesday too
    status, whole = call(client, "POST", f"/v1/admin/closures/{started['closure_id']}/reopen",
                         {}, token=admin)
    assert (status, whole["state"], whole["reopened_from"]) == (200, "reopened", "2026-12-08")
    assert call(client, "GET", slots + "2026-12-08")[1] != []
    assert len(told(booking["code"])) == 2
    # nothing left to reopen; a day outside; another mall's admin; the audit log
    status, answer = call(client, "POST", f"/v1/admin/closures/{started['closure_id']}/reopen",
                          {}, token=admin)
    assert (status, answer["code"]) == (422, "validation_error")
    log = call(client, "GET", f"{M}/audit", token=admin)[1]
    assert [e["action"] for e in log if e["action"] == "closure.reopen"] == ["closure.reopen"] * 2
    assert close(client, admin, "2026-12-08", "2026-12-08")[0] == 202  # the days are free again
    assert call(client, "POST", "/v1/admin/closures/kota-bogor.nope/reopen", {},
                token=admin)[0] == 404
    assert call(client, "POST", f"/v1/admin/closures/{started['closure_id']}/reopen", {},
                token=token)[0] in (403, 404)


def test_a_reopening_day_must_lie_inside_the_closure_and_ahead(client):
    admin = admin_token(client)
    started = close(client, admin, "2026-12-08", "2026-12-10")[1]
    closures.work(started["closure_id"])
    path = f"/v1/admin/closures/{started['closure_id']}/reopen"
    for day in ("2026-12-07", "2026-12-11", "2026-12-32"):
        status, answer = call(client, "POST", path, {"from": day}, token=admin)
        assert (status, answer["code"]) == (422, "validation_error"), day
    assert closures.view(closures.store.get(started["closure_id"]))["state"] == "done"


def test_a_closure_over_a_national_holiday_keeps_the_holidays_name(client):
    """Closing Christmas replaced "Hari Raya Natal" with "ditutup oleh pengelola MPP"."""
    admin = admin_token(client)
    made = close(client, admin, "2026-12-24", "2026-12-26", reason="Libur akhir tahun")[1]
    closed = {d["date"]: d["reason"] for d in call(client, "GET", "/v1/malls/kota-bogor")[1][
        "closed_days"]}
    assert closed["2026-12-25"] == \
        "hari libur nasional: Hari Raya Natal; juga ditutup oleh pengelola MPP"
    assert closed["2026-12-24"] == "ditutup oleh pengelola MPP"
    english = call(client, "GET", "/v1/malls/kota-bogor", headers={"Accept-Language": "en"})[1]
    assert {d["date"]: d["reason"] for d in english["closed_days"]}["2026-12-25"] == \
        "national holiday: Christmas Day; also closed by the mall"
    listed = call(client, "GET", f"{M}/closures", token=admin)[1][0]
    assert listed["closure_id"] == made["closure_id"] and listed["reason"] == "Libur akhir tahun"
    assert listed["holidays"] == [{"date": "2026-12-25", "name": "Hari Raya Natal",
                                   "name_en": "Christmas Day"}]
