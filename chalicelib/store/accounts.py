"""Accounts: unique email and NIK claims, verification codes, login throttling.

An unverified account expires (`Account.expires_at`, DynamoDB's TTL) and its email and NIK
claims with it: the claims carry the same instant and are taken over once it has passed,
and every read treats an expired item that DynamoDB has not deleted yet as absent."""
from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import TransactWriteError, UpdateError
from ulid import ULID

from chalicelib.errors import EmailTaken, InvalidCode, NikTaken
from chalicelib.store.db import failed_steps, steps
from chalicelib.store import outbox
from chalicelib.store.models import (
    Account,
    CitizenState,
    DECOY,
    EmailClaim,
    Item,
    OutboxMail,
    StaffEntry,
)


def account_pk(account_id: str) -> str:
    return f"ACCOUNT#{account_id}"


def citizen_pk(nik_hash: str) -> str:
    return f"NIK#{nik_hash}"


def _expired(item, now_epoch: int) -> bool:
    return item.expires_at is not None and int(item.expires_at) <= now_epoch


def create_once(account: Account, mail=None, extra=None, now_epoch: int = 0, ring=None,
                others=()) -> None:
    """Create the account, claiming its email (and NIK, for citizens) in one transaction.
    A claim of an unverified account whose expiry has passed is taken over. `ring`: the NIK
    key ring the hash was made with (its marker is checked in the transaction); `others`:
    the NIK's hashes under the ring's other keys, none of which may hold an account."""
    from chalicelib.services import nik_keys

    s = None
    expires = account.expires_at
    try:
        with steps() as s:
            claim = EmailClaim(pk=f"EMAIL#{account.email}", sk="EMAIL",
                               account_id=account.account_id)
            claim.expires_at = expires
            s.save("email", claim, condition=Item.pk.does_not_exist()
                   | (EmailClaim.expires_at <= now_epoch))
            if account.nik_hash:
                # The NIK's state may exist without an account: staff booked for this citizen
                # at the mall before they registered. They take it over, bookings included.
                s.update("nik", CitizenState(pk=citizen_pk(account.nik_hash), sk="STATE"),
                         actions=[CitizenState.type.set(CitizenState),
                                  CitizenState.account_id.set(account.account_id),
                                  CitizenState.nik_key.set(nik_keys.key_id_of(account)),
                                  CitizenState.active.set(CitizenState.active | {}),
                                  CitizenState.version.set(CitizenState.version | 0),
                                  CitizenState.claim_expires_at.set(expires)
                                  if expires else CitizenState.claim_expires_at.remove()],
                         condition=Item.pk.does_not_exist()
                         | CitizenState.account_id.does_not_exist()
                         | (CitizenState.claim_expires_at <= now_epoch))
                if ring is not None:
                    nik_keys.step(s, ring)
                for n, other in enumerate(others):
                    s.check(f"nik_other{n}", CitizenState, citizen_pk(other), "STATE",
                            condition=Item.pk.does_not_exist()
                            | CitizenState.account_id.does_not_exist()
                            | (CitizenState.claim_expires_at <= now_epoch))
            s.save("account", account, condition=Item.pk.does_not_exist())
            if account.mall_id:
                s.save("staff", StaffEntry(
                    pk=f"STAFF#{account.mall_id}", sk=account.account_id,
                    account_id=account.account_id, email=account.email, name=account.name,
                    role=account.role, created_at=account.created_at))
            outbox.saved(s, mail)
            if extra is not None:
                extra(s)
    except TransactWriteError as e:
        failed = failed_steps(e, s.names if s else [])
        if "email" in failed:
            raise EmailTaken() from e
        if "nik" in failed or any(f.startswith("nik_other") for f in failed):
            raise NikTaken() from e
        if nik_keys.STEP in failed:
            raise nik_keys.RingChanged() from e
        raise


def get(account_id: str, now_epoch: int | None = None) -> Account | None:
    """The account, or None; an unverified one past its expiry counts as gone."""
    try:
        account = Account.get(account_pk(account_id), "PROFILE", consistent_read=True)
    except Account.DoesNotExist:
        return None
    return None if _expired(account, now_epoch or _now()) else account


def _now() -> int:
    from chalicelib import clock

    return int(clock.now().timestamp())


