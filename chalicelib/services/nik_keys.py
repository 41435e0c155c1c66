"""The NIK keys: the key ring the stage's NIK hashes are made with, checked before use.

A NIK is stored only as a keyed hash (HMAC), so the key is what one-account-per-NIK and
one-booking-per-day stand on: hashed with another key, a citizen's NIK would match nothing
and register a second account. So:

- The stage's secret (`ANTRE_NIK_HMAC_KEY`, deployed: the SSM parameter it names) holds a
  plain key (key id "1") or, once rotated, a ring `{"current": "2", "keys": {"1": ..., "2":
  ...}}`. Every NIK hash is stored with the id of its key (`nik_key` on the account and on
  the citizen's state item; absent means "1").
- The table holds the ring's marker (`META#nik-key`/`RING`, models.NikKeyRing): each key id
  with its fingerprint (an HMAC of a fixed text under the key) and the current id, written
  with the first citizen. Before a container hashes a typed NIK it reads the marker once and
  refuses (503 `nik_key_unavailable`, and a log line saying how to restore the key) when its
  key is missing or is not the key of the marker; every write that hashes a typed NIK
  checks the marker's current id in its own transaction, so a container that missed a
  rotation reloads the ring instead of hashing with an old key.
- Rotation (`cli rotate-nik-key`) adds a key; the old ones stay, because a hash under key n
  is the HMAC under key n of the hash under key n-1 (the NIK itself is never stored, so a
  citizen's items can be rehashed without it): a citizen's NIK items move to the new key's
  hash at their next login or booking (one transaction with conditions), and until then
  registration and the NIK checks look under every key's hash. After a rotation a stolen old
  key alone matches nothing the table holds for a rehashed citizen.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
from dataclasses import dataclass

from chalicelib import config
from chalicelib.errors import NikKeyUnavailable

log = logging.getLogger(__name__)

RING_PK, RING_SK = "META#nik-key", "RING"
FINGERPRINT_TEXT = b"antre: NIK key fingerprint v1"
STEP = "nik_ring"  # the name of the marker's step in a transaction
RESTORE_HINT = ("restore the stage's NIK key from the officer's encrypted backup: "
                "make cli ARGS=\"--stage <stage> restore-keys <backup file>\" "
                "(infra/README.md, Secrets); never create a new one over existing citizens")


class RingChanged(Exception):
    """The marker's current key is not this container's: load the ring again, try again."""


@dataclass(frozen=True)
class Ring:
    keys: dict  # key id ("1", "2", ...) -> the secret text
    current: str

    @classmethod
    def parse(cls, text: str) -> "Ring":
        text = (text or "").strip()
        if not text:
            raise ValueError("empty NIK key")
        if not text.startswith("{"):
            return cls({"1": text}, "1")
        data = json.loads(text)
        keys = {str(k): str(v) for k, v in data["keys"].items()}
        current = str(data["current"])
        if current not in keys or not all(k.isdigit() and v for k, v in keys.items()):
            raise ValueError("malformed NIK key ring")
        return cls(keys, current)

    def dumps(self) -> str:
        """The parameter's text: a single first key stays the plain value deploy made."""
        if self.keys.keys() == {"1"}:
            return self.keys["1"]
        return json.dumps({"current": self.current, "keys": self.keys}, sort_keys=True)

    @property
    def ids(self) -> list[str]:
        return sorted(self.keys, key=int)

    def fingerprint(self, key_id: str) -> str:
        return hmac.new(self.keys[key_id].encode(), FINGERPRINT_TEXT, hashlib.sha256).hexdigest()

    def fingerprints(self) -> dict:
        return {k: self.fingerprint(k) for k in self.ids}

    def _step(self, key_id: str, value: str) -> str:
        return hmac.new(self.keys[key_id].encode(), value.encode("ascii"),
                        hashlib.sha256).hexdigest()

    def hashes(self, nik: str) -> dict:
        """The NIK's hash under every key id up to the current one, newest first."""
        found, value = {}, nik
        for key_id in self.ids:
            value = self._step(key_id, value)
            found[key_id] = value
            if key_id == self.current:
                break
        return dict(reversed(list(found.items())))

    def forward(self, nik_hash: str, key_id: str) -> str:
        """The current key's hash of the NIK whose hash under `key_id` is `nik_hash`."""
        value = nik_hash
        for later in self.ids:
            if int(later) > int(key_id) and int(later) <= int(self.current):
                value = self._step(later, value)
        return value

    def rotated(self) -> "Ring":
        new = str(int(self.ids[-1]) + 1)
        return Ring({**self.keys, new: secrets.token_hex(32)}, new)


_lock = threading.Lock()
_ring: Ring | None = None
_marked = False  # the table's marker was read and holds this ring's current key


def forget() -> None:
    """Load the ring and read the marker again on next use (tests; a ring that changed)."""
    global _ring, _marked
    with _lock:
        _ring, _marked = None, False


def _read_secret() -> str:
    cfg = config.get()
    return config._secret(cfg.env, "ANTRE_NIK_HMAC_KEY", cfg._dev_default)


def loaded() -> Ring | None:
    """The stage's ring as its secret holds it, unchecked (None when it cannot be read)."""
    global _ring
    if _ring is None:
        try:
            ring = Ring.parse(_read_secret())
        except Exception as e:  # a missing parameter, no permission, a malformed value
            log.error("nik_key.unreadable: %s; %s", type(e).__name__, RESTORE_HINT)
            return None
        with _lock:
            _ring = ring
    return _ring


