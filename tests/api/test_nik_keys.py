"""The NIK key cannot be lost silently: the table's marker (written with the first citizen)
names the key its NIK hashes were made with; a container with another key, or none, refuses
to hash NIKs (503 `nik_key_unavailable`, a log line saying how to restore the key) and never
gives a NIK a second account; creating the key parameter over existing citizens is refused.
"""
from __future__ import annotations

import logging

import pytest

from chalicelib import config
from chalicelib.services import nik_keys
from chalicelib.store.models import Account
from tests.api.helpers import call, nik, person_name, register


def _register(client, email, nik_value):
    return call(client, "POST", "/v1/accounts", {
        "email": email, "password": "kuda-lari-123", "name": person_name(7),
        "phone": "0812-3456-7890", "nik": nik_value})


def use_key(monkeypatch, text):
    """This container's NIK key becomes `text` (as a cold start with another parameter)."""
    monkeypatch.setitem(config.get().env, "ANTRE_NIK_HMAC_KEY", text)
    nik_keys.forget()


def accounts_with(nik_value) -> list[str]:
    hashes = set(nik_keys.loaded().hashes(nik_value).values())
    return [a.account_id for a in Account.scan() if a.nik_hash in hashes]


def test_the_first_citizen_writes_the_key_marker(client):
    assert nik_keys.marker() is None  # the demo seed holds staff only, no NIK
    register(client, nik_value=nik(101))
    found = nik_keys.marker()
    ring = nik_keys.loaded()
    assert found.current == "1"
    assert found.fingerprints.as_dict() == {"1": ring.fingerprint("1")}
    assert ring.keys["1"] not in str(found.serialize())  # a fingerprint, never the key


def test_a_wrong_key_refuses_to_hash_and_never_gives_a_second_account(client, monkeypatch,
                                                                     caplog):
    register(client, email="asli@example.id", nik_value=nik(102))
    use_key(monkeypatch, "a-key-made-anew-by-mistake")
    with caplog.at_level(logging.ERROR, logger="chalicelib.services.nik_keys"):
        status, body = _register(client, "kedua@example.id", nik(102))
    assert status == 503 and body["code"] == "nik_key_unavailable"
    assert body["message"].startswith("Pendaftaran dan pemeriksaan NIK sedang dihentikan")
    status, body = call(client, "POST", "/v1/accounts", {
        "email": "ketiga@example.id", "password": "kuda-lari-123", "name": person_name(8),
        "phone": "0812-3456-7890", "nik": nik(103)}, headers={"Accept-Language": "en"})
    assert status == 503 and body["message"].startswith("Registering and checking NIKs")
    logged = [r.getMessage() for r in caplog.records]
    assert any("nik_key.mismatch" in m and "restore-keys" in m for m in logged), logged
    use_key(monkeypatch, config.get()._dev_default)
    assert len(accounts_with(nik(102))) == 1  # no second account was made


def test_the_right_key_works_again_after_a_refusal(client, monkeypatch):
    register(client, nik_value=nik(104))
    use_key(monkeypatch, "wrong")
    assert _register(client, "lagi@example.id", nik(105))[0] == 503
    use_key(monkeypatch, config.get()._dev_default)  # restored
    assert _register(client, "lagi@example.id", nik(105))[0] == 201


def test_a_missing_key_parameter_refuses(client, monkeypatch):
    register(client, nik_value=nik(106))
    config.get().jwt_secret  # read (and kept) before the stage's names change
    monkeypatch.delitem(config.get().env, "ANTRE_NIK_HMAC_KEY", raising=False)
    monkeypatch.setitem(config.get().env, "ANTRE_NIK_HMAC_KEY_SSM", "/antre/test/nik-missing")
    monkeypatch.setattr(config.Config, "_dev_default", property(lambda self: None))
    nik_keys.forget()
    status, body = _register(client, "tanpa@example.id", nik(107))
    assert status == 503 and body["code"] == "nik_key_unavailable"


def test_staff_booking_for_a_nik_refuses_with_a_wrong_key(client, monkeypatch):
    from tests.api.helpers import staff_token

    token = staff_token(client)
    register(client, nik_value=nik(108))
    use_key(monkeypatch, "wrong")
    status, body = call(client, "POST", "/v1/staff/bookings", {
        "service_id": "ktp-el", "date": "2026-12-08", "start": "09:00",
        "name": "Ibu Sari Aminah", "nik": nik(108)}, token=token)
    assert status == 503 and body["code"] == "nik_key_unavailable"


def test_a_marker_from_another_container_is_checked_not_overwritten(client):
    register(client, nik_value=nik(109))
    nik_keys.forget()  # another container: it has not read the marker yet
    register(client, nik_value=nik(110))
    assert nik_keys.marker().fingerprints.as_dict() == {
        "1": nik_keys.loaded().fingerprint("1")}


# --- the key parameter, from the command line (deploy runs ensure-nik-key) --------------------