def get_with(account_id: str, others: dict[str, tuple[str, str]]) -> tuple[Account | None, dict]:
    """The account and other items by key, in one strongly consistent BatchGetItem:
    (account or None, {name: item or None})."""
    wanted = {(account_pk(account_id), "PROFILE"): "account",
              **{key: name for name, key in others.items()}}
    found: dict = {name: None for name in wanted.values()}
    for item in Item.batch_get(list(wanted), consistent_read=True):
        found[wanted[(item.pk, item.sk)]] = item
    account = found.pop("account")
    if not isinstance(account, Account) or _expired(account, _now()):
        account = None
    return account, found


def staff_of(mall_id: str) -> list[StaffEntry]:
    """The mall's staff and admin accounts: one Query."""
    return list(StaffEntry.query(f"STAFF#{mall_id}"))


def set_disabled(account: Account, disabled: bool, extra=None) -> None:
    """Disable (or enable again) a staff account and its line in the mall's list."""
    with steps() as s:
        if extra is not None:
            extra(s)
        s.update("account", account, actions=[Account.disabled.set(disabled)])
        s.update("staff", StaffEntry(pk=f"STAFF#{account.mall_id}", sk=account.account_id),
                 actions=[StaffEntry.disabled.set(disabled)], condition=Item.pk.exists())


def get_by_email(email: str) -> Account | None:
    """The account holding the address, or None. An address nobody holds costs the same two
    reads (the second of an account that does not exist): no answer's time tells them apart."""
    now_epoch = _now()
    try:
        claim = EmailClaim.get(f"EMAIL#{email}", "EMAIL", consistent_read=True)
    except EmailClaim.DoesNotExist:
        claim = None
    if claim is None or _expired(claim, now_epoch):
        get("-", now_epoch)
        return None
    return get(claim.account_id, now_epoch)


def email_held(email: str, now_epoch: int) -> bool:
    """Whether an account (a verified one, or an unverified one not yet expired) holds the
    address: one read."""
    try:
        claim = EmailClaim.get(f"EMAIL#{email}", "EMAIL", consistent_read=True)
    except EmailClaim.DoesNotExist:
        return False
    return not _expired(claim, now_epoch)


def decoy(now: datetime, items: int = 2, mail=None) -> None:
    """The write a request about an unknown address makes instead of its mail (see DECOY):
    one transaction of as many items as the known address's (`mail`, if any, goes in it),
    each under a condition as theirs are."""
    with steps() as s:
        outbox.saved(s, mail)
        for n in range(items - len(outbox.as_list(mail))):
            mail_id = str(ULID())
            s.save(f"decoy{n}", OutboxMail(
                pk=f"MAIL#{mail_id}", sk="MAIL", mail_id=mail_id, kind=DECOY, to="-",
                context={}, status=DECOY, created_at=now.isoformat(),
                expires_at=int(now.timestamp()) + 3600), condition=Item.pk.does_not_exist())


def decoy_attempt(now: datetime) -> None:
    """The conditional update a code attempt on a known account spends, made where there is
    no account (or no code) to spend it on: the answer then costs the same calls."""
    from chalicelib.store import throttle

    throttle.take("decoy", 10 ** 9, 60, int(now.timestamp()))


def _verified_claims(s, account: Account) -> None:
    """Steps that make an unverified account's claims (its email's, its NIK's) permanent,
    only while the account still holds them."""
    s.update("email", EmailClaim(pk=f"EMAIL#{account.email}", sk="EMAIL"),
             actions=[EmailClaim.expires_at.remove()],
             condition=EmailClaim.account_id == account.account_id)
    if account.nik_hash:
        s.update("nik", CitizenState(pk=citizen_pk(account.nik_hash), sk="STATE"),
                 actions=[CitizenState.claim_expires_at.remove()],
                 condition=CitizenState.account_id == account.account_id)


def replace_code(account: Account, code_hash: str, expires_at: int, mail) -> None:
    """A fresh verification code (attempts reset) and its email, together."""
    with steps() as s:
        s.update("account", account, actions=[
            Account.verify_code_hash.set(code_hash), Account.verify_expires_at.set(expires_at),
            Account.verify_attempts.set(0)], condition=Account.verified == False)  # noqa: E712
        outbox.saved(s, mail)


def set_sms_opt_in(account: Account, opt_in: bool) -> None:
    account.update(actions=[Account.sms_opt_in.set(opt_in)])


def bump_token_version(account: Account) -> None:
    """End every token issued so far (they carry the old version)."""
    account.update(actions=[Account.token_version.add(1)])


def replace_reset_code(account: Account, code_hash: str, expires_at: int, mail) -> None:
    """A fresh password-reset code (attempts reset) and its email, together."""
    with steps() as s:
        s.update("account", account, actions=[
            Account.reset_code_hash.set(code_hash), Account.reset_expires_at.set(expires_at),
            Account.reset_attempts.set(0)])
        outbox.saved(s, mail)


