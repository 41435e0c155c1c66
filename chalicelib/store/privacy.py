"""A citizen's partition read whole (the copy of their data) and erased (the account's
deletion): the account with its claims in one transaction, then the records."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from chalicelib.store.accounts import account_pk, citizen_pk
from chalicelib.store.bookings import run
from chalicelib.store import outbox
from chalicelib.store.models import (
    Account,
    Booking,
    CitizenState,
    CodeClaim,
    EmailClaim,
    Item,
    WaitlistEntry,
)


@dataclass
class Held:
    bookings: list[Booking] = field(default_factory=list)
    waitlist: list[WaitlistEntry] = field(default_factory=list)


def partition(account_id: str) -> Held:
    """The account's bookings and waiting-list entries: one Query of its partition (all
    pages)."""
    held = Held()
    for item in Item.query(account_pk(account_id), consistent_read=True):
        if isinstance(item, Booking):
            held.bookings.append(item)
        elif isinstance(item, WaitlistEntry):
            held.waitlist.append(item)
    return held


def erase_account(account: Account, mail=None) -> None:
    """Remove the account, free its email and release its NIK (the NIK's no-show dates stay
    until they expire, with no account attached), all or nothing."""
    def build(s):
        s.delete("account", account, condition=Item.pk.exists())
        s.delete("email", EmailClaim(pk=f"EMAIL#{account.email}", sk="EMAIL"),
                 condition=EmailClaim.account_id == account.account_id)
        if account.nik_hash:
            s.update("nik", CitizenState(pk=citizen_pk(account.nik_hash), sk="STATE"),
                     actions=[CitizenState.account_id.remove()],
                     condition=CitizenState.account_id == account.account_id)
        outbox.saved(s, mail)

    run(build)


def forget_records(account_id: str) -> int:
    """Delete what is left under the account's key (bookings, waiting entries) and the
    bookings' code claims; BatchWriteItem. Returns how many items went."""
    gone = 0
    with Item.batch_write() as batch:
        for item in Item.query(account_pk(account_id), consistent_read=True):
            if isinstance(item, Booking):
                batch.delete(CodeClaim(pk=f"CODE#{item.code}", sk="CODE"))
                gone += 1
            batch.delete(item)
            gone += 1
    return gone


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
