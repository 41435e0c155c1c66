"""Kiosk keys: stored as SHA-256 only, bound to one mall, revocable at once.

A key is looked up on every kiosk request; the lookup is cached per Lambda container for a
minute. Revocation still takes effect at once for everything a kiosk writes: check-ins
and walk-ins check, inside their own transaction, that the key's item still exists.
"""
from __future__ import annotations

import hashlib
import threading
import time as _time
from dataclasses import dataclass

from pynamodb.exceptions import TransactWriteError

from chalicelib.store.db import failed_steps, steps
from chalicelib.store.models import Item, KioskEntry, KioskKey, ThrottleWindow

CACHE_SECONDS = 60


@dataclass(frozen=True)
class Kiosk:
    kiosk_id: str
    mall_id: str
    label: str
    key_pk: str  # the key item's pk, for the condition check in a transaction
    kind: str = "kiosk"  # kiosk | display (the hall's TV: it only mints the hall QR)


def key_pk(key: str) -> str:
    return "KIOSK#" + hashlib.sha256(key.encode()).hexdigest()


_cache: dict[str, tuple[float, Kiosk]] = {}
_lock = threading.Lock()


def by_key(key: str) -> Kiosk | None:
    """The kiosk holding this key, or None. Unknown keys are not cached."""
    pk = key_pk(key)
    now = _time.monotonic()
    with _lock:
        hit = _cache.get(pk)
        if hit and now - hit[0] < CACHE_SECONDS:
            return hit[1]
    try:
        item = KioskKey.get(pk, "KIOSK", consistent_read=True)
    except KioskKey.DoesNotExist:
        return None
    kiosk = Kiosk(item.kiosk_id, item.mall_id, item.label, pk, item.kind or "kiosk")
    with _lock:
        _cache[pk] = (now, kiosk)
    return kiosk


def forget_cached() -> None:
    with _lock:
        _cache.clear()


def still_registered(s, kiosk: Kiosk) -> None:
    """Add to a transaction: the kiosk's key item still exists (not revoked)."""
    s.check("kiosk", KioskKey, kiosk.key_pk, "KIOSK", KioskKey.pk.exists())


def register(entry: KioskEntry, key: str, extra=None) -> None:
    """Store a new kiosk's key (its hash) and its line in the mall's list, together (with
    `extra(steps)`: the audit entry)."""
    with steps() as s:
        if extra is not None:
            extra(s)
        s.save("key", KioskKey(pk=key_pk(key), sk="KIOSK", mall_id=entry.mall_id,
                               kiosk_id=entry.kiosk_id, label=entry.label, kind=entry.kind),
               condition=Item.pk.does_not_exist())
        s.save("entry", entry, condition=Item.pk.does_not_exist())


def listed(mall_id: str) -> list[KioskEntry]:
    return list(KioskEntry.query(f"KIOSKS#{mall_id}"))


def entry(mall_id: str, kiosk_id: str) -> KioskEntry | None:
    try:
        return KioskEntry.get(f"KIOSKS#{mall_id}", kiosk_id, consistent_read=True)
    except KioskEntry.DoesNotExist:
        return None


def revoke(entry: KioskEntry, revoked_at: str, extra=None) -> bool:
    """Delete the key and mark the line revoked; False if it was revoked already."""
    s = None
    try:
        with steps() as s:
            if extra is not None:
                extra(s)
            s.update("entry", entry, actions=[KioskEntry.revoked_at.set(revoked_at)],
                     condition=KioskEntry.revoked_at.does_not_exist())
            s.delete("key", KioskKey(pk=f"KIOSK#{entry.key_hash}", sk="KIOSK"))
    except TransactWriteError as e:
        if "entry" in failed_steps(e, s.names if s else []):
            return False
        raise
    forget_cached()
    return True


# --- the hall's QR: how often one token was used --------------------------------------------


def qr_use_steps(token_id: str, phone: str, limit: int, expires_at: int):
    """Steps of a phone walk-in's transaction: this phone's first ticket with this token
    (failed step: qr_phone) and one of the token's `limit` tickets (failed step: qr_uses).
    Both items vanish by TTL once the token has expired."""
    def add(s):
        pk = f"QR#{token_id}"
        s.save("qr_phone", ThrottleWindow(pk=pk, sk=f"PHONE#{phone}", count=1,
                                          expires_at=expires_at),
               condition=Item.pk.does_not_exist())
        s.update("qr_uses", ThrottleWindow(pk=pk, sk="USES"),
                 actions=[ThrottleWindow.type.set(ThrottleWindow), ThrottleWindow.count.add(1),
                          ThrottleWindow.expires_at.set(expires_at)],
                 condition=ThrottleWindow.count.does_not_exist()
                 | (ThrottleWindow.count < limit))

    return add