def spend_reset_attempt(account: Account, max_attempts: int) -> None:
    """Spend one attempt at the reset code before it is compared (a conditional write)."""
    try:
        account.update(actions=[Account.reset_attempts.add(1)],
                       condition=(Account.reset_attempts < max_attempts)
                       & Account.reset_code_hash.exists())
    except UpdateError as e:
        raise InvalidCode("code.too_many_wrong") from e


def complete_reset(account: Account, code_hash: str, password_hash: str) -> None:
    """The new password, every old token ended, the code used up: only for this code. The
    code proves the mailbox, so an unverified account is verified (and keeps its claims)."""
    actions = [Account.password_hash.set(password_hash), Account.token_version.add(1),
               Account.verified.set(True), Account.reset_code_hash.remove(),
               Account.reset_expires_at.remove()]
    condition = Account.reset_code_hash == code_hash
    try:
        if account.verified:
            account.update(actions=actions, condition=condition)
            return
        with steps() as s:
            s.update("account", account, actions=actions + [Account.expires_at.remove()],
                     condition=condition)
            _verified_claims(s, account)
    except (UpdateError, TransactWriteError) as e:
        raise InvalidCode() from e


def spend_attempt(account: Account, max_attempts: int) -> None:
    """Spend one attempt at the code before it is compared; only while attempts are left
    (a single conditional update)."""
    try:
        account.update(actions=[Account.verify_attempts.add(1)],
                       condition=Account.verify_attempts < max_attempts)
    except UpdateError as e:
        raise InvalidCode("code.too_many_wrong") from e


def mark_verified(account: Account, code_hash: str, max_attempts: int) -> None:
    """Verify only if this very code is still the current one with attempts left, and the
    account still holds its email and NIK: their claims stop expiring with it."""
    try:
        # the code stays: verifying again with it answers as before, reveals nothing new
        with steps() as s:
            s.update("account", account, actions=[Account.verified.set(True),
                                                  Account.expires_at.remove()],
                     condition=(Account.verify_code_hash == code_hash)
                     & (Account.verify_attempts <= max_attempts))
            _verified_claims(s, account)
    except TransactWriteError as e:
        raise InvalidCode() from e


def lock_codes(account: Account, until: int, mail) -> None:
    """No reset code until `until`: the owner is told by the mail written with it."""
    with steps() as s:
        s.update("account", account, actions=[Account.codes_locked_until.set(until),
                                              Account.reset_code_hash.remove()])
        outbox.saved(s, mail)


# --- the phone -------------------------------------------------------------------------------


def replace_phone_code(account: Account, phone: str, code_hash: str, expires_at: int,
                       sms) -> None:
    """A fresh code for the phone (attempts reset) and its SMS, together. A new number is
    unproven until its own code comes back, and SMS stop until then."""
    actions = [Account.phone_code_hash.set(code_hash),
               Account.phone_code_expires_at.set(expires_at), Account.phone_attempts.set(0)]
    if phone != account.phone:
        actions += [Account.phone.set(phone), Account.phone_verified.set(False),
                    Account.sms_opt_in.set(False)]
    with steps() as s:
        s.update("account", account, actions=actions)
        outbox.saved(s, sms)


def spend_phone_attempt(account: Account, max_attempts: int) -> None:
    try:
        account.update(actions=[Account.phone_attempts.add(1)],
                       condition=(Account.phone_attempts < max_attempts)
                       & Account.phone_code_hash.exists())
    except UpdateError as e:
        raise InvalidCode() from e


def mark_phone_verified(account: Account, code_hash: str) -> None:
    """The phone is proven, and proving it is the opt-in to SMS: only for this very code."""
    try:
        account.update(actions=[Account.phone_verified.set(True), Account.sms_opt_in.set(True),
                                Account.phone_code_hash.remove(),
                                Account.phone_code_expires_at.remove()],
                       condition=(Account.phone_code_hash == code_hash)
                       & (Account.phone == account.phone))
    except UpdateError as e:
        raise InvalidCode() from e


# --- a NIK won back ---------------------------------------------------------------------------


