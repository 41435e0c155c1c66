"""A service that leaves the catalog is retired, never silently bookable: it takes no new
booking, walk-in or waitlist place and is hidden from citizens and kiosks; its bookings stay,
listed for the mall's admin to move or cancel (the citizen is emailed)."""
import yaml

from chalicelib import cli
from infra.local.seed import FILE
from tests.api.helpers import BOOK, KIOSK, admin_token, booked, call, citizen
from tests.conftest import emulator_mail

M = "/v1/admin/malls/kota-bogor"
PBG = {**BOOK, "service_id": "pbg", "start": "09:00"}


def without_pbg(tmp_path):
    data = yaml.safe_load(FILE.read_text())
    data["agencies"][1]["services"] = [s for s in data["agencies"][1]["services"]
                                       if s["id"] != "pbg"]
    for counter in data["counters"]:
        counter["services"] = [s for s in counter["services"] if s != "pbg"]
    path = tmp_path / "mall.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    return path


def test_a_service_that_leaves_the_yaml_is_retired_and_its_bookings_kept(client, capsys,
                                                                        tmp_path):
    token, booking = booked(client, **PBG)
    email = call(client, "GET", "/v1/me", token=token)[1]["email"]
    assert cli.main(["import-mall", str(without_pbg(tmp_path))]) == 0
    assert "retired" in capsys.readouterr().out
    # hidden from citizens and kiosks, nothing new taken
    services = call(client, "GET", "/v1/malls/kota-bogor/services")[1]
    assert "pbg" not in {s["service_id"] for s in services}
    assert call(client, "GET", "/v1/malls/kota-bogor/services/pbg/slots?date=2026-12-09") \
        == (200, [])
    other = citizen(client)[1]
    status, body = call(client, "POST", "/v1/bookings", {**PBG, "date": "2026-12-09"},
                        token=other)
    assert (status, body["code"]) == (409, "service_retired")
    assert "tidak dibuka lagi" in body["message"]
    status, body = call(client, "POST", "/v1/bookings", {**PBG, "date": "2026-12-09"},
                        token=other, headers={"Accept-Language": "en"})
    assert "no longer offered" in body["message"]
    status, body = call(client, "POST", "/v1/waitlist", {"mall_id": "kota-bogor",
                                                         "service_id": "pbg",
                                                         "date": "2026-12-08"}, token=other)
    assert (status, body["code"]) == (409, "service_retired")
    status, body = call(client, "POST", "/v1/kiosk/walkins", {"service_id": "pbg"},
                        headers=KIOSK)
    assert (status, body["code"]) == (409, "service_retired")
    status, body = call(client, "POST", f"/v1/bookings/{booking['booking_id']}/reschedule",
                        {"date": "2026-12-09", "start": "09:00"}, token=token)
    assert (status, body["code"]) == (409, "service_retired")
    # the booking stands, and the admin sees the service retired, unserved, with its booking
    assert call(client, "GET", f"/v1/bookings/{booking['booking_id']}",
                token=token)[1]["status"] == "booked"
    admin = admin_token(client)
    view = call(client, "GET", M, token=admin)[1]
    assert next(s for s in view["services"] if s["service_id"] == "pbg")["retired"] is True
    assert {"code": "no_counter", "service_id": "pbg"} in view["warnings"]
    status, listed = call(client, "GET", f"{M}/services/pbg/bookings", token=admin)
    assert status == 200 and [(b["code"], b["date"], b["start"]) for b in listed] == [
        (booking["code"], "2026-12-08", "09:00")]
    # the admin moves it (a retired service's booking is the mall's to place), then cancels
    status, moved = call(client, "POST", f"{M}/bookings/{booking['code']}/reschedule",
                         {"date": "2026-12-10", "start": "10:00"}, token=admin)
    assert status == 200 and (moved["date"], moved["start"]) == ("2026-12-10", "10:00"), moved
    status, done = call(client, "POST", f"{M}/bookings/{booking['code']}/cancel", token=admin)
    assert (status, done["status"]) == (200, "cancelled")
    subjects = [m["subject"].lower() for m in emulator_mail(email)]
    assert any("pindah" in s or "ubah" in s for s in subjects), subjects
    assert any("batal" in s for s in subjects), subjects
    assert call(client, "GET", f"{M}/services/pbg/bookings", token=admin)[1] == []
    audit = [e["action"] for e in call(client, "GET", f"{M}/audit", token=admin)[1]]
    assert audit[:2] == ["booking.admin_cancel", "booking.admin_reschedule"]
    # back in the file: offered again
    assert cli.main(["import-mall", str(FILE)]) == 0
    services = call(client, "GET", "/v1/malls/kota-bogor/services")[1]
    assert "pbg" in {s["service_id"] for s in services}
    assert call(client, "POST", "/v1/bookings", {**PBG, "date": "2026-12-09"},
                token=other)[0] == 201


def test_deleting_a_booked_service_retires_it_and_an_unbooked_one_goes(client):
    admin = admin_token(client)
    booked(client, **PBG)
    status, view = call(client, "DELETE", f"{M}/services/pbg", token=admin)
    assert status == 200, view
    assert next(s for s in view["services"] if s["service_id"] == "pbg")["retired"] is True
    assert not view["warnings"]  # its counters still serve it: its bookings will come
    status, body = call(client, "POST", "/v1/bookings", {**PBG, "date": "2026-12-09"},
                        token=citizen(client)[1])
    assert (status, body["code"]) == (409, "service_retired")
    status, view = call(client, "DELETE", f"{M}/services/nib", token=admin)
    assert status == 200 and "nib" not in {s["service_id"] for s in view["services"]}
    # saved again on the admin page: offered again
    pbg = next(s for s in view["services"] if s["service_id"] == "pbg")
    fields = {k: pbg[k] for k in ("agency_id", "name", "name_en", "requirements",
                                  "requirements_en", "slot_minutes", "capacity", "online",
                                  "walkin_quota")}
    status, view = call(client, "PUT", f"{M}/services/pbg", fields, token=admin)
    assert next(s for s in view["services"] if s["service_id"] == "pbg")["retired"] is False
    assert call(client, "POST", "/v1/bookings", {**PBG, "date": "2026-12-09"},
                token=citizen(client)[1])[0] == 201


def test_another_malls_booking_is_not_the_admins(client):
    token, booking = booked(client)
    admin = admin_token(client)
    assert call(client, "POST", "/v1/admin/malls/kota-depok/bookings/"
                f"{booking['code']}/cancel", token=admin)[0] == 404
    assert call(client, "POST", f"{M}/bookings/NOTACODE/cancel", token=admin)[0] == 404
    assert call(client, "POST", f"{M}/bookings/{booking['code']}/cancel",
                token=token)[0] == 403
    assert call(client, "GET", f"{M}/services/nothing/bookings", token=admin)[0] == 404
