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


KINDS = ("kiosk", "display")


def authenticate(key: str | None, kind: str = "kiosk") -> Kiosk:
    """The kiosk (or, `kind="display"`, the hall's TV) holding the key; 401 for a missing,
    unknown or revoked key, and for a key of the other kind: a TV's key does nothing a
    kiosk does, and a kiosk's key is not for the TV (where it would sit in a browser that
    anyone in the hall may reach)."""
    message = "display.unauthorized" if kind == "display" else "kiosk.unauthorized"
    if not key or len(key) > 200:
        raise Unauthorized(message)
    kiosk = store.by_key(key.strip())
    if kiosk is None or kiosk.kind != kind:
        raise Unauthorized(message)
    return kiosk


def _view(entry: KioskEntry) -> dict:
    return {"kiosk_id": entry.kiosk_id, "label": entry.label, "created_at": entry.created_at,
            "revoked_at": entry.revoked_at, "active": entry.revoked_at is None,
            "kind": entry.kind or "kiosk"}


def _managed(principal: Principal, mall_id: str) -> None:
    from chalicelib.services.admin import managed

    managed(principal, mall_id)


def register(principal: Principal, mall_id: str, label: str, now: datetime,
             key: str | None = None, kind: str = "kiosk") -> dict:
    """A new kiosk (or hall TV, `kind="display"`) of the mall. The key is answered once;
    only its hash is kept."""
    _managed(principal, mall_id)
    if kind not in KINDS:
        raise ValueError(kind)
    key = key or secrets.token_urlsafe(24)
    entry = KioskEntry(pk=f"KIOSKS#{mall_id}", sk=str(ULID()), mall_id=mall_id,
                       label=label.strip(), key_hash=store.key_pk(key).removeprefix("KIOSK#"),
                       created_at=now.isoformat(timespec="seconds"),
                       created_by=principal.account_id, kind=kind)
    entry.kiosk_id = entry.sk
    change = Change(principal.account_id, "kiosk.register", entry.kiosk_id, None,
                    {"label": entry.label, "kind": kind})
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
