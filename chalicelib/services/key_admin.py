"""The stage's secrets as city IT handles them offline (command line, deploy): the NIK key
created only where the table holds no citizens, rotated, backed up encrypted, restored.

Never on a request path: these read and write SSM Parameter Store with the officer's own
AWS login. Messages are Bahasa Indonesia first, then English.
"""
from __future__ import annotations

import base64
import json
import secrets
from datetime import datetime, timezone

from chalicelib import config
from chalicelib.services import nik_keys
from chalicelib.services.nik_keys import Ring

BACKUP_FORMAT = "antre-keys-v1"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2 ** 15, 8, 1
MIN_PASSPHRASE = 12


class KeyRefused(Exception):
    """What the officer must do instead (the message says it in both languages)."""


def _ssm():
    import boto3

    return boto3.client("ssm")


def parameter_names() -> dict:
    """The stage's secret parameters: {"nik": name, "jwt": name} (deployed stages)."""
    env = config.get().env
    names = {"nik": env.get("ANTRE_NIK_HMAC_KEY_SSM"), "jwt": env.get("ANTRE_JWT_SECRET_SSM")}
    if not names["nik"]:
        raise KeyRefused(
            "Tahap ini tidak menyimpan kuncinya di SSM (ANTRE_NIK_HMAC_KEY_SSM kosong di "
            ".chalice/config.json); pakai --stage dev atau prod. / This stage keeps no key in "
            "SSM (no ANTRE_NIK_HMAC_KEY_SSM in .chalice/config.json); use --stage dev or prod.")
    return names


def read_parameter(name: str) -> str | None:
    ssm = _ssm()
    try:
        return ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except ssm.exceptions.ParameterNotFound:
        return None


def table_marker():
    """The table's NIK key marker; None when the table holds no citizen (or does not exist)."""
    from pynamodb.exceptions import PynamoDBException

    try:
        return nik_keys.marker()
    except PynamoDBException as e:
        if e.cause_response_code == "ResourceNotFoundException":
            return None
        raise


def refusal_over_citizens(name: str, found) -> str:
    ids = ", ".join(sorted(found.fingerprints.as_dict(), key=int))
    return (f"DITOLAK: parameter {name} tidak ada, tetapi tabel {config.get().table_name} sudah "
            f"berisi warga yang NIK-nya di-hash dengan kunci {ids}. Kunci baru akan memberi "
            f"NIK yang sama akun kedua. Pulihkan kunci dari cadangan terenkripsi petugas: "
            f"make cli ARGS=\"--stage {config.get().stage} restore-keys <berkas cadangan>\"\n"
            f"REFUSED: parameter {name} is missing, but table {config.get().table_name} "
            f"already holds citizens whose NIKs were hashed with key {ids}. A new key would "
            f"give the same NIK a second account. Restore the key from the officer's encrypted "
            f"backup: make cli ARGS=\"--stage {config.get().stage} restore-keys <backup file>\"")


def mismatch(name: str, wrong: list[str]) -> str:
    return (f"DITOLAK: kunci NIK di {name} tidak cocok dengan tabel {config.get().table_name} "
            f"({'; '.join(wrong)}). Pulihkan kunci dari cadangan: make cli ARGS=\"--stage "
            f"{config.get().stage} restore-keys <berkas cadangan>\"\n"
            f"REFUSED: the NIK key in {name} does not match table {config.get().table_name} "
            f"({'; '.join(wrong)}). Restore it from the backup: make cli ARGS=\"--stage "
            f"{config.get().stage} restore-keys <backup file>\"")


def check_nik_key() -> str:
    """Whether the stage's NIK key may be used or created (deploy's preflight): a message
    when it may; KeyRefused when the key is missing over citizens or does not match them."""
    name = parameter_names()["nik"]
    text, found = read_parameter(name), table_marker()
    if text is None:
        if found is not None:
            raise KeyRefused(refusal_over_citizens(name, found))
        return (f"{name} belum ada; tabel belum berisi warga, jadi kunci baru boleh dibuat / "
                f"{name} does not exist yet; the table holds no citizens, so a new key may be "
                f"made")
    wrong = nik_keys.problems(Ring.parse(text), found)
    if wrong:
        raise KeyRefused(mismatch(name, wrong))
    return f"{name} cocok dengan tabel / {name} matches the table"


def ensure_nik_key() -> str:
    """Create the NIK key parameter if it is missing, and only where the table holds no
    citizens; an existing one is checked against the table and never replaced."""
    name = parameter_names()["nik"]
    said = check_nik_key()
    if read_parameter(name) is not None:
        return f"kept {name}: {said}"
    # Without Overwrite, put_parameter refuses to replace a parameter made meanwhile.
    _ssm().put_parameter(Name=name, Type="SecureString", Value=secrets.token_hex(32),
                         Description=f"Antre {config.get().stage}: NIK hash key ring. Back it "
                                     f"up (cli backup-keys); never replace it",
                         Tags=[{"Key": "app", "Value": "antre"},
                               {"Key": "stage", "Value": config.get().stage}])
    return f"created {name}"


