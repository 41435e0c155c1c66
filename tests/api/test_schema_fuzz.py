"""schemathesis against the app over real HTTP: every documented operation, every check.

The API is served by chalice's local server in this process (`live_server`) with the clock
fixed on a working Monday; schemathesis's CLI runs in a subprocess against it with real
credentials: a verified citizen's token for the citizen's routes, the demo mall's staff and
admin tokens for theirs, the demo kiosk's key for the kiosk's. All four phases run (examples,
coverage, fuzzing, stateful) with `--checks all`, bounded by `--max-time`: about a minute in
`make test` (the last phase, stateful, is reached when the machine is not too busy); `make
fuzz` sets ANTRE_FUZZ_EXAMPLES and ANTRE_FUZZ_SECONDS for a longer run that reaches them all.
The run is printed as one line, `[fuzz] ...`, after schemathesis's warnings and summary.

Path parameters name objects that exist (a booking and waitlist entry of the citizen, a
ticket, kiosk, staff account, closure and mail of the mall), so the checks reach past 404.
No check is switched off; `positive_data_acceptance` also accepts, for the operations in
`REFUSED_WHEN_VALID`, the status API.md gives a rule no JSON Schema can state (a past date,
a wrong code, a guessable password).

Out of scope, and why:
- TRACE and QUERY: the local dev server (Python's http.server under chalice local) refuses
  methods it does not know with its own 501 HTML page before the app sees them; API Gateway
  answers them itself when deployed. The coverage phase's unexpected-method probes are kept to
  the methods the app can answer (DELETE, PATCH, PUT, POST, GET, OPTIONS).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from chalicelib.store.models import OutboxMail
from tests.api.helpers import ADMIN, BOOK, KIOSK, STAFF, nik, verification_code
from tests.http_client import request

EXAMPLES = int(os.environ.get("ANTRE_FUZZ_EXAMPLES", "3"))  # per operation and phase
SECONDS = int(os.environ.get("ANTRE_FUZZ_SECONDS", "55"))  # schemathesis's whole run
SEED = int(os.environ.get("ANTRE_FUZZ_SEED", "20261207"))
PASSWORD = "kuda-lari-pagi-fuzz"
TOMORROW = "2026-12-08"

# Operations whose schema-valid input is refused for a reason no JSON Schema can state, with
# the statuses API.md gives them; schemathesis's `positive_data_acceptance` expects these too
# (its defaults: 2xx, 3xx, 401, 403, 404, 409, 429, 5xx).
REFUSED_WHEN_VALID = {
    # a password easy to guess (an estimate of its strength) is 422 `validation_error`
    "register": ("422",),
    # a wrong or expired code is 400 `invalid_code` (API.md); the new password as above
    "verify": ("400",), "password_reset_confirm": ("400", "422"), "phone_verify": ("400",),
    # claiming a NIK for an address that is no verified citizen's (or a NIK nobody holds)
    "claim_nik": ("422",),
    # a day closed, past, too far ahead, or a time that is no slot: 422 `slot_unavailable`
    "book": ("422",), "reschedule": ("422",), "assisted_booking": ("422",),
    "join_waitlist": ("422",),
    # a service that takes no walk-ins: 422 `walkin_unavailable`
    "walk_in": ("422",), "phone_walk_in": ("422",),
    # date ranges: `to` before `from`, too long, or (a closure) in the past
    "days": ("422",), "stats": ("422",), "close": ("422",), "close_cuti_bersama": ("422",),
    "admin_skm": ("422",), "mall_skm": ("422",), "close_preview": ("422",),
    # a reopening day outside the closure or past
    "reopen_closure": ("422",),
    # hours: opening before closing, breaks inside and in order
    "update_mall": ("422",), "put_special_hours": ("422",),
    # references inside the mall: an agency, the services of a counter
    "put_service": ("422",), "put_counter": ("422",), "put_agency": ("422",),
}


def _call(url: str, method: str, path: str, body=None, token=None, headers=None):
    status, answer = request(url, method, path, body, token=token, headers=headers)
    assert status < 300, (method, path, status, answer)
    return answer


def _citizen(url: str, email: str) -> str:
    _call(url, "POST", "/v1/accounts", {"email": email, "password": PASSWORD,
                                        "name": "Warga Fuzz", "phone": "0812-3456-7890",
                                        "nik": nik()})
    _call(url, "POST", "/v1/accounts/verify", {"email": email, "code": verification_code(email)})
    return _login(url, email, PASSWORD)


def _login(url: str, email: str, password: str) -> str:
    return _call(url, "POST", "/v1/sessions", {"email": email, "password": password})["token"]


def _toml(value) -> str:
    return json.dumps(value)  # a TOML basic string is a JSON string


def _config(url: str, tmp: Path) -> Path:
    """Credentials for each audience, and objects that exist for the path parameters."""
    citizen = _citizen(url, "warga.fuzz@example.id")
    throwaway = _citizen(url, "warga.keluar@example.id")
    staff, admin = _login(url, *STAFF), _login(url, *ADMIN)
    mall = "/v1/admin/malls/kota-bogor"
    booking = _call(url, "POST", "/v1/bookings", {**BOOK, "date": TOMORROW}, token=citizen)
    ticket = _call(url, "POST", "/v1/kiosk/walkins", {"service_id": "ktp-el"}, headers=KIOSK)
    kiosk = _call(url, "POST", f"{mall}/kiosks", {"label": "Kiosk fuzz"}, token=admin)
    person = _call(url, "POST", f"{mall}/staff", {"email": "loket.fuzz@bogor.id",
                                                  "name": "Petugas Fuzz"}, token=admin)
    closure = _call(url, "POST", f"{mall}/closures", {"from": "2026-12-28", "to": "2026-12-28",
                                                      "reason": "Uji", "service_id": "pbg"},
                    token=admin)
    _call(url, "PUT", f"{mall}/services/tanpa-kursi", {  # every day full: a waitlist entry
        "agency_id": "disdukcapil", "name": "Tanpa kursi", "slot_minutes": 60, "capacity": 0},
        token=admin)
    waiting = _call(url, "POST", "/v1/waitlist", {"mall_id": "kota-bogor",
                                                  "service_id": "tanpa-kursi",
                                                  "date": TOMORROW}, token=citizen)
    mail = next(iter(OutboxMail.scan(OutboxMail.mall_id == "kota-bogor", limit=50)))
    parameters = {"booking_id": booking["booking_id"], "ticket_id": ticket["ticket_id"],
                  "kiosk_id": kiosk["kiosk_id"], "account_id": person["account_id"],
                  "closure_id": closure["closure_id"], "waitlist_id": waiting["waitlist_id"],
                  "mail_id": mail.mail_id, "counter_id": "loket-1"}
    lines = [
        f"seed = {SEED}",
        f"max-time = {SECONDS}",
        # one worker: with two, hypothesis's threads parse source concurrently and CPython
        # 3.11's ast.parse is not thread-safe ("SystemError: AST constructor recursion depth
        # mismatch", CPython gh-106905); the emulator serves one request at a time anyway
        "workers = 1",
        "[generation]",
        f"max-examples = {EXAMPLES}",
        "[phases.coverage]",
        'unexpected-methods = ["DELETE", "PATCH", "PUT", "POST", "GET", "OPTIONS"]',
        "[parameters]",
        *(f'"path.{name}" = {_toml(value)}' for name, value in parameters.items()),
        "[auth.openapi.bearer]",
        f"bearer = {_toml(citizen)}",
        "[auth.openapi.kiosk]",
        f"api_key = {_toml(KIOSK['X-Kiosk-Key'])}",
    ]
    for tag, token in (("staff", staff), ("admin", admin)):
        lines += ["[[operations]]", f'include-tag = "{tag}"',
                  f"headers = {{ Authorization = {_toml('Bearer ' + token)} }}"]
    # logging out everywhere ends the token's sessions: a second citizen's, not the one above
    lines += ["[[operations]]", 'include-operation-id = "logout_everywhere"',
              f"headers = {{ Authorization = {_toml('Bearer ' + throwaway)} }}"]
    for operation, statuses in REFUSED_WHEN_VALID.items():
        expected = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx", *statuses]
        lines += ["[[operations]]", f'include-operation-id = "{operation}"',
                  "[operations.checks.positive_data_acceptance]",
                  f"expected-statuses = {json.dumps(expected)}"]
    path = tmp / "schemathesis.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _figure(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    return found.group(1) if found else "?"


def test_schemathesis_finds_nothing(live_server, fixed_clock, tmp_path):
    fixed_clock.advance(timedelta(hours=2))  # 09:00 WIB: the mall is open, walk-ins too
    config = _config(live_server.url, tmp_path)
    started = time.monotonic()
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run",
         f"{live_server.url}/v1/openapi.json", "--checks", "all"],
        cwd=tmp_path, capture_output=True, text=True, timeout=SECONDS + 240,
        env={**os.environ, "NO_COLOR": "1"})
    seconds = time.monotonic() - started
    out = run.stdout
    report = next((out[out.find(m):] for m in ("=== WARNINGS", "=== SUMMARY") if m in out),
                  out[-3000:])
    print(report)
    failures = _figure(r"found ([0-9]+) unique failure", out).replace("?", "0")
    errors = sum(int(n) for n in re.findall(r"🚫 [^\n:]+: ([0-9]+)", out))
    print(f"\n[fuzz] schemathesis {_figure(r'Tested: ([0-9]+)', out)} operations, "
          f"{_figure(r'([0-9]+) generated', out)} cases, all checks: {failures} failures, "
          f"{errors} errors in {seconds:.0f} s (seed {SEED})")
    assert run.returncode == 0, out[-30000:] + run.stderr[-5000:]
