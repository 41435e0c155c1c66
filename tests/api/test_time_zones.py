"""A mall in another zone: its dates, slots and emails are in its own local time."""
from datetime import time

import pytest

from chalicelib.domain.catalog import Agency, DayHours, Mall, Service
from chalicelib.store import catalog
from tests.api.helpers import call, citizen
from tests.conftest import emulator_mail, send_new_mail_now

HOURS = DayHours(time(8), time(15))


@pytest.fixture
def jayapura(fresh_table):
    catalog.put_mall(Mall("kota-jayapura", "MPP Kota Jayapura", "Jayapura", "Asia/Jayapura",
                          address="Jl. Soa Siu, Jayapura",
                          weekly_hours={d: HOURS for d in range(5)}))
    catalog.put_agency(Agency("samsat", "kota-jayapura", "Samsat Jayapura"))
    catalog.put_service(Service("pajak", "kota-jayapura", "samsat", "", "Pajak Kendaraan",
                                ("STNK",), 30, 2))


def test_same_instant_different_local_slots(client, jayapura):
    # now = 07:00 WIB = 09:00 WIT: Bogor can still book 08:00, Jayapura only from 10:00
    bogor = call(client, "GET",
                 "/v1/malls/kota-bogor/services/ktp-el/slots?date=2026-12-07")[1]
    papua = call(client, "GET",
                 "/v1/malls/kota-jayapura/services/pajak/slots?date=2026-12-07")[1]
    assert bogor[0]["start"] == "08:00"
    assert papua[0]["start"] == "10:00"


def test_booking_in_wit_is_confirmed_in_wit(client, jayapura):
    email, token = citizen(client)
    status, booking = call(client, "POST", "/v1/bookings", {
        "mall_id": "kota-jayapura", "service_id": "pajak", "date": "2026-12-07",
        "start": "10:00"}, token=token)
    assert status == 201, booking
    text = emulator_mail(email)[0]["text"]
    assert "Senin, 7 Desember 2026, 10:00–10:30 WIT" in text
    status, body = call(client, "POST", "/v1/bookings", {
        "mall_id": "kota-jayapura", "service_id": "pajak", "date": "2026-12-07",
        "start": "09:30"}, token=citizen(client)[1])
    assert (status, body["code"]) == (422, "slot_unavailable")  # 09:30 WIT is 30 min away


def test_dev_mail_page_shows_text_and_qr(client):
    email, token = citizen(client)
    call(client, "POST", "/v1/bookings", {"mall_id": "kota-bogor", "service_id": "ktp-el",
                                          "date": "2026-12-08", "start": "09:00"}, token=token)
    send_new_mail_now()  # the table's stream hands the confirmation to the sender
    page = client.http.get("/dev/mail")
    assert page.status_code == 200 and b"data:image/png;base64," in page.body
    status, mine = call(client, "GET", f"/dev/mail.json?to={email}")
    assert status == 200 and len(mine) == 2  # verification, then confirmation