def rotate_nik_key(now: datetime) -> str:
    """Add a key to the ring (the old ones stay for reading and for rehashing) and make it
    current, in SSM and in the table's marker. Run again, it finishes a rotation whose
    marker was not written."""
    from chalicelib.store.models import Item, NikKeyRing

    name = parameter_names()["nik"]
    text, found = read_parameter(name), table_marker()
    if text is None:
        raise KeyRefused(refusal_over_citizens(name, found) if found is not None else
                         f"{name} tidak ada; jalankan deploy dulu / {name} does not exist; "
                         f"deploy first")
    ring = Ring.parse(text)
    held = found.fingerprints.as_dict() if found is not None else {}
    unfinished = found is not None and ring.current not in held \
        and not nik_keys.problems(Ring({k: v for k, v in ring.keys.items()
                                        if k != ring.current},
                                       found.current), found)
    if not unfinished:
        wrong = nik_keys.problems(ring, found)
        if wrong:
            raise KeyRefused(mismatch(name, wrong))
        ring = ring.rotated()
        _ssm().put_parameter(Name=name, Type="SecureString", Value=ring.dumps(), Overwrite=True)
    marker = NikKeyRing(pk=nik_keys.RING_PK, sk=nik_keys.RING_SK, current=ring.current,
                        fingerprints=ring.fingerprints(), updated_at=now.isoformat())
    marker.save(condition=Item.pk.does_not_exist() | (NikKeyRing.current == (
        found.current if found is not None else ring.current)))
    nik_keys.forget()
    return (f"Kunci NIK {ring.current} ditambahkan dan dipakai mulai sekarang; kunci lama tetap "
            f"disimpan untuk membaca. NIK tiap warga di-hash ulang saat ia masuk atau booking "
            f"berikutnya. Buat cadangan baru sekarang: make cli ARGS=\"--stage "
            f"{config.get().stage} backup-keys -o <berkas>\"\n"
            f"NIK key {ring.current} added and current from now on; the old keys stay for "
            f"reading. Each citizen's NIK is rehashed at their next login or booking. Make a "
            f"new backup now: make cli ARGS=\"--stage {config.get().stage} backup-keys -o "
            f"<file>\"")


# --- the encrypted backup ------------------------------------------------------------------


def _fernet(passphrase: str, salt: bytes, n: int, r: int, p: int):
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    key = Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def backup(passphrase: str, now: datetime) -> bytes:
    """The stage's secret parameters, encrypted under the passphrase (scrypt, then Fernet:
    AES-128-CBC with an HMAC). Only the NIK keys' fingerprints stay readable, so the officer
    can tell which table a backup belongs to without opening it."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise KeyRefused(f"Frasa sandi minimal {MIN_PASSPHRASE} karakter / The passphrase "
                         f"needs at least {MIN_PASSPHRASE} characters")
    names = parameter_names()
    values = {name: read_parameter(name) for name in names.values() if name}
    if values.get(names["nik"]) is None:
        raise KeyRefused(f"{names['nik']} tidak ada: tidak ada yang dicadangkan / "
                         f"{names['nik']} does not exist: nothing to back up")
    salt = secrets.token_bytes(16)
    secret = json.dumps({"parameters": {k: v for k, v in values.items() if v is not None}})
    token = _fernet(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P).encrypt(secret.encode())
    ring = Ring.parse(values[names["nik"]])
    return json.dumps({
        "format": BACKUP_FORMAT, "stage": config.get().stage,
        "table": config.get().table_name,
        "created_at": now.astimezone(timezone.utc).isoformat(),
        "nik_key_fingerprints": ring.fingerprints(),
        "kdf": {"name": "scrypt", "salt": base64.b64encode(salt).decode(),
                "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P},
        "token": token.decode()}, indent=2).encode() + b"\n"


def restore(data: bytes, passphrase: str) -> list[str]:
    """Put the backup's parameters back (overwriting), after checking that its NIK key is the
    table's. Returns what was restored."""
    from cryptography.fernet import InvalidToken

    try:
        outer = json.loads(data)
        assert outer["format"] == BACKUP_FORMAT
        kdf = outer["kdf"]
        fernet = _fernet(passphrase, base64.b64decode(kdf["salt"]), kdf["n"], kdf["r"],
                         kdf["p"])
    except (ValueError, KeyError, TypeError, AssertionError):
        raise KeyRefused("Berkas ini bukan cadangan kunci Antre / This file is not an Antre "
                         "key backup") from None
    try:
        inner = json.loads(fernet.decrypt(outer["token"].encode()))
    except InvalidToken:
        raise KeyRefused("Frasa sandi salah (atau berkas rusak) / Wrong passphrase (or a "
                         "damaged file)") from None
    names = parameter_names()
    params = inner["parameters"]
    nik_text = params.get(names["nik"])
    if nik_text is None:  # a backup of another stage's names: its only NIK key
        nik_text = next((v for k, v in params.items() if k.endswith("nik-hmac-key")), None)
    if nik_text is None:
        raise KeyRefused("Cadangan ini tidak berisi kunci NIK / This backup holds no NIK key")
    wrong = nik_keys.problems(Ring.parse(nik_text), table_marker())
    if wrong:
        raise KeyRefused(
            f"DITOLAK: kunci NIK di cadangan ini bukan kunci tabel {config.get().table_name} "
            f"({'; '.join(wrong)}); cari cadangan yang benar. / REFUSED: this backup's NIK key "
            f"is not table {config.get().table_name}'s ({'; '.join(wrong)}); find the right "
            f"backup.")
    restored = []
    jwt_text = params.get(names["jwt"]) if names.get("jwt") else None
    if jwt_text is None and names.get("jwt"):
        jwt_text = next((v for k, v in params.items() if k.endswith("jwt-secret")), None)
    for name, value in ((names["nik"], nik_text), (names.get("jwt"), jwt_text)):
        if name and value is not None:
            _ssm().put_parameter(Name=name, Type="SecureString", Value=value, Overwrite=True)
            restored.append(name)
    nik_keys.forget()
    return restored
