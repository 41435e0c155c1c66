"""Addresses SES must not mail again: a permanent bounce or a complaint was reported for
them (SES's own account-level suppression list is per region and invisible to the app;
this one is read by the sender before every email and shown to the citizen).

One item per address, read and written by key (pk SUPPRESSED#<email>, sk SUPPRESSED);
nothing lists them, so no Scan and no index is needed.
"""
from __future__ import annotations

from datetime import datetime, timezone

from pynamodb.attributes import UnicodeAttribute

from chalicelib.store.models import Item


class SuppressedAddress(Item, discriminator="suppressed"):
    """An address mail to which bounced for good or was reported as spam."""

    email = UnicodeAttribute()
    reason = UnicodeAttribute()  # bounce | complaint
    detail = UnicodeAttribute(null=True)  # SES's bounce subtype or complaint type
    at = UnicodeAttribute()


def _key(email: str) -> str:
    return f"SUPPRESSED#{email.strip().lower()}"


def suppress(email: str, reason: str, detail: str | None, now: datetime) -> None:
    """Record (or refresh) the suppression; the latest report wins."""
    SuppressedAddress(_key(email), "SUPPRESSED", email=email.strip().lower(), reason=reason,
                      detail=(detail or None),
                      at=now.astimezone(timezone.utc).isoformat(timespec="seconds")).save()


def get(email: str) -> SuppressedAddress | None:
    try:
        return SuppressedAddress.get(_key(email), "SUPPRESSED")
    except SuppressedAddress.DoesNotExist:
        return None


def is_suppressed(email: str) -> bool:
    return get(email) is not None


def lift(email: str) -> None:
    """The citizen fixed the mailbox (or staff confirmed it): mail may go again."""
    SuppressedAddress(_key(email), "SUPPRESSED").delete()
