"""A citizen's partition read whole (the copy of their data) and erased (the account's
deletion): the account with its claims in one transaction, then the records."""
from __future__ import annotations

from dataclasses import dataclass, field

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
    bookings' code claims, in transactions of up to 90 deletes (the functions are never
    granted BatchWriteItem). Returns how many items went."""
    items = []
    for item in Item.query(account_pk(account_id), consistent_read=True):
        if isinstance(item, Booking):
            items.append(CodeClaim(pk=f"CODE#{item.code}", sk="CODE"))
        items.append(item)
    for n in range(0, len(items), 90):
        part = items[n:n + 90]

        def build(s, part=part):
            for k, item in enumerate(part):
                s.delete(f"forget:{k}", item)

        run(build)
    return len(items)
