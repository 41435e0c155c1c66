"""Registering, verifying the email address and the phone, logging in, a NIK won back.

Every route a stranger can call with someone else's address (register, verify, resend,
reset, reset confirm) answers a known and an unknown address alike, in body, status and
time: limits are keyed by what the caller typed (the address, the client), and where a
known address would get a mail an unknown one gets a decoy write of the same cost
(`store.accounts.decoy`). Mail to an address nobody verified yet never carries the name
typed with it, and a phone gets nothing by SMS but its own code until that code came back.
"""
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
    EmailTaken,
    Forbidden,
    InvalidCode,
    InvalidCredentials,
    NikTaken,
    NotFound,
    PhoneNotVerified,
    TooManyAttempts,
    Unauthorized,
    ValidationFailed,
)
from chalicelib.services import nik_keys, throttle
from chalicelib.services.auth import Principal, check_password, hash_password, issue_token
from chalicelib.store import accounts as store
from chalicelib.store import outbox, suppression
from chalicelib.store.models import Account

RESEND_INTERVAL_SECONDS = 60
DAY = 86400


def _code_hash(account_id: str, code: str) -> str:
    key = config.get().jwt_secret.encode()
    return hmac.new(key, f"{account_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _greeting(account: Account) -> str:
    """The name a mail may say: only once the address is proven to be the account's (a
    name typed with a stranger's address must not reach that stranger)."""
    return account.name if account.verified else ""


def _verify_mail(account: Account, code: str, now: datetime):
    minutes = config.get().verify_code_minutes
    return outbox.new_mail("verify", account.email,
                           {"code": code, "expires_minutes": minutes},
                           ref=account.account_id, now=now)


def register(*, email: str, password: str, name: str, phone: str, nik: str | None,
             now: datetime, role: str = "citizen", mall_id: str | None = None,
             verified: bool = False, extra=None, sms_opt_in: bool = False,
             address: str | None = None, rights=(), every_key: bool = True) -> str:
    """Create an unverified account (gone after `unverified_hours` unless verified) and
    email it a 6-digit code. Returns the account id. An address that has an account answers
    the same: a new id nothing holds, and its owner is told someone tried (a few times a day
    at most). A NIK another account holds is 409 `nik_taken`, saying how to claim it.
    `sms_opt_in` is kept for the API's sake: SMS start once the phone is proven.
    `address`: the client's, for the registration limit (None: made by an admin).
    `every_key=False` (look under the current NIK key only) exists only for the race canary."""
    cfg = config.get()
    if address is not None:
        throttle.take("register_address", address, now)
    email = identity.normalize_email(email)
    phone = identity.normalize_phone(phone)
    nik = identity.validate_nik(nik) if nik else None
    identity.check_password_strength(password, name=name, email=email, nik=nik,
                                     places=_cities())
    registry_check(nik, name)
    account_id = str(ULID())
    code = identity.new_verification_code()
    account = Account(
        pk=store.account_pk(account_id), sk="PROFILE", account_id=account_id, email=email,
        name=name.strip(), phone=phone, password_hash=hash_password(password), role=role,
        mall_id=mall_id, verified=verified, created_at=now.isoformat(), sms_opt_in=False,
        nik_last4=identity.nik_last4(nik) if nik else None, rights=list(rights),
    )
    mail = None
    if not verified:
        account.verify_code_hash = _code_hash(account_id, code)
        account.verify_expires_at = int(now.timestamp()) + 60 * cfg.verify_code_minutes
        account.verify_attempts = 0
        account.expires_at = int(now.timestamp()) + 3600 * cfg.unverified_hours
        mail = _verify_mail(account, code, now)
    # The same calls either way: the notice limit taken, the address looked up (one read),
    # then the account written or the owner told (one write each).
    try:
        throttle.take("notice_destination", email, now)
        notice = True
    except TooManyAttempts:
        notice = False
    try:
        if store.email_held(email, int(now.timestamp())):
            raise EmailTaken()
        if nik:
            def create(ring):
                account.nik_key, account.nik_hash, others = nik_keys.resolve(ring, nik,
                                                                             every_key)
                store.create_once(account, mail, extra, now_epoch=int(now.timestamp()),
                                  ring=ring, others=others)

            nik_keys.with_ring(create)
        else:
            store.create_once(account, mail, extra, now_epoch=int(now.timestamp()))
    except EmailTaken:
        if address is None:  # an admin creating staff hears it as before
            raise
        _someone_tried(email, now, notice)
        return str(ULID())
    return account_id


def _someone_tried(email: str, now: datetime, notice: bool) -> None:
    """Tell the owner of an address someone tried to register with it (a decoy instead once
    the address had its notices for the day)."""
    mail = outbox.new_mail("register_attempt", email, {"login_url": _page_url("#masuk")},
                           ref="register", now=now) if notice else None
    store.decoy(now, items=4, mail=mail)  # as many items as a new account's transaction


def _page_url(fragment: str) -> str:
    return config.get().public_base_url.rstrip("/") + "/" + fragment


# --- a check against the population registry: a seam, off --------------------------------------


class IdentityVerifier:
    """Checks a NIK and a name against the population registry (Dukcapil's). None is wired
    in: `ANTRE_IDENTITY_VERIFIER` is "off", the only value there is, and nothing is called.
    One would implement `check` (raise ValidationFailed for a NIK that is not this person's)
    and be chosen here by that setting, behind an agreement with Dukcapil."""

    def check(self, nik: str, name: str) -> None:  # pragma: no cover - the interface
        raise NotImplementedError


class NoVerifier(IdentityVerifier):
    def check(self, nik: str, name: str) -> None:
        return None


VERIFIERS: dict[str, type[IdentityVerifier]] = {"off": NoVerifier}


def registry_check(nik: str | None, name: str) -> None:
    """The configured verifier's verdict on a NIK about to be bound to an account."""
    if nik:
        VERIFIERS[config.get().identity_verifier]().check(nik, name)


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


def _code_attempt(email: str, account: Account | None, now: datetime) -> None:
    """One code attempt for the address typed, counted across codes and kinds (verification
    and reset) for a day, before the code is compared; the last one allowed locks resets for
    the day and tells the owner. Keyed by the address, so an unknown one counts the same."""
    cfg = config.get()
    count = throttle.take_counted("code_account", email, now, limit=cfg.code_failures_per_day)
    if count == cfg.code_failures_per_day and account is not None:
        mail = outbox.new_mail("codes_locked", account.email,
                               {"name": _greeting(account), "hours": 24,
                                "reset_url": _page_url("#lupa")},
                               ref=account.account_id, now=now)
        store.lock_codes(account, int(now.timestamp()) + DAY, mail)


def _refused(now: datetime) -> InvalidCode:
    """The refusal of a code that had no attempt to spend (no account, no code, expired),
    after the write such an attempt costs: every refusal costs the same calls."""
    store.decoy_attempt(now)
    return InvalidCode()


def _typed_email(email: str) -> str:
    try:
        return identity.normalize_email(email)
    except ValidationFailed:
        return email.strip().lower()


def verify(*, email: str, code: str, now: datetime, address: str = "unknown") -> None:
    """Verify the address with its code. Attempts are spent (conditional writes: per client,
    per address across codes, per code) before the code is compared. Every refusal is the
    same `invalid_code`, whether the code is wrong, expired, used up or the address unknown;
    an account already verified answers like an unknown one unless the code is its right one."""
    cfg = config.get()
    throttle.take("code_address", address, now)
    account = _account_by_email(email)
    _code_attempt(_typed_email(email), account, now)
    if account is None:
        raise _refused(now)
    given = _code_hash(account.account_id, code.strip())
    if account.verified:
        if account.verify_code_hash and hmac.compare_digest(given, account.verify_code_hash):
            return
        raise _refused(now)
    if not account.verify_expires_at or account.verify_expires_at < now.timestamp():
        raise _refused(now)
    store.spend_attempt(account, cfg.verify_max_attempts)
    if not hmac.compare_digest(given, account.verify_code_hash or ""):
        raise InvalidCode()
    store.mark_verified(account, given, cfg.verify_max_attempts)


def resend_code(*, email: str, now: datetime, address: str = "unknown") -> None:
    """Send a new code to an unverified account, at most one a minute and a few a day per
    account, per address and per client. Says nothing about whether the account exists:
    the same limits are taken, and a decoy is written where no code goes."""
    cfg = config.get()
    typed = _typed_email(email)
    throttle.take("resend_address", address, now)
    throttle.take("resend_destination", typed, now)
    account = _account_by_email(email)
    throttle.take("resend_account", account.account_id if account else typed, now)
    issued = (account.verify_expires_at or 0) - 60 * cfg.verify_code_minutes if account else 0
    if account is None or account.verified or now.timestamp() - issued < RESEND_INTERVAL_SECONDS:
        store.decoy(now)  # one code a minute is enough; the last one is still on its way
        return
    code = identity.new_verification_code()
    store.replace_code(account, _code_hash(account.account_id, code),
                       int(now.timestamp()) + 60 * cfg.verify_code_minutes,
                       _verify_mail(account, code, now))


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
    # a token from before the NIK was rehashed under a new key (or moved) names the old hash
    if principal.nik_hash != account.nik_hash:
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
    account = nik_keys.rehash(account)  # after a rotation: to the new key's hash
    return issue_token(Principal(account.account_id, account.role, account.mall_id,
                                 int(account.token_version), account.nik_hash), now)


def update_settings(principal: Principal, sms_opt_in: bool, now: datetime) -> dict:
    """SMS on or off; on only for a phone its owner proved (409 `phone_not_verified`)."""
    if sms_opt_in and not principal.account.phone_verified:
        raise PhoneNotVerified()
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
                               {"name": _greeting(account), "code": code,
                                "expires_minutes": minutes},
                               ref=account.account_id, now=now)


