"""Deploy's preflight: every precondition of a stage checked before anything is created.

    .venv/bin/python -m infra.preflight prod      (infra/deploy.sh runs it first)

Each check prints a line, and for each one that fails what to do, in Bahasa Indonesia and
then English. A failure (GAGAL / FAIL) stops the deploy before any stack or secret exists; a
warning (PERHATIAN / WARNING) is printed and the deploy goes on. Settings come from the
shell (ANTRE_SENDER, ANTRE_ALARM_EMAIL, ANTRE_DOMAIN, ANTRE_CERTIFICATE_ARN, AWS_REGION)
and from the stage in .chalice/config.json.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER_HOSTS = ("example.go.id", "example.com", "127.0.0.1", "localhost")
OK, WARN, FAIL = "ok", "PERHATIAN / WARNING", "GAGAL / FAIL"


@dataclass
class Result:
    check: str
    level: str
    said: str  # what was found
    todo_id: str = ""  # what to do, in Bahasa Indonesia
    todo_en: str = ""

    def lines(self) -> list[str]:
        out = [f"[{self.level}] {self.check}: {self.said}"]
        if self.todo_id:
            out += [f"    {self.todo_id}", f"    {self.todo_en}"]
        return out


def stage_settings(stage: str) -> dict:
    cfg = json.loads((ROOT / ".chalice" / "config.json").read_text())
    return {**cfg.get("environment_variables", {}),
            **cfg.get("stages", {}).get(stage, {}).get("environment_variables", {})}


def _client(session, service, region):
    return session.client(service, region_name=region)


def check_credentials(session, region) -> tuple[Result, bool]:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        who = _client(session, "sts", region).get_caller_identity()
    except (BotoCoreError, ClientError) as e:
        return Result("credentials", FAIL, f"no working AWS login ({type(e).__name__})",
                      "Masuk ke AWS dulu: `aws configure` (kunci akses) atau `aws sso login "
                      "--profile <profil>` lalu `export AWS_PROFILE=<profil>`; uji dengan "
                      "`aws sts get-caller-identity`.",
                      "Log in to AWS first: `aws configure` (access keys) or `aws sso login "
                      "--profile <profile>` then `export AWS_PROFILE=<profile>`; test with "
                      "`aws sts get-caller-identity`."), False
    return Result("credentials", OK, f"account {who['Account']} as {who['Arn']}"), True


def check_region(session, region) -> Result:
    from botocore.exceptions import BotoCoreError, ClientError

    if not region:
        return Result("region", FAIL, "no AWS region set",
                      "Tetapkan region: `export AWS_REGION=ap-southeast-3` (Jakarta: data warga "
                      "tetap di Indonesia).",
                      "Set the region: `export AWS_REGION=ap-southeast-3` (Jakarta: citizens' "
                      "data stays in Indonesia).")
    try:
        found = _client(session, "ec2", region).describe_regions(
            AllRegions=True, RegionNames=[region])["Regions"]
    except (BotoCoreError, ClientError) as e:
        return Result("region", WARN, f"{region}: could not ask whether it is enabled "
                      f"({type(e).__name__})",
                      "Pastikan region sudah aktif: `aws account get-region-opt-status "
                      f"--region-name {region}`.",
                      f"Make sure the region is enabled: `aws account get-region-opt-status "
                      f"--region-name {region}`.")
    status = found[0].get("OptInStatus", "") if found else "unknown"
    if status == "not-opted-in":
        return Result("region", FAIL, f"{region} is an opt-in region not enabled for this "
                      f"account",
                      f"Administrator akun mengaktifkannya sekali: `aws account enable-region "
                      f"--region-name {region}` (atau konsol: Account → AWS Regions → Enable), "
                      f"tunggu beberapa menit, lalu deploy lagi.",
                      f"The account's administrator enables it once: `aws account "
                      f"enable-region --region-name {region}` (or console: Account → AWS "
                      f"Regions → Enable), wait a few minutes, then deploy again.")
    return Result("region", OK, f"{region} ({status})")


def check_sender(settings, env) -> Result:
    sender, alarm = env.get("ANTRE_SENDER", ""), env.get("ANTRE_ALARM_EMAIL", "")
    if not sender or not alarm:
        return Result("sender", FAIL, "ANTRE_SENDER or ANTRE_ALARM_EMAIL is not set",
                      "Tetapkan pengirim email dan alamat alarm, mis. `make deploy STAGE=prod "
                      "ANTRE_SENDER=antre.kota.go.id ANTRE_ALARM_EMAIL=it@kota.go.id`.",
                      "Set the mail sender and the alarm address, e.g. `make deploy STAGE=prod "
                      "ANTRE_SENDER=antre.kota.go.id ANTRE_ALARM_EMAIL=it@kota.go.id`.")
    mail_from = settings.get("ANTRE_MAIL_SENDER", "")
    covered = mail_from == sender if "@" in sender else (
        mail_from.endswith("@" + sender) or mail_from.endswith("." + sender))
    if not covered:
        return Result("sender", FAIL, f".chalice/config.json sends from '{mail_from}', which "
                      f"the identity '{sender}' does not cover",
                      f"Isi ANTRE_MAIL_SENDER tahap ini di .chalice/config.json dengan alamat "
                      f"di '{sender}' (mis. no-reply@{sender.split('@')[-1]}).",
                      f"Set this stage's ANTRE_MAIL_SENDER in .chalice/config.json to an address "
                      f"of '{sender}' (e.g. no-reply@{sender.split('@')[-1]}).")
    policy = stage_policy(settings)
    if policy is not None and policy != mail_from:
        return Result("sender", FAIL, f"the stage's IAM policy lets it send as '{policy}', not "
                      f"'{mail_from}'",
                      f"Samakan ses:FromAddress di .chalice/policy-<tahap>.json (pernyataan "
                      f"SendMail) dengan ANTRE_MAIL_SENDER: '{mail_from}'.",
                      f"Make ses:FromAddress in .chalice/policy-<stage>.json (statement SendMail) "
                      f"equal ANTRE_MAIL_SENDER: '{mail_from}'.")
    return Result("sender", OK, f"mail from {mail_from}, alarms to {alarm}")


def stage_policy(settings) -> str | None:
    """The address the stage's IAM policy lets it send as (its SendMail condition)."""
    stage = settings.get("ANTRE_STAGE", "")
    path = ROOT / ".chalice" / f"policy-{stage}.json"
    if not path.is_file():
        return None
    for st in json.loads(path.read_text())["Statement"]:
        if st.get("Sid") == "SendMail":
            return st.get("Condition", {}).get("StringEquals", {}).get("ses:FromAddress")
    return None


