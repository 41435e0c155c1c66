"""Accounts: unique email and NIK claims, verification codes, login throttling."""
from __future__ import annotations

from pynamodb.exceptions import TransactWriteError, UpdateError

from chalicelib.errors import EmailTaken, InvalidCode, NikTaken
from chalicelib.store.db import failed_steps, steps
from chalicelib.store import outbox
from chalicelib.store.models import (
    Account,
    CitizenState,
    EmailClaim,
    Item,
    StaffEntry,
)


def account_pk(account_id: str) -> str:
    return f"ACCOUNT#{account_id}"


def citizen_pk(nik_hash: str) -> str:
    return f"NIK#{nik_hash}"


def create_once(account: Account, mail=None, extra=None) -> None:
    """Create the account, claiming its email (and NIK, for citizens) in one transaction."""
    s = None
    try:
        with steps() as s:
            s.save("email", EmailClaim(pk=f"EMAIL#{account.email}", sk="EMAIL",
                                       account_id=account.account_id),
                   condition=Item.pk.does_not_exist())
            if account.nik_hash:
                # The NIK's state may exist without an account: staff booked for this citizen
                # at the mall before they registered. They take it over, bookings included.
                s.update("nik", CitizenState(pk=citizen_pk(account.nik_hash), sk="STATE"),
                         actions=[CitizenState.type.set(CitizenState),
                                  CitizenState.account_id.set(account.account_id),
                                  CitizenState.active.set(CitizenState.active | {}),
                                  CitizenState.version.set(CitizenState.version | 0)],
                         condition=Item.pk.does_not_exist()
                         | CitizenState.account_id.does_not_exist())
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
        if "nik" in failed:
            raise NikTaken() from e
        raise


def get(account_id: str) -> Account | None:
    try:
        return Account.get(account_pk(account_id), "PROFILE", consistent_read=True)
    except Account.DoesNotExist:
        return None


def get_with(account_id: str, others: dict[str, tuple[str, str]]) -> tuple[Account | None, dict]:
    """The account and other items by key, in one strongly consistent BatchGetItem:
    (account or None, {name: item or None})."""
    wanted = {(account_pk(account_id), "PROFILE"): "account",
              **{key: name for name, key in others.items()}}
    found: dict = {name: None for name in wanted.values()}
    for item in Item.batch_get(list(wanted), consistent_read=True):
        found[wanted[(item.pk, item.sk)]] = item
    account = found.pop("account")
    return (account if isinstance(account, Account) else None), found


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
    try:
        claim = EmailClaim.get(f"EMAIL#{email}", "EMAIL", consistent_read=True)
    except EmailClaim.DoesNotExist:
        return None
    return get(claim.account_id)


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
    """The new password, every old token ended, the code used up: only for this code."""
    try:
        account.update(actions=[
            Account.password_hash.set(password_hash), Account.token_version.add(1),
            Account.verified.set(True), Account.reset_code_hash.remove(),
            Account.reset_expires_at.remove()],
            condition=Account.reset_code_hash == code_hash)
    except UpdateError as e:
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
    """Verify only if this very code is still the current one with attempts left."""
    try:
        # the code stays: verifying again with it answers as before, reveals nothing new
        account.update(
            actions=[Account.verified.set(True)],
            condition=(Account.verify_code_hash == code_hash)
            & (Account.verify_attempts <= max_attempts))
    except UpdateError as e:
        raise InvalidCode() from e