def request_reset(*, email: str, now: datetime, address: str = "unknown") -> None:
    """Email a 6-digit code to reset the password. Says nothing about whether the address
    has an account (a decoy is written where no code goes); one code a minute at most, and
    none for a day after too many wrong codes."""
    cfg = config.get()
    throttle.take("reset_address", address, now)
    account = _account_by_email(email)
    epoch = now.timestamp()
    issued = (account.reset_expires_at or 0) - 60 * cfg.verify_code_minutes if account else 0
    if account is None or account.disabled or epoch - issued < RESEND_INTERVAL_SECONDS \
            or (account.codes_locked_until or 0) > epoch:
        store.decoy(now)
        return
    code = identity.new_verification_code()
    mail = _reset_mail(account, code, now)
    store.replace_reset_code(account, _code_hash(account.account_id, f"reset:{code}"),
                             int(now.timestamp()) + 60 * cfg.verify_code_minutes, mail)


def confirm_reset(*, email: str, code: str, password: str, now: datetime,
                  address: str = "unknown") -> None:
    """Set a new password with the emailed code; every earlier session ends. Attempts are
    spent (conditional writes, per client, per address across codes, per code) before the
    code is compared. The password's strength is judged first by what the caller typed (the
    address, the cities), so a weak one is 422 for every address; only once the code is
    right is it judged against the account's name too. The account counts as verified:
    the code proves the mailbox."""
    cfg = config.get()
    throttle.take("code_address", address, now)
    identity.check_password_strength(password, email=_typed_email(email), places=_cities())
    account = _account_by_email(email)
    _code_attempt(_typed_email(email), account, now)
    if account is None or account.disabled or not account.reset_code_hash:
        raise _refused(now)
    if not account.reset_expires_at or account.reset_expires_at < now.timestamp():
        raise _refused(now)
    store.spend_reset_attempt(account, cfg.verify_max_attempts)
    given = _code_hash(account.account_id, f"reset:{code.strip()}")
    if not hmac.compare_digest(given, account.reset_code_hash or ""):
        raise InvalidCode()
    identity.check_password_strength(password, name=account.name, email=account.email,
                                     places=_cities())
    store.complete_reset(account, given, hash_password(password))


