"""Kiosks: a mall admin registers and revokes them; a kiosk proves itself with its key."""
from __future__ import annotations

import secrets
from datetime import datetime

from ulid import ULID

from chalicelib.errors import NotFound, Unauthorized
from chalicelib.services.auth import Principal
from chalicelib.store import kiosks as store
from chalicelib.store.catalog import Change, audited
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


def _managed(principal: Principal, mall_id: str) -> None:
    from chalicelib.services.admin import managed

    managed(principal, mall_id)


def register(principal: Principal, mall_id: str, label: str, now: datetime,
             key: str | None = None) -> dict:
    """A new kiosk of the mall. The key is answered once; only its hash is kept."""
    _managed(principal, mall_id)
    key = key or secrets.token_urlsafe(24)
    entry = KioskEntry(pk=f"KIOSKS#{mall_id}", sk=str(ULID()), mall_id=mall_id,
                       label=label.strip(), key_hash=store.key_pk(key).removeprefix("KIOSK#"),
                       created_at=now.isoformat(timespec="seconds"),
                       created_by=principal.account_id)
    entry.kiosk_id = entry.sk
    change = Change(principal.account_id, "kiosk.register", entry.kiosk_id, None,
                    {"label": entry.label})
    store.register(entry, key, extra=lambda s: audited(s, mall_id, change))
    return {**_view(entry), "key": key}


def listed(principal: Principal, mall_id: str) -> list[dict]:
    _managed(principal, mall_id)
    return [_view(e) for e in store.listed(mall_id)]


def revoke(principal: Principal, mall_id: str, kiosk_id: str, now: datetime) -> dict:
    """The key stops working at once; revoking twice is harmless."""
    _managed(principal, mall_id)
    entry = store.entry(mall_id, kiosk_id) if kiosk_id.isalnum() else None
    if entry is None:
        raise NotFound("kiosk.not_found")
    if entry.revoked_at is None:
        change = Change(principal.account_id, "kiosk.revoke", kiosk_id, {"active": True},
                        {"active": False})
        store.revoke(entry, now.isoformat(timespec="seconds"),
                     extra=lambda s: audited(s, mall_id, change))
    return _view(store.entry(mall_id, kiosk_id))