NIK_PARAM, JWT_PARAM = "/antre/test/nik-hmac-key", "/antre/test/jwt-secret"
JWT_VALUE = "the-test-stage-jwt-secret-0123456789abcdef"


def ssm():
    import boto3

    return boto3.client("ssm")


@pytest.fixture
def ssm_keys(monkeypatch):
    """The stage keeps its keys in SSM (the emulator's), as deployed stages do."""
    for name in (NIK_PARAM, JWT_PARAM):
        try:
            ssm().delete_parameter(Name=name)
        except ssm().exceptions.ParameterNotFound:
            pass
    monkeypatch.delitem(config.get().env, "ANTRE_NIK_HMAC_KEY", raising=False)
    monkeypatch.setitem(config.get().env, "ANTRE_NIK_HMAC_KEY_SSM", NIK_PARAM)
    monkeypatch.setitem(config.get().env, "ANTRE_JWT_SECRET_SSM", JWT_PARAM)
    ssm().put_parameter(Name=JWT_PARAM, Type="SecureString", Value=JWT_VALUE)
    nik_keys.forget()
    yield
    nik_keys.forget()


def param(name=NIK_PARAM):
    try:
        return ssm().get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"]
    except ssm().exceptions.ParameterNotFound:
        return None


def run(capsys, *argv):
    from chalicelib import cli

    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_ensure_creates_the_key_only_while_no_citizen_is_there(client, ssm_keys, capsys):
    code, said = run(capsys, "ensure-nik-key")
    assert code == 0 and f"created {NIK_PARAM}" in said
    made = param()
    assert len(made) == 64
    code, said = run(capsys, "ensure-nik-key")
    assert code == 0 and "kept" in said and param() == made  # never replaced
    register(client, nik_value=nik(201))  # hashed with the parameter's key
    ssm().delete_parameter(Name=NIK_PARAM)  # lost
    code, said = run(capsys, "ensure-nik-key")
    assert code == 1 and param() is None  # refused: nothing created
    assert "DITOLAK" in said and "REFUSED" in said and "restore-keys" in said
    assert "already holds citizens" in said


def test_ensure_refuses_a_key_that_is_not_the_tables(client, ssm_keys, capsys):
    run(capsys, "ensure-nik-key")
    register(client, nik_value=nik(202))
    ssm().put_parameter(Name=NIK_PARAM, Type="SecureString", Value="b" * 64, Overwrite=True)
    code, said = run(capsys, "ensure-nik-key")
    assert code == 1 and "is not the key the table's NIK hashes were made with" in said


def test_a_backup_restores_the_lost_key_and_one_account_per_nik_holds(client, ssm_keys,
                                                                     capsys, tmp_path):
    run(capsys, "ensure-nik-key")
    register(client, email="pemilik@example.id", nik_value=nik(203))
    (tmp_path / "pass").write_text("kuda lari di pantai\n")
    out = tmp_path / "kunci.antre"
    code, said = run(capsys, "backup-keys", "-o", str(out), "--passphrase-file",
                     str(tmp_path / "pass"))
    assert code == 0 and out.exists()
    assert param() not in out.read_text() and JWT_VALUE not in out.read_text()
    key = param()
    ssm().delete_parameter(Name=NIK_PARAM)
    ssm().delete_parameter(Name=JWT_PARAM)
    nik_keys.forget()
    assert _register(client, "kedua@example.id", nik(203))[0] == 503  # no key: refused
    (tmp_path / "wrong").write_text("bukan frasa yang benar")
    code, said = run(capsys, "restore-keys", str(out), "--passphrase-file",
                     str(tmp_path / "wrong"))
    assert code == 1 and "Wrong passphrase" in said and param() is None
    code, said = run(capsys, "restore-keys", str(out), "--passphrase-file",
                     str(tmp_path / "pass"))
    assert code == 0 and param() == key and param(JWT_PARAM) == JWT_VALUE
    status, body = _register(client, "kedua@example.id", nik(203))
    assert status == 409 and body["code"] == "nik_taken"  # the same NIK is still known


def test_a_backup_of_another_key_is_not_restored_over_citizens(client, ssm_keys, capsys,
                                                              tmp_path):
    run(capsys, "ensure-nik-key")
    (tmp_path / "pass").write_text("kuda lari di pantai")
    other = tmp_path / "lain.antre"
    run(capsys, "backup-keys", "-o", str(other), "--passphrase-file", str(tmp_path / "pass"))
    ssm().put_parameter(Name=NIK_PARAM, Type="SecureString", Value="c" * 64, Overwrite=True)
    nik_keys.forget()
    register(client, nik_value=nik(204))  # the table's citizens use key "ccc…"
    code, said = run(capsys, "restore-keys", str(other), "--passphrase-file",
                     str(tmp_path / "pass"))
    assert code == 1 and "REFUSED: this backup's NIK key" in said and param() == "c" * 64