# --- the phone: proven before anything but its own code goes to it -------------------------------


def _sms_budget(now: datetime, kind: str) -> None:
    """Count one SMS against the stage's daily budget; past it a code is refused (429)."""
    try:
        throttle.take_counted("sms_day", "stage", now, limit=config.get().sms_daily_budget)
    except TooManyAttempts as e:
        raise TooManyAttempts("phone.sms_budget", headers=e.headers) from e


def send_phone_code(principal: Principal, phone: str | None, now: datetime,
                    address: str = "unknown") -> dict:
    """Text a 6-digit code to the account's phone (or to a new number, which replaces it,
    unproven). Limited per number, per account and per client address a day, and by the
    stage's SMS budget; the only SMS an unproven number ever gets."""
    account = principal.account
    number = identity.normalize_phone(phone) if phone else account.phone
    if number == account.phone and account.phone_verified:
        return me(principal, now)
    throttle.take("phone_address", address, now)
    throttle.take("phone_account", account.account_id, now)
    throttle.take("phone_number", number, now)
    _sms_budget(now, "phone_verify")
    cfg = config.get()
    code = identity.new_verification_code()
    sms = outbox.new_mail("phone_verify", number, {"code": code,
                                                   "expires_minutes": cfg.verify_code_minutes},
                          ref=account.account_id, now=now)
    sms.channel = "sms"
    store.replace_phone_code(account, number, _code_hash(account.account_id, f"phone:{code}"),
                             int(now.timestamp()) + 60 * cfg.verify_code_minutes, sms)
    fresh = store.get(account.account_id)
    return me(replace(principal, account=fresh), now)


