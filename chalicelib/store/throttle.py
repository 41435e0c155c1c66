"""Rate limits that hold under concurrency: an attempt is reserved with one conditional
write before the work it limits (the password check, sending a code...), so parallel
requests cannot slip past the count. Fixed windows; each window's item expires by TTL."""
from __future__ import annotations

from pynamodb.exceptions import UpdateError

from chalicelib.store.models import Item, ThrottleWindow


def take(key: str, limit: int, window_seconds: int, now_epoch: int) -> int:
    """Reserve one attempt for `key` in the current window: 0 if allowed, else the seconds
    until the window ends."""
    window = now_epoch // window_seconds
    item = ThrottleWindow(pk=f"THROTTLE#{key}", sk=str(window))
    try:
        item.update(actions=[ThrottleWindow.count.add(1),
                             ThrottleWindow.type.set(ThrottleWindow),
                             ThrottleWindow.expires_at.set((window + 2) * window_seconds)],
                    condition=ThrottleWindow.count.does_not_exist()
                    | (ThrottleWindow.count < limit))
        return 0
    except UpdateError as e:
        if e.cause_response_code == "ConditionalCheckFailedException":
            return max((window + 1) * window_seconds - now_epoch, 1)
        raise


def take_counted(key: str, limit: int, window_seconds: int, now_epoch: int) -> tuple[int, int]:
    """`take`, also answering the count of the window after it: (wait, count)."""
    window = now_epoch // window_seconds
    item = ThrottleWindow(pk=f"THROTTLE#{key}", sk=str(window))
    try:
        item.update(actions=[ThrottleWindow.count.add(1),
                             ThrottleWindow.type.set(ThrottleWindow),
                             ThrottleWindow.expires_at.set((window + 2) * window_seconds)],
                    condition=ThrottleWindow.count.does_not_exist()
                    | (ThrottleWindow.count < limit))
        return 0, int(item.count)
    except UpdateError as e:
        if e.cause_response_code == "ConditionalCheckFailedException":
            return max((window + 1) * window_seconds - now_epoch, 1), limit
        raise


def step(s, key: str, limit: int, window_seconds: int, now_epoch: int) -> None:
    """The same reservation as `take`, as a step of the caller's transaction (named
    "throttle"), so it costs no call of its own."""
    window = now_epoch // window_seconds
    s.update("throttle", ThrottleWindow(pk=f"THROTTLE#{key}", sk=str(window)), actions=[
        ThrottleWindow.count.add(1), ThrottleWindow.type.set(ThrottleWindow),
        ThrottleWindow.expires_at.set((window + 2) * window_seconds)],
        condition=ThrottleWindow.count.does_not_exist() | (ThrottleWindow.count < limit))


def count(key: str, window_seconds: int, now_epoch: int) -> int:
    """The attempts counted so far in this window (the race test's canary reads, then
    writes; the real limit never reads first)."""
    window = now_epoch // window_seconds
    try:
        return int(ThrottleWindow.get(f"THROTTLE#{key}", str(window), consistent_read=True).count)
    except ThrottleWindow.DoesNotExist:
        return 0


__all__ = ["Item", "count", "take"]