def check_ses_identity(session, region, env) -> Result:
    from botocore.exceptions import BotoCoreError, ClientError

    sender = env.get("ANTRE_SENDER", "")
    if not sender:
        return Result("SES identity", WARN, "no ANTRE_SENDER to look for")
    try:
        found = _client(session, "sesv2", region).get_email_identity(EmailIdentity=sender)
    except ClientError as e:
        if e.response["Error"]["Code"] == "NotFoundException":
            return Result("SES identity", OK, f"{sender} not in SES yet: the stack creates it")
        return Result("SES identity", WARN, f"could not read {sender} ({type(e).__name__})")
    except BotoCoreError as e:
        return Result("SES identity", WARN, f"could not read {sender} ({type(e).__name__})")
    if not found.get("VerifiedForSendingStatus"):
        return Result("SES identity", WARN, f"{sender} is not verified: nothing is sent yet",
                      "Alamat: klik tautan yang dikirim SES ke alamat itu. Domain: terbitkan "
                      "catatan DKIM, MAIL FROM dan DMARC dari Outputs stack "
                      "(infra/README.md, Deploy).",
                      "An address: click the link SES mailed to it. A domain: publish the DKIM, "
                      "MAIL FROM and DMARC records from the stack's Outputs (infra/README.md, "
                      "Deploy).")
    return Result("SES identity", OK, f"{sender} verified for sending")


def check_ses_sandbox(session, region, settings, env) -> Result:
    from botocore.exceptions import BotoCoreError, ClientError

    ses_region = settings.get("ANTRE_SES_REGION") or region
    try:
        account = _client(session, "sesv2", ses_region).get_account()
        sandbox = not account.get("ProductionAccessEnabled")
    except (BotoCoreError, ClientError, NotImplementedError):
        try:  # the sandbox's quota: 200 mails a day
            quota = _client(session, "ses", ses_region).get_send_quota()
            sandbox = float(quota.get("Max24HourSend", 0)) <= 200
        except (BotoCoreError, ClientError) as e:
            return Result("SES sandbox", WARN, f"could not ask SES in {ses_region} "
                          f"({type(e).__name__})")
    if sandbox:
        site = env.get("ANTRE_DOMAIN") and f"https://{env['ANTRE_DOMAIN']}/" \
            or settings.get("ANTRE_PUBLIC_BASE_URL", "")
        return Result("SES sandbox", WARN, f"SES in {ses_region} is in the sandbox: mail "
                      f"reaches verified addresses only, 200 a day, so citizens get no codes",
                      f"Ajukan akses produksi (dijawab dalam sekitar satu hari): `aws sesv2 "
                      f"put-account-details --region {ses_region} --production-access-enabled "
                      f"--mail-type TRANSACTIONAL --website-url {site} --contact-language EN "
                      f"--use-case-description \"Transactional mail only: verification codes, "
                      f"booking confirmations, reminders; bounces and complaints suppressed\"`.",
                      f"Request production access (answered in about a day): the same `aws "
                      f"sesv2 put-account-details --region {ses_region} "
                      f"--production-access-enabled ...` command.")
    return Result("SES sandbox", OK, f"production access in {ses_region}")


def _deployed_before(session, region, stage) -> bool:
    from botocore.exceptions import BotoCoreError, ClientError

    if (ROOT / ".chalice" / "deployed" / f"{stage}.json").exists():
        return True
    try:
        _client(session, "ssm", region).get_parameter(Name=f"/antre/{stage}/chalice-deployed")
        return True
    except (BotoCoreError, ClientError):
        return False