def verify_phone(principal: Principal, code: str, now: datetime,
                 address: str = "unknown") -> dict:
    """The code texted to the phone, typed back: the phone is proven and SMS are on."""
    cfg = config.get()
    throttle.take("code_address", address, now)
    account = principal.account
    _code_attempt(f"phone:{account.account_id}", None, now)
    if not account.phone_code_hash or (account.phone_code_expires_at or 0) < now.timestamp():
        raise InvalidCode()
    store.spend_phone_attempt(account, cfg.verify_max_attempts)
    given = _code_hash(account.account_id, f"phone:{code.strip()}")
    if not hmac.compare_digest(given, account.phone_code_hash):
        raise InvalidCode()
    store.mark_phone_verified(account, given)
    return me(replace(principal, account=store.get(account.account_id)), now)


def me(principal: Principal, now: datetime) -> dict:
    account = principal.account or store.get(principal.account_id)
    if account is None:
        raise NotFound()
    pauses = _pauses(account, now)
    return {"account_id": account.account_id, "email": account.email, "name": account.name,
            "phone": account.phone, "nik_last4": account.nik_last4, "role": account.role,
            "mall_id": account.mall_id, "sms_opt_in": bool(account.sms_opt_in),
            "phone_verified": bool(account.phone_verified),
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


# --- a NIK won back by its owner, in person -------------------------------------------------------

CLAIM_RIGHT = "claim"


def may_claim(principal: Principal) -> bool:
    """Mall admins hold every staff right; a staff account holds the rights it was given."""
    account = principal.account
    return principal.role == "admin" or (
        principal.role == "staff" and CLAIM_RIGHT in (account.rights or []))


def claim_nik(principal: Principal, *, email: str, nik: str, now: datetime) -> dict:
    """Staff have seen the KTP in person: the NIK moves to the account of `email` (a verified
    citizen's without a NIK). The account that held it loses it and its sessions, its
    bookings of that NIK still ahead are cancelled (each with its email) and it is told;
    the move is in the mall's audit log with the staff member."""
    from chalicelib.services import booking as booking_service
    from chalicelib.store import bookings as booking_store
    from chalicelib.store import catalog as catalog_store
    from chalicelib.store.catalog import Change

    if not may_claim(principal):
        raise Forbidden("role.claim_only")
    throttle.take("claim_staff", principal.account_id, now)
    nik = identity.validate_nik(nik)
    key_id, nik_hash, _ = nik_keys.resolve(nik_keys.ring(), nik)
    claimant = _account_by_email(email)
    if claimant is None or not claimant.verified or claimant.role != "citizen":
        raise ValidationFailed("claim.no_account")
    if claimant.nik_hash:
        raise ValidationFailed("claim.has_nik", last4=claimant.nik_last4 or "")
    state = booking_store.citizen_state(nik_hash)
    holder = store.get(state.account_id) if state and state.account_id else None
    if holder is None:
        raise ValidationFailed("claim.not_taken")
    last4 = identity.nik_last4(nik)
    change = Change(principal.account_id, "nik.claim", f"NIK …{last4}",
                    {"account_id": holder.account_id}, {"account_id": claimant.account_id})
    notice = outbox.new_mail("nik_claimed", holder.email,
                             {"name": _greeting(holder), "nik_last4": last4},
                             ref=holder.account_id, now=now, mall_id=principal.mall_id)

    def extra(s):
        catalog_store.audited(s, principal.mall_id, change)
        outbox.saved(s, notice)

    try:
        store.move_nik(nik_hash, last4, holder, claimant, extra, key_id=key_id)
    except Exception as e:
        from chalicelib.errors import Busy
        from pynamodb.exceptions import TransactWriteError

        if isinstance(e, TransactWriteError):
            raise Busy() from e
        raise
    holder.nik_hash = None
    owner = Principal(holder.account_id, holder.role, holder.mall_id,
                      int(holder.token_version) + 1, None, account=holder)
    cancelled = 0
    for b in booking_store.list_for(holder.account_id):
        if b.nik_hash == nik_hash and b.status == "booked" and b.start_at > now.timestamp():
            booking_service.cancel(owner, b.booking_id, now)
            cancelled += 1
    return {"account_id": claimant.account_id, "nik_last4": last4,
            "previous_account_id": holder.account_id, "bookings_cancelled": cancelled}
