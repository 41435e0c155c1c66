"""Deploy's preflight against the emulator (moto): each precondition that fails says what
to do in Bahasa Indonesia and English, and nothing is created. moto always answers a region
as enabled, so the opt-in answer of a region not enabled is given by botocore's Stubber."""
from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from chalicelib import config
from chalicelib.services import nik_keys
from infra import preflight
from infra.preflight import FAIL, OK, WARN
from tests.api.helpers import nik, register

GOOD = {"ANTRE_SENDER": "example.go.id", "ANTRE_ALARM_EMAIL": "it@kota.go.id",
        "AWS_REGION": "ap-southeast-3"}
NIK_PARAM = "/antre/prod/nik-hmac-key"


def by_check(results) -> dict:
    return {r.check: r for r in results}


def ssm():
    return boto3.client("ssm")


@pytest.fixture
def prod_keys(monkeypatch):
    """The preflight reads the stage's key parameters from SSM, as on prod."""
    for name in (NIK_PARAM, "/antre/prod/jwt-secret", "/antre/prod/chalice-deployed"):
        try:
            ssm().delete_parameter(Name=name)
        except ssm().exceptions.ParameterNotFound:
            pass
    config.get().jwt_secret  # read (and kept) before the stage's names change
    monkeypatch.delitem(config.get().env, "ANTRE_NIK_HMAC_KEY", raising=False)
    monkeypatch.setitem(config.get().env, "ANTRE_NIK_HMAC_KEY_SSM", NIK_PARAM)
    monkeypatch.setitem(config.get().env, "ANTRE_JWT_SECRET_SSM", "/antre/prod/jwt-secret")
    nik_keys.forget()
    yield
    nik_keys.forget()


def assert_bilingual(result, *, id_has, en_has):
    assert id_has in result.todo_id and en_has in result.todo_en, result.lines()


def test_a_fresh_account_passes_with_what_to_do_next(fresh_table, prod_keys):
    results = by_check(preflight.run("prod", GOOD))
    assert results["credentials"].level == OK and "123456789012" in results["credentials"].said
    assert results["region"].level == OK
    assert results["sender"].level == OK
    assert results["SES identity"].level == OK and "the stack creates it" in \
        results["SES identity"].said
    sandbox = results["SES sandbox"]
    assert sandbox.level == WARN and "sandbox" in sandbox.said
    assert_bilingual(sandbox, id_has="Ajukan akses produksi", en_has="put-account-details")
    url = results["public base URL"]
    assert url.level == WARN and "placeholder" in url.said and "first deploy" in url.said
    assert_bilingual(url, id_has="Isi ANTRE_PUBLIC_BASE_URL", en_has="Then deploy again")
    assert results["NIK key"].level == OK and "may be made" in results["NIK key"].said
    assert not [r for r in results.values() if r.level == FAIL]


def test_no_credentials(monkeypatch, tmp_path):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    results = preflight.run("prod", GOOD, session=boto3.session.Session())
    login = results[0]
    assert login.level == FAIL and "no working AWS login" in login.said
    assert_bilingual(login, id_has="Masuk ke AWS dulu", en_has="Log in to AWS first")
    assert [r.check for r in results] == ["credentials", "sender"]  # nothing else asked


def test_no_region():
    result = preflight.check_region(boto3.session.Session(), None)
    assert result.level == FAIL
    assert_bilingual(result, id_has="export AWS_REGION=ap-southeast-3",
                     en_has="Set the region")


def test_an_opt_in_region_not_enabled():
    ec2 = boto3.client("ec2", region_name="ap-southeast-3")
    stub = Stubber(ec2)
    stub.add_response("describe_regions", {"Regions": [
        {"RegionName": "ap-southeast-3", "OptInStatus": "not-opted-in"}]},
        {"AllRegions": True, "RegionNames": ["ap-southeast-3"]})

    class Session:
        def client(self, service, region_name=None):
            return ec2

    with stub:
        result = preflight.check_region(Session(), "ap-southeast-3")
    assert result.level == FAIL and "not enabled" in result.said
    assert_bilingual(result, id_has="aws account enable-region --region-name ap-southeast-3",
                     en_has="The account's administrator enables it once")