def marker():
    from chalicelib.store.models import NikKeyRing

    try:
        return NikKeyRing.get(RING_PK, RING_SK, consistent_read=True)
    except NikKeyRing.DoesNotExist:
        return None


def problems(ring: Ring, found) -> list[str]:
    """Why `ring` may not hash NIKs of a table whose marker is `found` (empty: it may)."""
    if found is None:
        return []
    wrong = []
    held = dict(found.fingerprints.as_dict() if hasattr(found.fingerprints, "as_dict")
                else found.fingerprints or {})
    for key_id, fp in sorted(held.items(), key=lambda kv: int(kv[0])):
        if key_id not in ring.keys:
            wrong.append(f"key {key_id} is missing from the stage's NIK key")
        elif ring.fingerprint(key_id) != fp:
            wrong.append(f"key {key_id} is not the key the table's NIK hashes were made with")
    if not wrong and found.current != ring.current:
        wrong.append(f"the table's current key is {found.current}, the stage's is "
                     f"{ring.current}")
    return wrong


def ring() -> Ring:
    """The ring, checked against the table's marker once per container; refuses (503
    `nik_key_unavailable`, logged with how to restore the key) if it may not be used."""
    global _marked
    current = loaded()
    if current is None:
        raise NikKeyUnavailable()
    if _marked:
        return current
    found = marker()
    wrong = problems(current, found)
    if wrong:  # perhaps a rotation this container missed: the secret once more
        forget()
        current = loaded()
        wrong = problems(current, found) if current is not None else ["unreadable"]
        if wrong:
            log.error("nik_key.mismatch: %s; %s", "; ".join(wrong), RESTORE_HINT)
            raise NikKeyUnavailable()
    with _lock:
        _marked = found is not None
    return current


def step(s, ring_: Ring) -> None:
    """The marker's step in a transaction that hashes a typed NIK: the marker written with
    the table's first citizen, then checked (its current key is this container's)."""
    from chalicelib.store.models import Item, NikKeyRing

    if _marked:
        s.check(STEP, NikKeyRing, RING_PK, RING_SK,
                condition=NikKeyRing.current == ring_.current)
    else:
        s.save(STEP, NikKeyRing(pk=RING_PK, sk=RING_SK, current=ring_.current,
                                fingerprints=ring_.fingerprints()),
               condition=Item.pk.does_not_exist())


def written() -> None:
    """A transaction with the marker's step went through: the marker stands."""
    global _marked
    with _lock:
        _marked = True


def with_ring(fn):
    """`fn(ring)`, once more on a freshly loaded and checked ring if its transaction found
    the marker changed (another container wrote it first, or a rotation)."""
    for attempt in range(2):
        try:
            result = fn(ring())
            written()
            return result
        except RingChanged:
            forget()
    log.error("nik_key.changed: the table's NIK key marker keeps changing; %s", RESTORE_HINT)
    raise NikKeyUnavailable()


def key_id_of(item) -> str:
    return getattr(item, "nik_key", None) or "1"


def resolve(ring_: Ring, nik: str, every_key: bool = True) -> tuple[str, str, list[str]]:
    """Where a typed NIK lives: (key id, hash, the other keys' hashes). With one key, its
    hash. While a rotation is under way, the hash of an existing citizen state (newest key
    first; not yet rehashed), else the current key's; the caller's transaction checks that
    no other hash holds an account (one BatchGetItem, only while rotating)."""
    hashes = ring_.hashes(nik)
    if len(hashes) == 1 or not every_key:  # every_key=False: only the race test's canary
        return ring_.current, hashes[ring_.current], []
    from chalicelib.store.accounts import citizen_pk
    from chalicelib.store.models import CitizenState, Item

    wanted = {(citizen_pk(h), "STATE"): key_id for key_id, h in hashes.items()}
    held = {wanted[(i.pk, i.sk)] for i in Item.batch_get(list(wanted), consistent_read=True)
            if isinstance(i, CitizenState)}
    key_id = next((k for k in hashes if k in held), ring_.current)
    return key_id, hashes[key_id], [h for k, h in hashes.items() if k != key_id]


def rehash(account):
    """The citizen's NIK items moved to the current key's hash if they are under an older
    key (at login and booking): returns the account as it now stands. Nothing happens
    with one key, when the ring cannot be read (the NIK checks refuse then, not a login),
    or when the move lost a race (it is tried again next time; the old hash is still read)."""
    if account is None or not account.nik_hash:
        return account
    ring_ = loaded()
    old_id = key_id_of(account)
    if ring_ is None or old_id == ring_.current or old_id not in ring_.keys:
        return account
    try:
        ring_ = ring()  # checked against the table's marker before anything moves
    except NikKeyUnavailable:
        return account
    from pynamodb.exceptions import PynamoDBException

    from chalicelib.store import accounts as store

    old_hash, new_hash = account.nik_hash, ring_.forward(account.nik_hash, old_id)
    try:
        if not store.rehash_nik(account, new_hash, ring_.current, lambda s: step(s, ring_)):
            return account
    except PynamoDBException as e:
        log.info("nik_key.rehash_lost: %s", type(e).__name__)
        return account
    written()
    account.nik_hash, account.nik_key = new_hash, ring_.current
    store.rehash_history(account.account_id, old_hash, new_hash)
    log.info("nik_key.rehashed: to key %s", ring_.current)
    return account
