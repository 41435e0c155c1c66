"""Who is calling: password hashing (argon2id) and signed session tokens (PyJWT, HS256)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from chalicelib import config
from chalicelib.errors import Forbidden, Unauthorized

ROLES = ("citizen", "staff", "admin", "super")  # super: the city's admin of every mall


@dataclass(frozen=True)
class Principal:
    account_id: str
    role: str
    mall_id: str | None = None
    version: int = 0  # the account's token version when the token was issued
    account: object = field(default=None, compare=False, repr=False)  # once checked


@lru_cache(maxsize=1)
def _hasher() -> PasswordHasher:
    cfg = config.get()
    return PasswordHasher(time_cost=cfg.password_time_cost, memory_cost=cfg.password_memory_kib)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not the account exists (a missing hash checks a dummy)."""
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
    return jwt.encode(claims, cfg.jwt_secret, algorithm="HS256"), expires


def read_token(authorization: str | None, now: datetime) -> Principal:
    """The principal of an `Authorization: Bearer <token>` header, or Unauthorized.

    Expiry is checked against the app's clock (`now`), not PyJWT's own reading of time."""
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthorized()
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
    version = claims.get("ver", 0)
    if not isinstance(version, int):
        raise Unauthorized("token.invalid")
    return Principal(claims["sub"], claims["role"], claims.get("mall_id"), version)


def require_role(principal: Principal, *roles: str) -> Principal:
    if principal.role not in roles:
        raise Forbidden()
    return principal
