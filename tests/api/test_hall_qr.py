"""The hall's QR and the TV's key (issue 14, "The hall's QR" and "a display key").

Before: the QR token was a 3-minute bearer token with no use count (one photo took five
tickets, all `priority` by the phone itself); the per-address throttle was spent before the
token was checked, so junk requests locked out every phone behind the mall's Wi-Fi; the TV
kept a full kiosk key in its browser; a token kept working after its kiosk was revoked.

Now: one ticket per phone and token, `walkin_qr_tickets` (15) per token in all, only valid
tokens count toward the throttle, no priority from a phone, the TV has its own key that only
mints the QR, and revoking the kiosk or TV that showed a QR stops it at once.
"""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from chalicelib import config
from chalicelib.services import throttle
from tests.api.helpers import KIOSK, admin_token, call

M = "/v1/admin/malls/kota-bogor"
DISPLAY = {"X-Display-Key": "display-demo-key"}


@pytest.fixture
def open_hall(fixed_clock):
    fixed_clock.advance(timedelta(hours=2))  # Monday 09:00 WIB: open for walk-ins
    yield fixed_clock
    throttle.reset_limits()


def left(client, service_id="skck") -> int:
    answer = call(client, "GET", "/v1/malls/kota-bogor/walkins")[1]
    return next(s["remaining"] for s in answer["services"] if s["service_id"] == service_id)


def qr(client, headers=DISPLAY, path="/v1/display/walkin-token") -> str:
    status, body = call(client, "POST", path, headers=headers)
    assert status == 200, body
    return body["token"]


def take(client, token, phone=None, cookie=None, **extra):
    body = {"token": token, "service_id": "skck", **extra}
    if phone:
        body["phone"] = phone
    headers = {"Cookie": f"antre_walkin={cookie}"} if cookie else None
    return client.http.request("POST", "/v1/walkins", headers={
        "Content-Type": "application/json", **(headers or {})},
        body=json.dumps(body))


def status_code(answer) -> tuple[int, str | None]:
    body = json.loads(answer.body)
    return answer.status_code, body.get("code")


def test_one_photo_takes_one_ticket_per_phone(client, open_hall):
    token = qr(client)
    first = take(client, token)
    assert first.status_code == 201
    cookie = first.headers["Set-Cookie"]
    assert cookie.startswith("antre_walkin=") and "HttpOnly" in cookie \
        and "SameSite=Strict" in cookie
    phone = cookie.split(";")[0].split("=", 1)[1]
    before = left(client)
    for _ in range(4):  # the same phone again, with its cookie
        assert status_code(take(client, token, cookie=phone)) == (409, "qr_used")
    answer = take(client, token, cookie=phone, phone="another-phone-id-123456")
    assert status_code(answer) == (409, "qr_used")  # the cookie names the phone
    assert json.loads(answer.body)["message"].startswith(
        "Ponsel ini sudah mengambil nomor antrean dengan kode QR ini")
    # the page keeps the id too: without the cookie it still names the same phone
    assert status_code(take(client, token, phone=phone)) == (409, "qr_used")
    assert left(client) == before  # refused: no number, no quota taken
    # the next QR on the screen: a new token, one more ticket for this phone
    assert take(client, qr(client), cookie=phone).status_code == 201


def test_a_token_takes_a_small_number_of_tickets_in_all(client, open_hall):
    limit = config.get().walkin_qr_tickets
    assert limit == 15
    token = qr(client)
    for n in range(limit):  # phones that send no id: each one more phone, within the total
        assert take(client, token).status_code == 201, n
    before = left(client)
    answer = take(client, token, phone="a-sixteenth-phone-000001")
    assert status_code(answer) == (409, "qr_used")
    assert "Tunggu kode QR baru" in json.loads(answer.body)["message"]
    assert left(client) == before


def test_phones_cannot_take_priority_tickets(client, open_hall):
    before = left(client)
    answer = take(client, qr(client), priority=True)
    assert status_code(answer) == (422, "validation_error")
    assert "prioritas" in json.loads(answer.body)["message"]
    assert left(client) == before
    ticket = json.loads(take(client, qr(client)).body)
    assert ticket["priority"] is False  # the kiosk and staff still give priority
    status, body = call(client, "POST", "/v1/kiosk/walkins",
                        {"service_id": "skck", "priority": True}, headers=KIOSK)
    assert (status, body["priority"]) == (201, True)


def test_junk_tokens_do_not_spend_the_address_throttle(client, open_hall):
    """Everyone behind the mall's Wi-Fi shares one address: junk must not lock them out."""
    throttle.set_limit("walkin_address", 2, 600)
    for junk in ("x", "a.b.c", qr(client)[:-3] + "abc"):
        for _ in range(5):
            assert status_code(take(client, junk)) == (403, "qr_expired")
    token = qr(client)
    assert [take(client, token).status_code for _ in range(3)] == [201, 201, 429]


def test_the_tv_has_its_own_key_that_only_mints_the_hall_qr(client, open_hall):
    status, body = call(client, "POST", "/v1/display/walkin-token", headers=KIOSK)
    assert (status, body["code"]) == (401, "unauthorized")  # a kiosk's key is not the TV's
    assert "kunci kiosk tidak dipakai di layar TV" in body["message"]
    tv_as_kiosk = {"X-Kiosk-Key": "display-demo-key"}
    for method, path, payload in (("GET", "/v1/kiosk/me", None),
                                  ("POST", "/v1/kiosk/checkins", {"code": "ABCD2345"}),
                                  ("POST", "/v1/kiosk/walkins", {"service_id": "skck"}),
                                  ("POST", "/v1/kiosk/walkin-token", None)):
        status, body = call(client, method, path, payload, headers=tv_as_kiosk)
        assert status == 401, (path, body)
    assert take(client, qr(client)).status_code == 201


def test_the_admin_makes_a_display_key_and_revoking_it_stops_its_qrs_at_once(client,
                                                                             open_hall):
    admin = admin_token(client)
    status, tv = call(client, "POST", f"{M}/kiosks", {"label": "TV lantai 2", "kind": "display"},
                      token=admin)
    assert (status, tv["kind"]) == (201, "display")
    listed = {k["kiosk_id"]: k["kind"] for k in call(client, "GET", f"{M}/kiosks",
                                                     token=admin)[1]}
    assert listed[tv["kiosk_id"]] == "display"
    shown = qr(client, {"X-Display-Key": tv["key"]})
    spare = qr(client, {"X-Display-Key": tv["key"]})
    assert take(client, shown).status_code == 201
    assert call(client, "POST", f"{M}/kiosks/{tv['kiosk_id']}/revoke", token=admin)[0] == 200
    assert status_code(take(client, spare)) == (403, "qr_expired")  # at once, not in minutes
    assert call(client, "POST", "/v1/display/walkin-token",
                headers={"X-Display-Key": tv["key"]})[0] == 401
    # a kiosk's own QR likewise
    status, kiosk = call(client, "POST", f"{M}/kiosks", {"label": "Kiosk lantai 2"}, token=admin)
    assert kiosk["kind"] == "kiosk"
    token = qr(client, {"X-Kiosk-Key": kiosk["key"]}, "/v1/kiosk/walkin-token")
    assert call(client, "POST", f"{M}/kiosks/{kiosk['kiosk_id']}/revoke", token=admin)[0] == 200
    assert status_code(take(client, token)) == (403, "qr_expired")
    log = call(client, "GET", f"{M}/audit", token=admin)[1]
    assert any(e["action"] == "kiosk.register" and e["after"]["kind"] == "display" for e in log)
