"""Catalog and availability through the public API."""
from datetime import timedelta

from tests.api.helpers import call

SLOTS = "/v1/malls/kota-bogor/services/{service}/slots?date={date}"


def slots(client, date, service="ktp-el"):
    return call(client, "GET", SLOTS.format(service=service, date=date))


def test_malls_and_services(client):
    status, malls = call(client, "GET", "/v1/malls")
    assert status == 200
    assert malls == [{"mall_id": "kota-bogor", "name": "MPP Kota Bogor", "city": "Bogor",
                      "timezone": "Asia/Jakarta"}]
    status, services = call(client, "GET", "/v1/malls/kota-bogor/services")
    assert status == 200
    agencies = {s["agency_name"] for s in services}
    assert len(agencies) >= 4
    skck = next(s for s in services if s["service_id"] == "skck")
    assert skck["agency_id"] == "polresta" and skck["online"] is True
    assert any("Pas foto" in r for r in skck["requirements"])
    assert next(s for s in services if s["service_id"] == "sim-info")["online"] is False


def test_weekday_slots_show_capacity_and_remaining(client):
    status, day = slots(client, "2026-12-08")
    assert status == 200
    assert [s["start"] for s in day][:3] == ["08:00", "08:30", "09:00"]
    assert day[-1] == {"start": "14:30", "end": "15:00", "capacity": 4, "remaining": 4}
    assert len(day) == 14


def test_friday_prayer_break_has_no_slots(client):
    status, day = slots(client, "2026-12-11")
    starts = [s["start"] for s in day]
    assert "11:00" in starts and "13:00" in starts
    assert not {"11:30", "12:00", "12:30"} & set(starts)


def test_hour_long_service_uses_its_own_slot_length(client):
    status, day = slots(client, "2026-12-08", service="pbg")
    assert [(s["start"], s["end"]) for s in day][:2] == [("08:00", "09:00"), ("09:00", "10:00")]


def test_closed_days_give_an_empty_list(client):
    assert slots(client, "2026-12-12") == (200, [])  # Saturday
    assert slots(client, "2026-12-25") == (200, [])  # Christmas, a national holiday
    assert slots(client, "2026-12-04") == (200, [])  # in the past
    assert slots(client, "2027-01-08") == (200, [])  # beyond the 30-day window
    assert slots(client, "2026-12-08", service="sim-info") == (200, [])  # walk-in only


def test_today_hides_slots_inside_the_lead_time(client, fixed_clock):
    from datetime import timedelta

    fixed_clock.advance(timedelta(hours=2))  # 09:00 WIB; the first bookable slot is 10:00
    status, day = slots(client, "2026-12-07")
    assert day[0]["start"] == "10:00"


def test_unknown_mall_or_service_is_404(client):
    assert call(client, "GET", "/v1/malls/nowhere/services")[0] == 404
    status, body = slots(client, "2026-12-08", service="nothing")
    assert status == 404 and body["code"] == "not_found"


def test_bad_or_missing_date_is_422(client):
    for bad in ("2026-12-8", "08-12-2026", "2026-02-30", "tomorrow"):
        status, body = slots(client, bad)
        assert status == 422 and body["code"] == "validation_error", bad
    status, body = call(client, "GET", "/v1/malls/kota-bogor/services/ktp-el/slots")
    assert status == 422 and "date" in body["message"]


def test_errors_chalice_answers_itself_have_the_api_shape(client):
    status, body = call(client, "DELETE", "/v1/malls")
    assert (status, body["code"]) == (405, "method_not_allowed")
    status, body = call(client, "POST", "/v1/accounts", {},
                        headers={"Content-Type": "application/xml"})
    assert (status, body["code"]) == (415, "unsupported_media_type")


def test_the_mall_page_has_its_place_hours_and_closed_days_in_the_readers_language(client):
    status, mall = call(client, "GET", "/v1/malls/kota-bogor")
    assert status == 200 and mall["today"] == "2026-12-07"
    assert mall["map_url"].startswith("https://www.openstreetmap.org/search?query=Jl.")
    assert mall["map_url"].count("Bogor") == 2  # the address names its city: no third time
    assert mall["waitlist_hold_minutes"] == 15
    assert {"date": "2026-12-25", "reason": "hari libur nasional: Hari Raya Natal"} in \
        mall["closed_days"]
    english = call(client, "GET", "/v1/malls/kota-bogor", headers={"Accept-Language": "en"})[1]
    assert {"date": "2026-12-25", "reason": "national holiday: Christmas Day"} in \
        english["closed_days"]
    assert "2026-12-12" not in {d["date"] for d in mall["closed_days"]}  # a Saturday: weekly


