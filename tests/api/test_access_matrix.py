"""Every documented route against every kind of caller: nobody gets what is not theirs.

The routes come from the OpenAPI registry (`docs.REGISTRY`), so a new route is in the matrix
the day it is declared. Each is called by nine principals: anonymous, citizens A and B, the
staff and the admin of mall X (the demo mall) and of mall Y (made through the admin API by
the city's super admin), and a kiosk of each mall. Path parameters name objects of A or of
mall X: A's booking and waitlist entry, a ticket, counter, kiosk, staff account, closure and
mail of X. What each principal must get (API.md):

- a public route (no security): the same answer whoever calls, credentials or not;
- a route of an audience the caller is not in: 401 without the credentials it takes (a
  kiosk's key is not a bearer token, and a token is no kiosk key), 403 for a bearer of the
  wrong role (or 404: the object is then not theirs either);
- another person's or another mall's object: 404, never 403, never a success;
- the principals it is for: an answer that is neither 401, 403 nor 404 (their object exists
  and they may act on it; a 409 or 422 of the object's state is fine).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

import pytest

from chalicelib import clock
from chalicelib.api.docs import REGISTRY, Op
from chalicelib.services import admin as admin_service
from chalicelib.store.models import OutboxMail
from tests.api.helpers import BOOK, KIOSK, call, citizen, login, nik

X, Y = "kota-bogor", "kota-depok"
TODAY, TOMORROW = "2026-12-07", "2026-12-08"
ALLOWED, UNAUTHENTICATED, FORBIDDEN, HIDDEN, SAME = "allowed", 401, 403, 404, "same"
PRINCIPALS = ("anonymous", "citizen_a", "citizen_b", "staff_x", "admin_x", "staff_y",
              "admin_y", "kiosk_x", "kiosk_y")
BEARERS = {"citizen_a", "citizen_b", "staff_x", "admin_x", "staff_y", "admin_y"}


@dataclass
class World:
    headers: dict[str, dict]  # principal: its credentials
    path: dict[str, str]  # path parameter: an object of A or of mall X
    bodies: dict[str, dict]  # operation id: a valid body
    # operation id: path parameters naming another object (a booking staff made at X)
    path_of: dict[str, dict[str, str]] = None


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def _ok(answer, *statuses):
    status, body = answer
    assert status in (statuses or (200, 201, 202)), body
    return body


@pytest.fixture
def world(client, fixed_clock) -> World:
    fixed_clock.advance(timedelta(hours=2))  # Monday 09:00 WIB: open, walk-ins taken
    now = clock.now()
    admin_x = login(client, "admin@antre.local", "admin-demo-123")
    staff_x = login(client, "staff@antre.local", "staff-demo-123")
    admin_service.create_super_admin("kota@antre.local", "Admin Kota", "super-demo-123", now)
    city = login(client, "kota@antre.local", "super-demo-123")
    _ok(call(client, "POST", "/v1/admin/malls", {
        "mall_id": Y, "name": "MPP Kota Depok", "city": "Depok", "timezone": "Asia/Jakarta",
        "weekly_hours": {str(d): {"open": "08:00", "close": "15:00"} for d in range(5)}},
        token=city))
    people = {}
    for role, who, token in (("admin", "admin_y", city), ("staff", "staff_y", None)):
        made = _ok(call(client, "POST", f"/v1/admin/malls/{Y}/staff",
                        {"email": f"{who}@depok.id", "name": who, "role": role},
                        token=token or people["admin_y"]))
        people[who] = login(client, f"{who}@depok.id", made["temporary_password"])
    kiosk_y = _ok(call(client, "POST", f"/v1/admin/malls/{Y}/kiosks", {"label": "Depok"},
                       token=people["admin_y"]))["key"]
    _, token_a = citizen(client)
    _, token_b = citizen(client)

    # A's objects: a booking today (checked in by the matrix's kiosk), one tomorrow, and a
    # waitlist entry of a service without seats
    today = _ok(call(client, "POST", "/v1/bookings", {**BOOK, "date": TODAY, "start": "10:30"},
                     token=token_a))
    booking = _ok(call(client, "POST", "/v1/bookings", {**BOOK, "service_id": "kartu-keluarga",
                                                         "date": TOMORROW}, token=token_a))
    of_b = _ok(call(client, "POST", "/v1/bookings", {**BOOK, "service_id": "akta-kelahiran",
                                                      "date": TOMORROW}, token=token_b))
    _ok(call(client, "PUT", f"/v1/admin/malls/{X}/services/matriks", {
        "agency_id": "disdukcapil", "name": "Tanpa kursi", "slot_minutes": 60, "capacity": 0},
        token=admin_x))
    waiting = _ok(call(client, "POST", "/v1/waitlist", {"mall_id": X, "service_id": "matriks",
                                                        "date": TOMORROW}, token=token_a))
    # mall X's objects
    assisted = _ok(call(client, "POST", "/v1/staff/bookings", {
        "service_id": "skck", "date": TOMORROW, "start": "09:00", "name": "Ibu Matriks",
        "nik": nik(8950)}, token=staff_x))
    ticket = _ok(call(client, "POST", "/v1/kiosk/walkins", {"service_id": "ktp-el"},
                      headers=KIOSK))
    kiosk = _ok(call(client, "POST", f"/v1/admin/malls/{X}/kiosks", {"label": "Kedua"},
                     token=admin_x))
    person = _ok(call(client, "POST", f"/v1/admin/malls/{X}/staff",
                      {"email": "loket.matriks@bogor.id", "name": "Petugas"}, token=admin_x))
    closure = _ok(call(client, "POST", f"/v1/admin/malls/{X}/closures", {
        "from": "2026-12-28", "to": "2026-12-28", "reason": "Uji", "service_id": "pbg"},
        token=admin_x))
    mail = next(iter(OutboxMail.scan(OutboxMail.mall_id == X, limit=50)))
    walkin = _ok(call(client, "POST", "/v1/kiosk/walkin-token", headers=KIOSK))
    service = {"agency_id": "disdukcapil", "name": "Perekaman & cetak KTP-el",
               "name_en": "e-KTP recording and printing", "slot_minutes": 30, "capacity": 4,
               "walkin_quota": 40}
    return World(
        headers={"anonymous": {}, "citizen_a": _bearer(token_a), "citizen_b": _bearer(token_b),
                 "staff_x": _bearer(staff_x), "admin_x": _bearer(admin_x),
                 "staff_y": _bearer(people["staff_y"]), "admin_y": _bearer(people["admin_y"]),
                 "kiosk_x": KIOSK, "kiosk_y": {"X-Kiosk-Key": kiosk_y}},
        path={"mall_id": X, "service_id": "ktp-el", "agency_id": "disdukcapil",
              "counter_id": "loket-1", "booking_id": booking["booking_id"],
              "waitlist_id": waiting["waitlist_id"], "ticket_id": ticket["ticket_id"],
              "kiosk_id": kiosk["kiosk_id"], "account_id": person["account_id"],
              "closure_id": closure["closure_id"], "mail_id": mail.mail_id, "date": "2026-12-29",
              "code": of_b["code"]},
        path_of={op: {"booking_id": assisted["booking_id"]}
                 for op in ("assisted_cancel", "assisted_reschedule")},
        bodies={
            "assisted_reschedule": {"date": TOMORROW, "start": "10:00"},
            "admin_reschedule_booking": {"date": TOMORROW, "start": "10:30"},
            "register": {"password": "rahasia-matriks-77", "name": "Warga", "phone": "0812 1111 2222"},
            "verify": {"email": "nobody@example.id", "code": "123456"},
            "resend_code": {"email": "nobody@example.id"},
            "password_reset": {"email": "nobody@example.id"},
            "password_reset_confirm": {"email": "nobody@example.id", "code": "123456",
                                       "password": "rahasia-matriks-77"},
            "login": {"email": "nobody@example.id", "password": "salah-sandi-123"},
            "update_me": {"sms_opt_in": False},
            "book": {**BOOK, "date": TOMORROW, "start": "11:00"},
            "reschedule": {"date": TOMORROW, "start": "13:00"},
            "join_waitlist": {"mall_id": X, "service_id": "matriks", "date": TOMORROW},
            "check_in": {"code": today["code"]},
            "walk_in": {"service_id": "ktp-el"},
            # mall X's ticket: another mall's kiosk hears 404; it is no no-show (409) at X
            "kiosk_requeue": {"ticket": ticket["ticket_id"]},
            "phone_walk_in": {"token": walkin["token"], "service_id": "ktp-el"},
            # the ticket still waits: everyone hears 409 survey_not_open alike
            "answer_survey": {"scores": [4] * 9},
            "transfer": {"service_id": "kartu-keluarga"},
            "counter_break": {"on": False},
            "assisted_booking": {"service_id": "ktp-el", "date": TOMORROW, "start": "14:00",
                                 "name": "Ibu Siti"},
            "create_mall": {"mall_id": "kota-bekasi", "name": "MPP Bekasi", "city": "Bekasi",
                            "timezone": "Asia/Jakarta"},
            "update_mall": {"closed_on_holidays": True},
            "put_agency": {"name": "Disdukcapil Kota Bogor", "letter": "A"},
            "put_service": service,
            "put_counter": {"name": "Loket 1", "service_ids": ["ktp-el", "kartu-keluarga",
                                                              "akta-kelahiran"]},
            "put_special_hours": {"open": "08:00", "close": "12:00"},
            "create_staff": {"name": "Petugas Baru"},
            "register_kiosk": {"label": "Kiosk matriks"},
            "close": {"from": "2026-12-30", "to": "2026-12-30", "reason": "Uji",
                      "service_id": "pbg"},
            "close_preview": {"from": "2026-12-30", "to": "2026-12-30", "reason": "Uji"},
            "close_cuti_bersama": {"year": 2027},
            "claim_nik": {"email": "nobody@example.id", "nik": nik(8999)},
        })


# --- who may call what --------------------------------------------------------------------------

OWN_OBJECTS = {"booking_id", "waitlist_id"}  # a citizen's own


def expected(method: str, path: str, op: Op, principal: str) -> str | int:
    """What `principal` must get from the route, by its audience (tag, security) and the
    objects its path names."""
    names = set(re.findall(r"{(\w+)}", path))
    if op.auth is None:
        return SAME
    if op.auth == "display":
        return UNAUTHENTICATED  # a hall TV's key, which none of them holds (a kiosk's neither)
    if op.auth == "kiosk":
        if principal == "kiosk_x":
            return ALLOWED
        # kiosk Y: the check-in names A's booking at X, the walk-in a service of X
        return HIDDEN if principal == "kiosk_y" and op.body else \
            ALLOWED if principal == "kiosk_y" else UNAUTHENTICATED
    if principal not in BEARERS:
        return UNAUTHENTICATED
    if op.operation_id == "delete_me":  # erasure is a citizen's; the mall ends staff accounts
        return ALLOWED if principal.startswith("citizen") else FORBIDDEN
    if op.tag in ("bookings", "accounts"):
        if op.tag == "accounts" or principal == "citizen_a":
            return ALLOWED  # the account's own settings and sessions: any account
        if principal == "citizen_b":
            return HIDDEN if names & OWN_OBJECTS else ALLOWED
        if method == "GET" and not names:
            return ALLOWED  # the caller's own list: for staff and admins it is empty
        return FORBIDDEN  # staff and admins book nothing for themselves (403, or 404)
    if op.operation_id == "claim_nik":  # any mall's desk, staff with the right: admins here
        return ALLOWED if principal.startswith("admin") else FORBIDDEN
    if op.tag == "staff":
        if principal in ("staff_x", "admin_x"):
            return ALLOWED
        if principal in ("staff_y", "admin_y"):
            # X's counter or ticket, or a booking of X's service: not theirs
            return HIDDEN if names or op.body else ALLOWED
        return FORBIDDEN
    if op.tag == "admin":
        if path == "/v1/admin/malls":
            if method == "POST":  # the city's super admin only
                return FORBIDDEN
            return ALLOWED if principal.startswith("admin") else FORBIDDEN
        if principal == "admin_x":
            return ALLOWED
        if principal == "admin_y":
            return HIDDEN
        return FORBIDDEN
    raise AssertionError(f"{method} {path}: no rule for the tag {op.tag!r}")


def _order(item):
    """What destroys a shared object (a counter, a kiosk, a staff account, the sessions)
    runs after everything that reads it."""
    (method, path), op = item
    last = path.endswith(("/revoke", "/disable", "logout-everywhere")) or method == "DELETE"
    return (last, "logout-everywhere" in path, path, method)


_seq = iter(range(10**6))


def _body(op: Op, world: World) -> dict | None:
    if op.body is None:
        return None
    body = dict(world.bodies.get(op.operation_id, {}))
    n = next(_seq)
    if op.operation_id == "register":
        body.update(email=f"matriks{n}@example.id", nik=nik(9000 + n % 900))
    if op.operation_id in ("create_staff",):
        body.update(email=f"petugas{n}@bogor.id")
    if op.operation_id == "assisted_booking":
        body.update(nik=nik(8000 + n % 900))
    return body


def _fill(path: str, world: World, op: Op | None = None) -> str:
    names = {**world.path, **((world.path_of or {}).get(op.operation_id, {}) if op else {})}
    return re.sub(r"{(\w+)}", lambda m: names[m.group(1)], path)


def test_every_route_answers_only_the_principals_it_is_for(client, world):
    routes = sorted(REGISTRY.items(), key=_order)
    wrong, unexpected_successes, cells, allowed = [], 0, 0, []
    for (method, path), op in routes:
        url = _fill(path, world, op)
        if op.operation_id in ("days", "stats", "admin_skm", "mall_skm"):
            url += f"?from={TOMORROW}&to={TOMORROW}"
        elif op.operation_id == "slots":
            url += f"?date={TOMORROW}"
        outcomes = {}
        # the principals the route is for go last, so that what they change (a check-in, a
        # cancellation) cannot turn another principal's refusal into a different one
        order = sorted(PRINCIPALS, key=lambda p: expected(method, path, op, p) == ALLOWED)
        for principal in order:
            status, answer = call(client, method, url, _body(op, world),
                                  headers=world.headers[principal])
            outcomes[principal] = status
            cells += 1
            want = expected(method, path, op, principal)
            if want == SAME:
                continue
            if want == ALLOWED:
                allowed.append(status)
            if want != ALLOWED and 200 <= status < 300:
                unexpected_successes += 1
            ok = (status not in (401, 403, 404) and status < 500 if want == ALLOWED
                  else status in (403, 404) if want == FORBIDDEN else status == want)
            if not ok:
                code = answer.get("code") if isinstance(answer, dict) else answer
                wrong.append(f"{method} {path} as {principal}: {status} {code}, "
                             f"expected {want}")
        if expected(method, path, op, "anonymous") == SAME:
            # credentials change nothing on a public route (a check may differ only by the
            # state an earlier call left, e.g. an email taken: so compare the status class)
            classes = {p: s // 100 for p, s in outcomes.items()}
            if len(set(classes.values())) != 1 or 401 in outcomes.values() \
                    and op.operation_id != "login":
                wrong.append(f"{method} {path}: answers differ by principal: {outcomes}")
    served = sum(200 <= s < 300 for s in allowed)
    print(f"\n[access] {len(routes)} routes x {len(PRINCIPALS)} principals = {cells} calls: "
          f"{unexpected_successes} unexpected successes, {len(wrong)} wrong answers; "
          f"{served} of {len(allowed)} calls by a principal the route is for succeeded (the "
          f"rest: 409/422 of the object's state)")
    assert not wrong, "\n".join(wrong)
    assert unexpected_successes == 0
