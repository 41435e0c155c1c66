"""The one source of `now` for routes; tests inject a fixed clock instead of patching time.

The local stage can start its clock at a chosen instant (`DEMO_NOW`), so the mall floor can
be shown at any hour: from there it runs forward in real time. Other stages ignore it.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock that stays where it is set (tests move it with `advance`)."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, delta) -> None:
        self.at = self.at + delta


class ShiftedClock:
    """A clock that read `start` at the real instant `anchor` (epoch seconds) and has run
    in real time since: every process started with the same anchor agrees on the time."""

    def __init__(self, start: datetime, anchor: float):
        if start.tzinfo is None:
            raise ValueError("DEMO_NOW needs a UTC offset, e.g. 2026-12-01T08:05+07:00")
        self.start, self.anchor = start, anchor

    def now(self) -> datetime:
        return (self.start + timedelta(seconds=time.time() - self.anchor)).astimezone(timezone.utc)


def from_config(cfg) -> SystemClock | ShiftedClock:
    if not cfg.demo_now:
        return SystemClock()
    try:
        start = datetime.fromisoformat(cfg.demo_now)
    except ValueError:
        raise ValueError(f"DEMO_NOW={cfg.demo_now!r} is not an ISO 8601 instant, "
                         "e.g. 2026-12-01T08:05+07:00") from None
    return ShiftedClock(start, cfg.demo_anchor if cfg.demo_anchor is not None else time.time())


clock = None  # chosen from the configuration on first use


def now() -> datetime:
    global clock
    if clock is None:
        from chalicelib import config

        clock = from_config(config.get())
    return clock.now()


def on_app_clock(wall: datetime) -> datetime:
    """A wall-clock instant (e.g. one the local emulator stamped) as the app's clock reads it:
    the same instant under the system clock, shifted by DEMO_NOW's offset on the local stage."""
    return wall + (now() - datetime.now(timezone.utc))


def use(new_clock) -> None:
    """Swap the clock (tests); `use(SystemClock())` restores it."""
    global clock
    clock = new_clock