def check_base_url(session, region, stage, settings, env) -> Result:
    url = settings.get("ANTRE_PUBLIC_BASE_URL", "")
    domain = env.get("ANTRE_DOMAIN", "")
    if domain:
        if url.rstrip("/") != f"https://{domain}":
            return Result("public base URL", FAIL, f"'{url}' is not the stage's domain "
                          f"https://{domain}",
                          f"Isi ANTRE_PUBLIC_BASE_URL tahap '{stage}' di .chalice/config.json "
                          f"dengan https://{domain} (tautan di email memakainya).",
                          f"Set stage '{stage}''s ANTRE_PUBLIC_BASE_URL in .chalice/config.json "
                          f"to https://{domain} (links in mail use it).")
        if not env.get("ANTRE_CERTIFICATE_ARN"):
            return Result("public base URL", FAIL, f"ANTRE_DOMAIN={domain} without a "
                          f"certificate",
                          f"Tetapkan ANTRE_CERTIFICATE_ARN: sertifikat ACM untuk {domain} di "
                          f"region {region}.",
                          f"Set ANTRE_CERTIFICATE_ARN: an ACM certificate for {domain} in "
                          f"{region}.")
        return Result("public base URL", OK, url)
    placeholder = not url.startswith("https://") or any(h in url for h in PLACEHOLDER_HOSTS)
    if not placeholder:
        return Result("public base URL", OK, url)
    todo_id = (f"Isi ANTRE_PUBLIC_BASE_URL tahap '{stage}' di .chalice/config.json dengan "
               f"alamat publik: https://<domain kota> (dengan ANTRE_DOMAIN dan "
               f"ANTRE_CERTIFICATE_ARN) atau URL API yang dicetak deploy pertama.")
    todo_en = (f"Set stage '{stage}''s ANTRE_PUBLIC_BASE_URL in .chalice/config.json to its "
               f"public address: https://<the city's domain> (with ANTRE_DOMAIN and "
               f"ANTRE_CERTIFICATE_ARN) or the API URL the first deploy printed.")
    if not _deployed_before(session, region, stage):
        return Result("public base URL", WARN, f"'{url}' is a placeholder; a first deploy "
                      f"goes on, the next one is refused until it is set",
                      todo_id + " Lalu deploy lagi.", todo_en + " Then deploy again.")
    return Result("public base URL", FAIL, f"'{url}' is a placeholder: links in mail would "
                  f"lead nowhere", todo_id, todo_en)


def check_keys(stage) -> list[Result]:
    from chalicelib.services import key_admin

    try:
        said = key_admin.check_nik_key()
    except key_admin.KeyRefused as e:
        text_id, _, text_en = str(e).partition("\n")
        return [Result("NIK key", FAIL, "missing or not the table's", text_id, text_en)]
    except Exception as e:  # no permission to read the parameter or the table
        return [Result("NIK key", FAIL, f"could not be checked ({type(e).__name__})",
                       "Login AWS ini perlu ssm:GetParameter pada /antre/<tahap>/* dan "
                       "dynamodb:GetItem pada tabel tahap ini.",
                       "This AWS login needs ssm:GetParameter on /antre/<stage>/* and "
                       "dynamodb:GetItem on the stage's table.")]
    results = [Result("NIK key", OK, said)]
    jwt = key_admin.parameter_names()["jwt"]
    made = key_admin.read_parameter(jwt) is not None if jwt else False
    results.append(Result("session key", OK, f"{jwt} " + (
        "exists" if made else "does not exist yet: deploy creates it")))
    return results


def run(stage: str, env: dict, session=None) -> list[Result]:
    """Every check, in order; the checks after the credentials need them."""
    import boto3

    session = session or boto3.session.Session()
    settings = stage_settings(stage)
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or session.region_name
    login, working = check_credentials(session, region or "us-east-1")
    results = [login, check_region(session, region) if working else None,
               check_sender(settings, env)]
    if working and region:
        results += [check_ses_identity(session, region, env),
                    check_ses_sandbox(session, region, settings, env),
                    check_base_url(session, region, stage, settings, env), *check_keys(stage)]
    return [r for r in results if r is not None]


def main(argv=None) -> int:
    import os

    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1 or argv[0] not in ("dev", "prod"):
        print("usage: python -m infra.preflight dev|prod", file=sys.stderr)
        return 2
    stage = argv[0]
    from chalicelib.cli import use_stage

    use_stage(stage)
    results = run(stage, dict(os.environ))
    for r in results:
        for line in r.lines():
            print(line)
    failed = [r for r in results if r.level == FAIL]
    if failed:
        print(f"\n{len(failed)} pemeriksaan gagal; belum ada yang dibuat. / {len(failed)} "
              f"check(s) failed; nothing was created.", file=sys.stderr)
        return 1
    print("\nSemua prasyarat terpenuhi. / Every precondition holds.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