def move_nik(nik_hash: str, last4: str, old: Account, new: Account, extra,
             key_id: str = "1") -> None:
    """The NIK leaves `old` (whose sessions end) for `new`, in one transaction with the
    audit entry and the mail `extra(steps)` adds; only while `old` still holds it and `new`
    has none."""
    with steps() as s:
        s.update("nik", CitizenState(pk=citizen_pk(nik_hash), sk="STATE"),
                 actions=[CitizenState.account_id.set(new.account_id),
                          CitizenState.claim_expires_at.remove(), CitizenState.version.add(1)],
                 condition=CitizenState.account_id == old.account_id)
        s.update("old", old, actions=[Account.nik_hash.remove(), Account.nik_last4.remove(),
                                      Account.nik_key.remove(),
                                      Account.token_version.add(1)],
                 condition=Account.nik_hash == nik_hash)
        s.update("new", new, actions=[Account.nik_hash.set(nik_hash),
                                      Account.nik_key.set(key_id),
                                      Account.nik_last4.set(last4)],
                 condition=Account.nik_hash.does_not_exist())
        extra(s)


# --- a NIK rehashed under a new key ------------------------------------------------------------

REHASH_MAX_ITEMS = 100  # DynamoDB's limit of items in one transaction


def rehash_nik(account: Account, new_hash: str, key_id: str, ring_step) -> bool:
    """Move the citizen's NIK items to the hash under the new key, all or nothing: every
    item of the NIK's partition (its state, one-per-day and waitlist guards, refs of desk
    bookings) copied under the new hash (only where nothing is) and deleted under the old
    (the state only at the version read and while this account holds it), the account, and
    the NIK hash carried by its active bookings, their codes and its waitlist entries (only
    while they carry the old one). `ring_step(steps)` checks the key ring's marker. False
    when there is nothing this account may move (the state is not its own) or too much for
    one transaction (then it stays under the old key, which is still read)."""
    from chalicelib.store.models import AssistedRef, Booking, CodeClaim, WaitlistEntry

    old_hash = account.nik_hash
    old_pk, new_pk = citizen_pk(old_hash), citizen_pk(new_hash)
    items = list(Item.query(old_pk, consistent_read=True))
    state = next((i for i in items if isinstance(i, CitizenState)), None)
    if state is None or state.account_id != account.account_id:
        return False
    owners = {i.booking_id: i.owner_id for i in items if isinstance(i, AssistedRef)}
    active = list((state.active.as_dict() or {}) if state.active else {})
    waiting = list((state.waiting.as_dict() or {}) if state.waiting else {})
    keys = [(account_pk(owners.get(b, account.account_id)), f"BOOKING#{b}") for b in active]
    keys += [(account_pk(account.account_id), f"WAITLIST#{w}") for w in waiting]
    linked = list(Item.batch_get(keys, consistent_read=True)) if keys else []
    if 2 * len(items) + 2 * len(linked) + 2 > REHASH_MAX_ITEMS:
        return False
    with steps() as s:
        ring_step(s)
        for item in items:
            copy = type(item).from_raw_data(item.serialize())
            copy.pk = new_pk
            if isinstance(copy, CitizenState):
                copy.nik_key = key_id
            s.save(f"new:{item.sk}", copy, condition=Item.pk.does_not_exist())
            s.delete(f"old:{item.sk}", item, condition=(
                (CitizenState.version == int(state.version))
                & (CitizenState.account_id == account.account_id))
                if item is state else Item.pk.exists())
        s.update("account", account, actions=[Account.nik_hash.set(new_hash),
                                              Account.nik_key.set(key_id)],
                 condition=Account.nik_hash == old_hash)
        for item in linked:
            if isinstance(item, Booking):
                s.update(f"booking:{item.booking_id}", item,
                         actions=[Booking.nik_hash.set(new_hash)],
                         condition=Booking.nik_hash == old_hash)
                s.update(f"code:{item.code}", CodeClaim(pk=f"CODE#{item.code}", sk="CODE"),
                         actions=[CodeClaim.nik_hash.set(new_hash)], condition=Item.pk.exists())
            elif isinstance(item, WaitlistEntry):
                s.update(f"wait:{item.waitlist_id}", item,
                         actions=[WaitlistEntry.nik_hash.set(new_hash)],
                         condition=WaitlistEntry.nik_hash == old_hash)
    return True


def rehash_history(account_id: str, old_hash: str, new_hash: str) -> int:
    """The account's earlier bookings (no rule reads their hash any more) take the new hash
    too, one conditional update each, so the old key matches nothing of the citizen's."""
    from chalicelib.store.models import Booking

    moved = 0
    for booking in Booking.query(account_pk(account_id), Item.sk.startswith("BOOKING#")):
        if booking.nik_hash == old_hash:
            try:
                booking.update(actions=[Booking.nik_hash.set(new_hash)],
                               condition=Booking.nik_hash == old_hash)
                moved += 1
            except UpdateError:
                pass
    return moved
