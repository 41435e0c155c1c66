"""Who is calling: password hashing (argon2id) and signed session tokens (PyJWT, HS256).

argon2 and PyJWT load on first use, not with the app: a cold start that answers a public
page or the stream's mail sender does not pay for them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from chalicelib import config
from chalicelib.errors import Forbidden, Unauthorized

ROLES = ("citizen", "staff", "admin", "super")  # super: the city's admin of every mall


@dataclass(frozen=True)
class Principal:
    account_id: str
    role: str
    mall_id: str | None = None
    version: int = 0  # the account's token version when the token was issued
    # a citizen's token names the key of its NIK's state (the NIK's HMAC, which says nothing
    # without the server's key), so a booking reads that state in the same call that checks
    # the token against the account
    nik_hash: str | None = field(default=None, compare=False, repr=False)
    account: object = field(default=None, compare=False, repr=False)  # once checked
    # items the use case asked to read with the account ({name: item or None})
    read: dict = field(default_factory=dict, compare=False, repr=False)


def PasswordHasher(*args, **kwargs):  # noqa: N802 (argon2's class, loaded when used)
    from argon2 import PasswordHasher as Argon2

    return Argon2(*args, **kwargs)


@lru_cache(maxsize=1)
def _hasher():
    cfg = config.get()
    return PasswordHasher(time_cost=cfg.password_time_cost, memory_cost=cfg.password_memory_kib)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists (a missing hash checks a dummy)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return _hasher().verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher().hash("not-a-real-password")


def issue_token(principal: Principal, now: datetime) -> tuple[str, datetime]:
    cfg = config.get()
    expires = now + timedelta(hours=cfg.token_hours)
    claims = {"sub": principal.account_id, "role": principal.role, "iat": int(now.timestamp()),
              "exp": int(expires.timestamp()), "ver": principal.version}
    if principal.mall_id:
        claims["mall_id"] = principal.mall_id
    if principal.nik_hash:
        claims["nik"] = principal.nik_hash
    import jwt

    return jwt.encode(claims, cfg.jwt_secret, algorithm="HS256"), expires


def read_token(authorization: str | None, now: datetime) -> Principal:
    """The principal of an `Authorization: Bearer <token>` header, or Unauthorized.

    Expiry is checked against the app's clock (`now`), not PyJWT's own reading of time."""
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthorized()
    import jwt

    try:
        claims = jwt.decode(authorization[7:].strip(), config.get().jwt_secret,
                            algorithms=["HS256"],
                            options={"require": ["sub", "exp", "role"], "verify_exp": False,
                                     "verify_iat": False})
    except jwt.PyJWTError as e:
        raise Unauthorized("token.invalid") from e
    if claims["role"] not in ROLES or not isinstance(claims["exp"], int):
        raise Unauthorized("token.invalid")
    if claims["exp"] <= now.timestamp():
        raise Unauthorized("token.expired")
    version, nik_hash = claims.get("ver", 0), claims.get("nik")
    if not isinstance(version, int) or not isinstance(nik_hash, (str, type(None))):
        raise Unauthorized("token.invalid")
    return Principal(claims["sub"], claims["role"], claims.get("mall_id"), version, nik_hash)


def require_role(principal: Principal, *roles: str) -> Principal:
    if principal.role not in roles:
        raise Forbidden()
    return principal
