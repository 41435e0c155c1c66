"""Offline exports for the command line only: whole-table Scans no Lambda function runs
(request paths read by key or Query; tests/unit/test_infra.py keeps this module out of the
functions' IAM actions, and no module of the app imports it)."""
from __future__ import annotations

from datetime import datetime, timezone

from chalicelib.store.models import Account, Booking, Item, WaitlistEntry

def _instant(stamp) -> datetime | None:
    try:
        moment = datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def touched(first: datetime, last: datetime) -> dict[str, set[str]]:
    """For a breach notice: the accounts whose records were created or changed between two
    ISO instants, with what was touched. A Scan of the whole table: an offline export for the
    command line only, never a request path."""
    condition = Item.type.is_in(Account, Booking, WaitlistEntry)
    found: dict[str, set[str]] = {}
    for item in Item.scan(condition, consistent_read=True):
        stamps = [_instant(getattr(item, name, None)) for name in ("created_at", "updated_at")]
        if not any(s and first <= s <= last for s in stamps):
            continue
        if isinstance(item, Account):
            found.setdefault(item.account_id, set()).add("account")
        elif isinstance(item, Booking):
            found.setdefault(item.account_id, set()).add(f"booking {item.booking_id}")
        elif isinstance(item, WaitlistEntry):
            found.setdefault(item.account_id, set()).add(f"waitlist {item.waitlist_id}")
    return found
