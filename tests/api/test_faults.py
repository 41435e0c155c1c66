"""Faults the local emulator never produces, injected into the AWS calls the app makes.

DynamoDB throttling (`ProvisionedThroughputExceededException`) and transaction conflicts
(`TransactionCanceledException` with a `TransactionConflict` reason; for a single-item
write, `TransactionConflictException`) answer a share of the calls in place of the emulator, as DynamoDB does when it refuses a call: nothing of it is
written. The app must retry (botocore's standard mode with backoff and jitter; its own
retries for a lost transaction) and, when retries run out, answer 503 `busy` with
`Retry-After`, never 500 and never half a change. SES and SNS "down" answer 503 to every
send until they return; the outbox must then deliver every message once.

The seeded generator makes each run inject the same faults into the same calls. botocore's
throttling backoff is scaled down (1 s base to 10 ms) so the suite stays quick; the retry
logic itself is botocore's own.
"""
from __future__ import annotations

import json
import random
import re
from collections import Counter
from datetime import timedelta

import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse
from botocore.retries.standard import ExponentialBackoff

from chalicelib.mail import sender
from chalicelib.store import outbox
from chalicelib.store.db import overload_error
from chalicelib.store.models import Item
from tests import invariants
from tests.api.helpers import KIOSK, login, register, staff_token
from tests.conftest import emulator_mail, emulator_sms, send_new_mail_now

DAY = "2026-12-08"  # Tuesday; the fixed clock stands on Monday 07:00 WIB


class _Body:
    def __init__(self, data: bytes):
        self._data = data

    def stream(self, **_):
        yield self._data


def _header(request, name: str) -> str:
    value = request.headers.get(name) or b""
    return value.decode() if isinstance(value, bytes) else value


def _bytes(body) -> bytes:
    body = body or b""
    return body if isinstance(body, bytes) else body.encode()


