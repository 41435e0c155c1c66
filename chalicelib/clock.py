"""The one source of `now` for routes; tests inject a fixed clock instead of patching time."""
from __future__ import annotations

from datetime import datetime, timezone


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


clock = SystemClock()


def now() -> datetime:
    return clock.now()


def use(new_clock) -> None:
    """Swap the clock (tests); `use(SystemClock())` restores it."""
    global clock
    clock = new_clock