def test_service_names_and_requirements_come_in_one_language(client):
    indonesian = call(client, "GET", "/v1/malls/kota-bogor/services")[1]
    english = call(client, "GET", "/v1/malls/kota-bogor/services",
                   headers={"Accept-Language": "en"})[1]
    ktp_id = next(s for s in indonesian if s["service_id"] == "ktp-el")
    ktp_en = next(s for s in english if s["service_id"] == "ktp-el")
    assert (ktp_id["name"], ktp_id["requirements"][0]) == (
        "Perekaman & cetak KTP-el", "Kartu Keluarga asli")
    assert (ktp_en["name"], ktp_en["requirements"][0]) == (
        "e-KTP recording and printing", "Original family card")


def test_a_whole_window_of_free_days_in_one_request(client):
    path = "/v1/malls/kota-bogor/services/akta-kelahiran/days?from=2026-12-06&to=2027-01-10"
    status, summary = call(client, "GET", path)
    assert status == 200 and summary["window_end"] == "2027-01-06"
    by_day = {d["date"]: d for d in summary["days"]}
    assert by_day["2026-12-06"]["status"] == "past"
    assert by_day["2026-12-12"]["status"] == "closed"  # Saturday
    assert by_day["2026-12-25"]["status"] == "closed" and by_day["2026-12-25"]["reason"]
    assert (by_day["2026-12-08"]["status"], by_day["2026-12-08"]["seats"]) == ("open", 14 * 3)
    assert (by_day["2027-01-08"]["status"], by_day["2027-01-08"]["opens_on"]) == (
        "not_yet", "2026-12-09")  # the window moves each midnight
    today = by_day["2026-12-07"]  # 07:00 now: only slots from 08:00 are left
    assert today["status"] == "open" and today["seats"] == 14 * 3
    assert summary["next_opening"] == {"date": "2027-01-07", "opens_on": "2026-12-08"}


def test_the_next_day_to_open_is_an_open_day_not_a_closed_sunday(client, fixed_clock):
    # issue 13: "Minggu, 3 Januari 2027 bisa dipesan mulai besok", a Sunday the mall is shut
    fixed_clock.advance(timedelta(days=3))  # Thursday 10 December: the window ends Saturday
    path = "/v1/malls/kota-bogor/services/akta-kelahiran/days?from=2026-12-10&to=2026-12-11"
    summary = call(client, "GET", path)[1]
    assert summary["window_end"] == "2027-01-09"
    assert summary["next_opening"] == {"date": "2027-01-11", "opens_on": "2026-12-12"}


def test_the_day_summary_counts_bookings_cancellations_and_moves(client):
    from tests.api.helpers import booked

    path = "/v1/malls/kota-bogor/services/pbg/days?from=2026-12-08&to=2026-12-09"
    seats = call(client, "GET", path)[1]["days"][0]["remaining"]
    tokens = [booked(client, service_id="pbg", start=start) for start in ("08:00", "09:00")]
    token, first = tokens[0]
    call(client, "POST", f"/v1/bookings/{first['booking_id']}/reschedule",
         {"date": "2026-12-09", "start": "08:00"}, token=token)
    token, second = tokens[1]
    call(client, "POST", f"/v1/bookings/{second['booking_id']}/cancel", token=token)
    days = call(client, "GET", path)[1]["days"]
    assert (days[0]["remaining"], days[1]["remaining"]) == (seats, seats - 1)
    status, body = call(client, "GET", path.replace("2026-12-09", "2027-03-01"))
    assert (status, body["code"]) == (422, "validation_error")


def test_security_headers_on_pages_and_no_caching_of_personal_answers(client):
    from tests.api.helpers import citizen

    page = client.http.get("/kiosk")
    assert "max-age=" in page.headers["Strict-Transport-Security"]
    assert "camera=(self)" in page.headers["Permissions-Policy"]
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    _, token = citizen(client)
    mine = client.http.get("/v1/bookings", headers={"Authorization": f"Bearer {token}"})
    assert mine.headers["Cache-Control"] == "no-store"
    assert mine.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" in mine.headers
