"""Kiosks: a mall admin registers and revokes them; a kiosk proves itself with its key."""
from __future__ import annotations

import secrets
from datetime import datetime

from ulid import ULID

from chalicelib.errors import NotFound, Unauthorized
from chalicelib.services.auth import Principal, require_role
from chalicelib.store import kiosks as store
from chalicelib.store.kiosks import Kiosk
from chalicelib.store.models import KioskEntry


def authenticate(key: str | None) -> Kiosk:
    """The kiosk holding `X-Kiosk-Key`; 401 for a missing, unknown or revoked key."""
    if not key or len(key) > 200:
        raise Unauthorized("kiosk.unauthorized")
    kiosk = store.by_key(key.strip())
    if kiosk is None:
        raise Unauthorized("kiosk.unauthorized")
    return kiosk


def _view(entry: KioskEntry) -> dict:
    return {"kiosk_id": entry.kiosk_id, "label": entry.label, "created_at": entry.created_at,
            "revoked_at": entry.revoked_at, "active": entry.revoked_at is None}


def register(principal: Principal, label: str, now: datetime, key: str | None = None) -> dict:
    """A new kiosk of the admin's mall. The key is answered once; only its hash is kept."""
    require_role(principal, "admin")
    key = key or secrets.token_urlsafe(24)
    entry = KioskEntry(pk=f"KIOSKS#{principal.mall_id}", sk=str(ULID()), mall_id=principal.mall_id,
                       label=label.strip(), key_hash=store.key_pk(key).removeprefix("KIOSK#"),
                       created_at=now.isoformat(timespec="seconds"),
                       created_by=principal.account_id)
    entry.kiosk_id = entry.sk
    store.register(entry, key)
    return {**_view(entry), "key": key}


def listed(principal: Principal) -> list[dict]:
    require_role(principal, "admin")
    return [_view(e) for e in store.listed(principal.mall_id)]


def revoke(principal: Principal, kiosk_id: str, now: datetime) -> dict:
    """The key stops working at once; revoking twice is harmless."""
    require_role(principal, "admin")
    entry = store.entry(principal.mall_id, kiosk_id) if kiosk_id.isalnum() else None
    if entry is None:
        raise NotFound("kiosk.not_found")
    if entry.revoked_at is None:
        store.revoke(entry, now.isoformat(timespec="seconds"))
    return _view(store.entry(principal.mall_id, kiosk_id))