def test_sender_settings():
    results = by_check(preflight.run("prod", {**GOOD, "ANTRE_ALARM_EMAIL": ""}))
    assert results["sender"].level == FAIL
    assert_bilingual(results["sender"], id_has="Tetapkan pengirim email",
                     en_has="Set the mail sender")
    results = by_check(preflight.run("prod", {**GOOD, "ANTRE_SENDER": "kota.go.id"}))
    assert results["sender"].level == FAIL and "does not cover" in results["sender"].said
    assert_bilingual(results["sender"], id_has="Isi ANTRE_MAIL_SENDER",
                     en_has="Set this stage's ANTRE_MAIL_SENDER")


def test_a_sender_the_iam_policy_does_not_allow_is_refused(monkeypatch):
    """The role may send only as the stage's sender (ses:FromAddress): changing the sender in
    config.json alone would make every mail fail with AccessDenied once deployed."""
    real = preflight.stage_settings
    monkeypatch.setattr(preflight, "stage_settings", lambda stage: {
        **real(stage), "ANTRE_MAIL_SENDER": "antre@example.go.id"})
    result = by_check(preflight.run("prod", GOOD))["sender"]
    assert result.level == FAIL and "IAM policy" in result.said
    assert_bilingual(result, id_has="Samakan ses:FromAddress", en_has="Make ses:FromAddress")


def test_an_unverified_identity():
    boto3.client("sesv2", region_name="ap-southeast-3").create_email_identity(
        EmailIdentity="preflight.go.id")
    env = {**GOOD, "ANTRE_SENDER": "preflight.go.id"}
    result = by_check(preflight.run("prod", env))["SES identity"]
    assert result.level == WARN and "not verified" in result.said
    assert_bilingual(result, id_has="terbitkan catatan DKIM", en_has="publish the DKIM")


def test_the_placeholder_url_is_refused_once_the_stage_was_deployed(fresh_table, prod_keys):
    ssm().put_parameter(Name="/antre/prod/chalice-deployed", Type="String", Value="x")
    url = by_check(preflight.run("prod", GOOD))["public base URL"]
    assert url.level == FAIL and "placeholder" in url.said
    assert_bilingual(url, id_has="https://<domain kota>", en_has="https://<the city's domain>")
    env = {**GOOD, "ANTRE_DOMAIN": "antre.kota.go.id"}
    url = by_check(preflight.run("prod", env))["public base URL"]
    assert url.level == FAIL and "https://antre.kota.go.id" in url.said
    assert_bilingual(url, id_has="dengan https://antre.kota.go.id",
                     en_has="to https://antre.kota.go.id")


def test_a_missing_nik_key_over_citizens_is_refused_and_nothing_is_made(client, prod_keys):
    ssm().put_parameter(Name=NIK_PARAM, Type="SecureString", Value="a" * 64)
    nik_keys.forget()
    register(client, nik_value=nik(401))
    assert by_check(preflight.run("prod", GOOD))["NIK key"].level == OK
    ssm().delete_parameter(Name=NIK_PARAM)
    result = by_check(preflight.run("prod", GOOD))["NIK key"]
    assert result.level == FAIL
    assert_bilingual(result, id_has="Pulihkan kunci dari cadangan terenkripsi",
                     en_has="Restore the key from the officer's encrypted backup")
    assert "restore-keys" in result.todo_en
    ssm().put_parameter(Name=NIK_PARAM, Type="SecureString", Value="b" * 64)
    result = by_check(preflight.run("prod", GOOD))["NIK key"]
    assert result.level == FAIL and "is not the key the table's NIK hashes" in result.todo_en
    stacks = boto3.client("cloudformation").list_stacks()["StackSummaries"]
    assert "antre-prod-infra" not in {s["StackName"] for s in stacks}


def test_every_failure_prints_both_languages():
    lines = preflight.Result("x", FAIL, "found", "lakukan ini", "do this").lines()
    assert lines == ["[GAGAL / FAIL] x: found", "    lakukan ini", "    do this"]
