"""How often each kind of attempt may be made, per subject (an account, a client address,
a kiosk), and the one call that enforces it: `take(name, subject, now)` raises 429 with
Retry-After once the window's attempts are used. Limits are per window, so nobody (a
stranger included) can lock an account out for longer than one window; the per-address
limits slow down one source trying many accounts."""
from __future__ import annotations

import hashlib
from datetime import datetime

from chalicelib import config
from chalicelib.errors import TooManyAttempts
from chalicelib.store import throttle as store

# name: (attempts, window in seconds). ANTRE_LIMIT_<NAME>="attempts/seconds" overrides.
DEFAULTS = {
    "login_account": (10, 900),  # password checks per account per 15 min
    "login_address": (60, 900),  # ...per client address
    "register_address": (20, 3600),  # new accounts per address per hour
    "code_address": (30, 900),  # verification and reset codes tried per address
    "reset_address": (10, 3600),  # reset codes asked for per address
    "booking_account": (30, 3600),  # bookings per account per hour
    "checkin_misses": (120, 3600),  # unknown codes per kiosk per hour (guessing codes)
    "walkin_address": (6, 600),  # phone walk-in tickets per address per 10 min
    # survey answers per address per hour: a hall shares one address (the mall's Wi-Fi)
    "survey_address": (60, 3600),
    # a verification code asked for again: per account, per address it goes to, per client
    "resend_account": (5, 86400),
    "resend_destination": (5, 86400),
    "resend_address": (30, 3600),
    # registrations naming one address a day (the first included): past them its owner gets
    # no more "someone tried to register with your address" notices that day
    "notice_destination": (4, 86400),
    # SMS codes proving a phone: per number, per account, per client address, a day
    "phone_number": (3, 86400),
    "phone_account": (3, 86400),
    "phone_address": (10, 86400),
    "claim_staff": (20, 86400),  # NIKs one staff member moves between accounts a day
    # codes tried per account (verification and reset together) a day, whichever code:
    # the count is ANTRE_CODE_FAILURES_PER_DAY (config), the window this one
    "code_account": (10, 86400),
    # SMS of the whole stage a day (UTC): the count is ANTRE_SMS_DAILY_BUDGET (config)
    "sms_day": (500, 86400),
}


def limits() -> dict[str, tuple[int, int]]:
    env = config.get().env
    found = dict(DEFAULTS)
    for name in DEFAULTS:
        raw = env.get(f"ANTRE_LIMIT_{name.upper()}")
        if raw:
            attempts, _, seconds = raw.partition("/")
            found[name] = (int(attempts), int(seconds or DEFAULTS[name][1]))
    return found


_overrides: dict[str, tuple[int, int]] = {}


def set_limit(name: str, attempts: int, seconds: int) -> None:
    """Change a limit in this process (tests; a stage sets ANTRE_LIMIT_* instead)."""
    _overrides[name] = (attempts, seconds)


def reset_limits() -> None:
    _overrides.clear()


def _key(name: str, subject: str) -> str:
    # the subject is hashed: an email or an address is personal data, a key needs none
    return f"{name}:{hashlib.sha256(subject.encode()).hexdigest()[:32]}"


def take(name: str, subject: str, now: datetime, atomic: bool = True) -> None:
    """Reserve one attempt, or 429. `atomic=False` reads the count and leaves the counting
    to `counted` after the work: the race test's canary, never used otherwise."""
    attempts, seconds = _overrides.get(name) or limits()[name]
    if atomic:
        wait = store.take(_key(name, subject), attempts, seconds, int(now.timestamp()))
    else:
        used = store.count(_key(name, subject), seconds, int(now.timestamp()))
        wait = 1 if used >= attempts else 0
    if wait:
        raise TooManyAttempts("throttle.wait", seconds=wait, headers={"Retry-After": str(wait)})


def take_counted(name: str, subject: str, now: datetime, limit: int | None = None,
                 uncapped: bool = False) -> int:
    """Reserve one attempt as `take` does and answer how many the window has counted with
    it (the limit itself: the last one allowed). `limit` overrides the setting's count;
    `uncapped` counts without ever refusing."""
    attempts, seconds = limits()[name]
    attempts = 10 ** 9 if uncapped else limit or attempts
    if name in _overrides and not uncapped:  # a test's limit wins over the setting's
        attempts, seconds = _overrides[name]
    elif name in _overrides:
        seconds = _overrides[name][1]
    wait, count = store.take_counted(_key(name, subject), attempts, seconds,
                                     int(now.timestamp()))
    if wait:
        raise TooManyAttempts("throttle.wait", seconds=wait, headers={"Retry-After": str(wait)})
    return count


def in_transaction(name: str, subject: str, now: datetime):
    """A transaction step reserving the attempt (see store.throttle.step), and the error to
    raise when that step fails."""
    attempts, seconds = _overrides.get(name) or limits()[name]
    epoch = int(now.timestamp())
    wait = max((epoch // seconds + 1) * seconds - epoch, 1)

    def add(s):
        store.step(s, _key(name, subject), attempts, seconds, epoch)

    def refused():
        return TooManyAttempts("throttle.wait", seconds=wait, headers={"Retry-After": str(wait)})

    return add, refused


def counted(name: str, subject: str, now: datetime) -> None:
    """The canary's late count (see `take(atomic=False)`)."""
    _, seconds = _overrides.get(name) or limits()[name]
    store.take(_key(name, subject), 10 ** 9, seconds, int(now.timestamp()))