class Faults:
    """Stands between botocore and the emulator (Endpoint._send)."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.dynamodb_rate = 0.0
        self.mail_down = False
        self.script: list[tuple[str, bytes, str]] = []  # (operation, body part, error): once each
        self.seen: Counter = Counter()  # DynamoDB calls that reached the hook
        self.injected: Counter = Counter()  # faults answered, by kind

    def send(self, real, endpoint, request):
        target = _header(request, "X-Amz-Target")
        if target.startswith("DynamoDB_"):
            operation = target.split(".", 1)[1]
            self.seen[operation] += 1
            for planned in self.script:
                if planned[0] == operation and planned[1] in _bytes(request.body):
                    self.script.remove(planned)
                    return self._dynamodb_error(request, planned[2], "Injected by script")
            if self.dynamodb_rate and self.rng.random() < self.dynamodb_rate:
                if operation == "TransactWriteItems" and self.rng.random() < 0.5:
                    return self._conflict(request)
                if operation in ("PutItem", "UpdateItem", "DeleteItem") \
                        and self.rng.random() < 0.25:
                    return self._dynamodb_error(request, "TransactionConflictException",
                                                "Transaction is ongoing for the item")
                return self._dynamodb_error(request, "ProvisionedThroughputExceededException",
                                            "The level of configured provisioned throughput "
                                            "for the table was exceeded.")
        elif self.mail_down:
            body = _bytes(request.body)
            if b"Action=SendRawEmail" in body or b"Action=Publish" in body:
                self.injected["ses_sns_down"] += 1
                return AWSResponse(request.url, 503, {"Content-Type": "text/xml"}, _Body(
                    b'<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable'
                    b'</Code><Message>Service unavailable</Message></Error>'
                    b'<RequestId>x</RequestId></ErrorResponse>'))
        return real(endpoint, request)

    def _dynamodb_error(self, request, code: str, message: str, **extra):
        self.injected[code] += 1
        body = {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": message,
                **extra}
        return AWSResponse(request.url, 400, {"Content-Type": "application/x-amz-json-1.0",
                                              "x-amzn-RequestId": "injected"},
                           _Body(json.dumps(body).encode()))

    def _conflict(self, request):
        items = json.loads(request.body)["TransactItems"]
        reasons = [{"Code": "None"} for _ in items]
        reasons[self.rng.randrange(len(items))] = {
            "Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
        return self._dynamodb_error(
            request, "TransactionCanceledException",
            "Transaction cancelled, please refer cancellation reasons for specific reasons "
            f"[{', '.join(r['Code'] for r in reasons)}]", CancellationReasons=reasons)


@pytest.fixture
def faults(monkeypatch):
    injector = Faults(seed=20261127)
    real = botocore.endpoint.Endpoint._send
    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send",
                        lambda endpoint, request: injector.send(real, endpoint, request))
    monkeypatch.setattr(ExponentialBackoff, "_DEFAULT_BACKOFF_CONFIG",
                        {"throttling_base_scale": 0.01, "non_throttling_base_scale": 0.0005})
    yield injector


class Api:
    """The HTTP API as a careful client uses it: on 503 it waits as told and tries again
    (same Idempotency-Key). Every answer is checked for its shape on the way."""

    def __init__(self, client):
        self.client = client
        self.first: Counter = Counter()  # status of the first try
        self.final: Counter = Counter()  # status after the client's retries

    def once(self, method, path, body=None, token=None, headers=None):
        h = {"Content-Type": "application/json", **(headers or {})}
        if token:
            h["Authorization"] = f"Bearer {token}"
        answer = self.client.http.request(method, path, headers=h,
                                          body=json.dumps(body) if body is not None else None)
        payload = json.loads(answer.body) if answer.body else None
        assert answer.status_code != 500, (method, path, payload)
        if answer.status_code == 503:
            assert payload["code"] == "busy" and payload["message"], payload
            assert int(answer.headers["Retry-After"]) >= 1
        elif answer.status_code >= 400:
            assert set(payload) == {"code", "message"}, payload
        return answer.status_code, payload

    def __call__(self, method, path, body=None, token=None, headers=None, tries=8):
        for attempt in range(tries):
            status, payload = self.once(method, path, body, token, headers)
            if attempt == 0:
                self.first[status] += 1
            if status != 503:
                break
        self.final[status] += 1
        return status, payload


def _citizens(client, count: int, sms: bool = False) -> list[tuple[str, str]]:
    people = []
    for n in range(count):
        email, password = register(client)
        token = login(client, email, password)
        if sms:  # SMS go only to a proven phone: each citizen proves their own number
            headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
            number = f"+62813555{n:05d}"
            answer = client.http.post("/v1/me/phone/code", headers=headers,
                                      body=json.dumps({"phone": number}))
            assert answer.status_code == 200, answer.body
            code = re.search(r"\b(\d{6})\b", emulator_sms(number)[-1]["text"]).group(1)
            answer = client.http.post("/v1/me/phone/verify", headers=headers,
                                      body=json.dumps({"code": code}))
            assert answer.status_code == 200 and json.loads(answer.body)["sms_opt_in"]
        people.append((email, token))
    return people


def _book_somewhere(api, token: str, key: str, service="ktp-el"):
    """Book the first slot with a seat left, as the page does; None when the day is full."""
    for _ in range(6):
        status, slots = api("GET", f"/v1/malls/kota-bogor/services/{service}/slots?date={DAY}")
        assert status == 200, slots
        free = [s for s in slots if s["remaining"] > 0]
        if not free:
            return None
        status, body = api("POST", "/v1/bookings", {"mall_id": "kota-bogor",
                                                   "service_id": service, "date": DAY,
                                                   "start": free[0]["start"]},
                           token=token, headers={"Idempotency-Key": f"{key}-{free[0]['start']}"})
        if status == 201:
            return body
        assert status in (409, 503), body
    return None


def _confirmations(email: str, code: str) -> int:
    return sum(1 for m in emulator_mail(email)
               if m["subject"].startswith("Booking Antre terkonfirmasi") and code in m["subject"])


def test_dynamodb_faults_on_a_fifth_of_calls_lose_nothing_and_overbook_nothing(
        client, fixed_clock, faults, capsys):
    people = _citizens(client, 14)
    api = Api(client)
    faults.dynamodb_rate = 0.2

    # book: 14 citizens for ktp-el's 4 seats per slot; cancel and reschedule some
    booked: dict[str, dict] = {}
    for n, (email, token) in enumerate(people):
        b = _book_somewhere(api, token, f"k{n}")
        if b is not None:
            booked[email] = b
    made = {b["booking_id"] for b in booked.values()}
    assert len(made) >= 12
    for n, (email, token) in enumerate(people):
        b = booked.get(email)
        if b is None:
            continue
        if n % 4 == 0:
            status, body = api("POST", f"/v1/bookings/{b['booking_id']}/cancel", token=token)
            assert status == 200, body
            booked.pop(email)
        elif n % 4 == 1:
            status, body = api("POST", f"/v1/bookings/{b['booking_id']}/reschedule",
                               {"date": DAY, "start": "14:00"}, token=token)
            assert status in (200, 409), body
            if status == 200:
                booked[email] = body
    invariants.check()

    # the day itself: check-ins (some scanned twice), walk-ins, counters calling
    tickets = {}
    for n, (email, b) in enumerate(sorted(booked.items(), key=lambda e: e[1]["start"])):
        hour, minute = map(int, b["start"].split(":"))  # each comes half an hour early
        fixed_clock.at = fixed_clock.now().replace(day=8, hour=hour - 7, minute=minute) \
            - timedelta(minutes=30)
        for _ in range(2 if n % 3 == 0 else 1):
            status, ticket = api("POST", "/v1/kiosk/checkins", {"code": b["code"]},
                                 headers=KIOSK)
            assert status in (200, 201), ticket
            assert tickets.setdefault(email, ticket["ticket_id"]) == ticket["ticket_id"]
    for n in range(8):
        status, ticket = api("POST", "/v1/kiosk/walkins",
                             {"service_id": "ktp-el", "priority": n == 5}, headers=KIOSK)
        assert status == 201, ticket
    status, session = api("POST", "/v1/sessions", {"email": "staff@antre.local",
                                                   "password": "staff-demo-123"})
    assert status == 200, session  # yesterday's token has expired
    staff = session["token"]
    called = []
    for _ in range(40):
        for counter in ("loket-1", "loket-2"):
            status, body = api("POST", f"/v1/staff/counters/{counter}/call-next", token=staff)
            assert status in (200, 409), body
            if status == 200 and body["ticket"]:
                t = body["ticket"]["ticket_id"]
                called.append(t)
                for action in ("start", "finish"):
                    status, body = api("POST", f"/v1/staff/tickets/{t}/{action}", token=staff)
                    assert status == 200, body
        status, display = api("GET", "/v1/malls/kota-bogor/display")
        assert status == 200
    assert len(called) == len(set(called)) == len(tickets) + 8  # each ticket called once

    # the outbox retry under faults too, then without
    for _ in range(3):
        fixed_clock.advance(timedelta(minutes=10))
        try:
            sender.deliver_due(fixed_clock.now())
        except Exception as e:  # a scheduled run may fail as a whole: the next one resumes
            assert overload_error(e) is not None, e
    faults.dynamodb_rate = 0.0
    fixed_clock.advance(timedelta(hours=1))
    sender.deliver_due(fixed_clock.now())

    seen = invariants.check()
    assert seen["bookings"] == len(made)  # every 201 is a booking, and nothing else is
    for email, b in booked.items():
        assert _confirmations(email, b["code"]) == 1, (email, b["code"])
    injected = sum(faults.injected.values())
    with capsys.disabled():
        print(f"\n[faults] {sum(faults.seen.values())} DynamoDB calls, {injected} faults "
              f"injected {dict(faults.injected)}; first answers {dict(api.first)}, after the "
              f"client's retries {dict(api.final)}; {seen}")
    assert faults.injected["ProvisionedThroughputExceededException"] > 20
    assert faults.injected["TransactionCanceledException"] > 5
    assert 503 not in api.final


def test_dynamodb_refusing_everything_answers_busy_and_changes_nothing(client, fixed_clock,
                                                                       faults):
    (email, token), = _citizens(client, 1)
    staff = staff_token(client)
    api = Api(client)
    before = sorted((i.pk, i.sk) for i in Item.scan(consistent_read=True))
    faults.dynamodb_rate = 1.0
    calls = [("POST", "/v1/bookings", {"mall_id": "kota-bogor", "service_id": "ktp-el",
                                       "date": DAY, "start": "09:00"}, token, None),
             ("GET", "/v1/bookings", None, token, None),
             ("POST", "/v1/kiosk/walkins", {"service_id": "ktp-el"}, None, KIOSK),
             ("POST", "/v1/kiosk/checkins", {"code": "ABCDEFGH"}, None, KIOSK),
             ("POST", "/v1/staff/counters/loket-1/call-next", None, staff, None),
             ("GET", "/v1/malls/kota-bogor/display", None, None, None),
             ("POST", "/v1/sessions", {"email": email, "password": "kuda-lari-123"}, None, None),
             ("GET", f"/v1/malls/kota-bogor/services/ktp-el/slots?date={DAY}", None, None, None)]
    fixed_clock.at = fixed_clock.now().replace(hour=2)  # 09:00 WIB, the mall is open
    for method, path, body, who, headers in calls:
        status, payload = api.once(method, path, body, who, headers)
        assert status == 503, (path, status, payload)
    faults.dynamodb_rate = 0.0
    assert sorted((i.pk, i.sk) for i in Item.scan(consistent_read=True)) == before


def test_mail_and_sms_down_for_a_while_then_each_message_arrives_once(client, fixed_clock,
                                                                      faults):
    people = _citizens(client, 6, sms=True)
    api = Api(client)
    faults.mail_down = True
    booked = {}
    for n, (email, token) in enumerate(people):
        b = _book_somewhere(api, token, f"m{n}", service="nib")
        assert b is not None  # a booking never waits for mail
        booked[email] = b
    for _ in range(3):  # the scheduled retry runs while SES and SNS are still down
        fixed_clock.advance(timedelta(minutes=15))
        sender.deliver_due(fixed_clock.now())
    assert not [b for email, b in booked.items() if _confirmations(email, b["code"])]
    faults.mail_down = False
    for _ in range(4):  # they are back: the retry delivers, and delivers nothing twice
        fixed_clock.advance(timedelta(hours=1))
        sender.deliver_due(fixed_clock.now())
    for email, b in booked.items():
        assert _confirmations(email, b["code"]) == 1
    phones = Counter(s["text"] for s in emulator_sms())
    for b in booked.values():
        assert sum(n for text, n in phones.items() if b["code"] in text) == 1
    assert faults.injected["ses_sns_down"] >= 2 * len(people)
    invariants.check()


@pytest.mark.parametrize("insisting", [True, False], ids=["insisting", "canary"])
def test_a_send_recorded_only_at_the_second_try_goes_out_once(client, fixed_clock, faults,
                                                              monkeypatch, insisting):
    """SES takes no idempotency key: once it accepted a mail, recording that must not fail
    on a conflict, or the retry sends it again. The canary records with one try only and
    must see the mail twice."""
    if not insisting:
        monkeypatch.setattr(outbox, "insist", lambda write, attempts=6: write())
    (email, token), = _citizens(client, 1)
    faults.script = [("UpdateItem", b'"sent"', "TransactionConflictException")]
    b = _book_somewhere(Api(client), token, "once")
    send_new_mail_now()  # the stream's sender: SES accepts, the first record of it fails
    fixed_clock.advance(timedelta(minutes=30))  # past the lease and the retry's backoff
    sender.deliver_due(fixed_clock.now())
    assert not faults.script  # the fault was injected
    assert _confirmations(email, b["code"]) == (1 if insisting else 2)
