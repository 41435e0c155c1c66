"""Registering, verifying the email address, logging in."""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import datetime

from ulid import ULID

from chalicelib import config
from chalicelib.domain import identity
from chalicelib.errors import (
    EmailNotVerified,
    Unauthorized,
    InvalidCode,
    InvalidCredentials,
    NotFound,
    ValidationFailed,
)
from chalicelib.services import throttle
from chalicelib.services.auth import Principal, check_password, hash_password, issue_token
from chalicelib.store import accounts as store
from chalicelib.store import outbox, suppression
from chalicelib.store.models import Account

RESEND_INTERVAL_SECONDS = 60


def _code_hash(account_id: str, code: str) -> str:
    key = config.get().jwt_secret.encode()
    return hmac.new(key, f"{account_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _verify_mail(account: Account, code: str, now: datetime):
    minutes = config.get().verify_code_minutes
    return outbox.new_messages("verify", account,
                               {"name": account.name, "code": code, "expires_minutes": minutes},
                               ref=account.account_id, now=now)


def register(*, email: str, password: str, name: str, phone: str, nik: str,
             now: datetime, role: str = "citizen", mall_id: str | None = None,
             verified: bool = False, extra=None, sms_opt_in: bool = False,
             address: str | None = None) -> str:
    """Create an unverified account and email it a 6-digit code. Returns the account id.
    `address`: the client's, for the registration limit (None: made by an admin)."""
    cfg = config.get()
    if address is not None:
        throttle.take("register_address", address, now)
    email = identity.normalize_email(email)
    phone = identity.normalize_phone(phone)
    nik = identity.validate_nik(nik) if nik else None
    identity.check_password_strength(password, name=name, email=email, nik=nik,
                                     places=_cities())
    account_id = str(ULID())
    code = identity.new_verification_code()
    account = Account(
        pk=store.account_pk(account_id), sk="PROFILE", account_id=account_id, email=email,
        name=name.strip(), phone=phone, password_hash=hash_password(password), role=role,
        mall_id=mall_id, verified=verified, created_at=now.isoformat(), sms_opt_in=sms_opt_in,
        nik_hash=identity.nik_hash(nik, cfg.nik_hmac_key) if nik else None,
        nik_last4=identity.nik_last4(nik) if nik else None,
    )
    mail = None
    if not verified:
        account.verify_code_hash = _code_hash(account_id, code)
        account.verify_expires_at = int(now.timestamp()) + 60 * cfg.verify_code_minutes
        account.verify_attempts = 0
        mail = _verify_mail(account, code, now)
    store.create_once(account, mail, extra)
    return account_id


def _cities() -> list[str]:
    """The malls' cities (the catalog's cached list): a guesser tries the city first."""
    from chalicelib.store import catalog as catalog_store

    return [m.city for m in catalog_store.list_malls() if m.city]


def _account_by_email(email: str) -> Account | None:
    """The account of an address as typed, or None. An address that cannot be an account's
    answers like an unknown one: no route reveals which addresses have accounts."""
    try:
        return store.get_by_email(identity.normalize_email(email))
    except ValidationFailed:
        return None


def verify(*, email: str, code: str, now: datetime, address: str = "unknown") -> None:
    """Verify the address with its code. An attempt is spent (a conditional write) before
    the code is compared. An account already verified answers like an unknown one unless
    the code is its right one, so this route reveals no account."""
    cfg = config.get()
    throttle.take("code_address", address, now)
    account = _account_by_email(email)
    if account is None:
        raise InvalidCode()
    given = _code_hash(account.account_id, code.strip())
    if account.verified:
        if account.verify_code_hash and hmac.compare_digest(given, account.verify_code_hash):
            return
        raise InvalidCode()
    if not account.verify_expires_at or account.verify_expires_at < now.timestamp():
        raise InvalidCode("code.expired")
    store.spend_attempt(account, cfg.verify_max_attempts)
    if not hmac.compare_digest(given, account.verify_code_hash or ""):
        raise InvalidCode()
    store.mark_verified(account, given, cfg.verify_max_attempts)


def resend_code(*, email: str, now: datetime) -> None:
    """Send a new code to an unverified account. Says nothing about whether it exists."""
    cfg = config.get()
    account = _account_by_email(email)
    if account is None or account.verified:
        return
    issued = (account.verify_expires_at or 0) - 60 * cfg.verify_code_minutes
    if now.timestamp() - issued < RESEND_INTERVAL_SECONDS:
        return  # one code a minute is enough; the last one is still on its way
    code = identity.new_verification_code()
    mail = _verify_mail(account, code, now)
    store.replace_code(account, _code_hash(account.account_id, code),
                       int(now.timestamp()) + 60 * cfg.verify_code_minutes, mail)


def authenticated(principal: Principal, also=None) -> Principal:
    """The principal with its account, if the account still stands behind the token.

    `also(principal)` may name more items the use case will read ({name: (pk, sk)}): they
    come in the same call as the account (one BatchGetItem) and wait in `principal.read`,
    so a booking makes one read before its transaction."""
    keys = also(principal) if also else {}
    account, read = store.get_with(principal.account_id, keys) if keys \
        else (store.get(principal.account_id), {})
    if account is None or account.disabled \
            or int(account.token_version) != principal.version:
        raise Unauthorized("token.revoked")
    if principal.nik_hash != account.nik_hash:  # cannot happen: a NIK never changes
        principal, read = replace(principal, nik_hash=account.nik_hash), {}
    return replace(principal, role=account.role, mall_id=account.mall_id, account=account,
                   read=read)


def login(*, email: str, password: str, now: datetime, address: str = "unknown",
          atomic_throttle: bool = True) -> tuple[str, datetime]:
    """A session token. An attempt is reserved for the client's address and for the
    account (conditional writes) before the password is checked, so parallel guesses
    cannot outnumber the limits; a wrong password and an unknown email answer alike.
    `atomic_throttle=False` (read, check, then count) exists only for the race canary."""
    throttle.take("login_address", address, now)
    try:
        email = identity.normalize_email(email)
    except ValidationFailed as e:
        raise InvalidCredentials() from e
    throttle.take("login_account", email, now, atomic=atomic_throttle)
    account = store.get_by_email(email)
    right = check_password(account.password_hash if account else None, password)
    if not atomic_throttle:
        throttle.counted("login_account", email, now)
    if not right:
        raise InvalidCredentials()
    if not account.verified:
        raise EmailNotVerified()
    if account.disabled:
        raise InvalidCredentials()
    return issue_token(Principal(account.account_id, account.role, account.mall_id,
                                 int(account.token_version), account.nik_hash), now)


def update_settings(principal: Principal, sms_opt_in: bool, now: datetime) -> dict:
    store.set_sms_opt_in(principal.account, sms_opt_in)
    principal.account.sms_opt_in = sms_opt_in
    return me(principal, now)


def resume_email(principal: Principal, now: datetime) -> dict:
    """The citizen says the mailbox works again: mail to it may go out again. Another
    permanent bounce or complaint suppresses it once more (mail/feedback.py)."""
    account = principal.account or store.get(principal.account_id)
    if account is None:
        raise NotFound()
    if account.email:
        suppression.lift(account.email)
    return me(principal, now)


def logout_everywhere(principal: Principal) -> None:
    """End every session of the account (every token issued so far)."""
    store.bump_token_version(principal.account)


# --- a forgotten password ---------------------------------------------------------------------


def _reset_mail(account: Account, code: str, now: datetime):
    minutes = config.get().verify_code_minutes
    return outbox.new_messages("password_reset", account,
                               {"name": account.name, "code": code, "expires_minutes": minutes},
                               ref=account.account_id, now=now)


def request_reset(*, email: str, now: datetime, address: str = "unknown") -> None:
    """Email a 6-digit code to reset the password. Says nothing about whether the address
    has an account; one code a minute at most."""
    cfg = config.get()
    throttle.take("reset_address", address, now)
    account = _account_by_email(email)
    if account is None or account.disabled:
        return
    issued = (account.reset_expires_at or 0) - 60 * cfg.verify_code_minutes
    if now.timestamp() - issued < RESEND_INTERVAL_SECONDS:
        return
    code = identity.new_verification_code()
    mail = _reset_mail(account, code, now)
    store.replace_reset_code(account, _code_hash(account.account_id, f"reset:{code}"),
                             int(now.timestamp()) + 60 * cfg.verify_code_minutes, mail)


def confirm_reset(*, email: str, code: str, password: str, now: datetime,
                  address: str = "unknown") -> None:
    """Set a new password with the emailed code; every earlier session ends. An attempt is
    spent (one conditional write) before the code is compared, so parallel guesses cannot
    outnumber the allowed attempts. The account counts as verified: the code proves the
    mailbox."""
    cfg = config.get()
    throttle.take("code_address", address, now)
    account = _account_by_email(email)
    if account is None or account.disabled or not account.reset_code_hash:
        raise InvalidCode()
    identity.check_password_strength(password, name=account.name, email=account.email,
                                     places=_cities())
    if not account.reset_expires_at or account.reset_expires_at < now.timestamp():
        raise InvalidCode("code.expired")
    store.spend_reset_attempt(account, cfg.verify_max_attempts)
    given = _code_hash(account.account_id, f"reset:{code.strip()}")
    if not hmac.compare_digest(given, account.reset_code_hash or ""):
        raise InvalidCode()
    store.complete_reset(account, given, hash_password(password))


def me(principal: Principal, now: datetime) -> dict:
    account = principal.account or store.get(principal.account_id)
    if account is None:
        raise NotFound()
    pauses = _pauses(account, now)
    return {"account_id": account.account_id, "email": account.email, "name": account.name,
            "phone": account.phone, "nik_last4": account.nik_last4, "role": account.role,
            "mall_id": account.mall_id, "sms_opt_in": bool(account.sms_opt_in),
            "booking_paused_until": max((p["until"] for p in pauses), default=None),
            "booking_pauses": pauses,
            "email_undeliverable": bool(account.email)
            and suppression.is_suppressed(account.email)}


def _pauses(account: Account, now: datetime) -> list[dict]:
    """The malls where a no-show policy pauses the citizen's online booking, and until when
    (the mall's date). Each mall counts its own no-shows with its own policy, as booking
    does; without a no-show (nearly everyone) this reads nothing more."""
    if not account.nik_hash:
        return []
    from chalicelib.domain.queue import paused_until
    from chalicelib.store import bookings as booking_store
    from chalicelib.store import catalog as catalog_store

    state = booking_store.citizen_state(account.nik_hash)
    found = []
    # each mall's policy counts the no-shows at that mall only
    for mall_id, shows in booking_store.no_shows_by_mall(state).items():
        catalog = catalog_store.mall_catalog(mall_id)
        if catalog is None:
            continue
        mall = catalog.mall
        until = paused_until(shows, int(now.timestamp()), mall.no_show_limit,
                             mall.no_show_window_days, mall.no_show_pause_days)
        if until:
            found.append({"mall_id": mall.mall_id, "name": mall.name,
                          "until": datetime.fromtimestamp(until, mall.tz).date().isoformat()})
    return found
