"""The only reader of environment variables: every setting the app uses, read once.

Secrets come from the environment, or from SSM Parameter Store when `<NAME>_SSM` names a
parameter (the deployed stages do that, so no secret sits in `.chalice/config.json`).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache


def _secret(env: dict, name: str, default: str | None = None) -> str:
    if env.get(name):
        return env[name]
    param = env.get(f"{name}_SSM")
    if param:
        import boto3  # only deployed stages take this path

        ssm = boto3.client("ssm")
        return ssm.get_parameter(Name=param, WithDecryption=True)["Parameter"]["Value"]
    if default is not None:
        return default
    raise RuntimeError(f"Setting {name} (or {name}_SSM) is required")


@dataclass(frozen=True)
class Config:
    stage: str
    table_name: str
    region: str
    ses_region: str
    endpoint_url: str | None  # a local emulator; None means real AWS
    mail_sender: str
    ses_configuration_set: str | None  # sends report bounces and complaints through it
    token_hours: int
    max_active_bookings: int
    assisted_per_day: int  # bookings one staff member may make for citizens in a day
    waitlist_max_entries: int  # waitlists one citizen may wait on at once
    catalog_cache_seconds: float
    mail_max_attempts: int
    verify_code_minutes: int
    verify_max_attempts: int
    password_time_cost: int
    password_memory_kib: int
    public_base_url: str
    walkin_qr_seconds: int  # how long the hall's walk-in QR stays valid
    walkin_qr_tickets: int  # tickets one hall QR token may take in all (one per phone)
    retention_days: int  # personal data of a booking is kept this long after its slot
    survey_days: int  # a done ticket may answer the satisfaction survey for this long
    unverified_hours: int  # an account whose email nobody verified is gone after this
    # SMS the stage sends a day (UTC) before only booking codes and seat offers still go by
    # SMS, everything else by email alone; reaching it logs what the SMS budget alarm counts
    sms_daily_budget: int
    code_failures_per_day: int  # code attempts per account a day, across codes
    # a check of a NIK against the population registry (Dukcapil): "off", the only one today
    identity_verifier: str
    jobs: str  # how long jobs run: "lambda" (deployed), "thread" (make run), "none" (tests)
    closure_worker: str  # the Lambda function that runs closure jobs
    # the table's DynamoDB Stream, whose new outbox items the `send_new_mail` function
    # sends; deploy.sh sets it from the stack's output before `chalice deploy`
    mail_stream_arn: str
    demo_now: str | None  # local stage only: the clock starts here (DEMO_NOW)
    demo_anchor: float | None  # the real instant (epoch) DEMO_NOW corresponds to

    env: dict = field(repr=False, compare=False, default_factory=dict)

    @property
    def is_local(self) -> bool:
        return self.stage == "local"

    # Secrets are fetched on first use, not at import: `chalice deploy` imports the app
    # without the stage's secrets, and a cold start should not pay for SSM until needed.
    @cached_property
    def jwt_secret(self) -> str:
        return _secret(self.env, "ANTRE_JWT_SECRET", self._dev_default)

    @cached_property
    def nik_hmac_key(self) -> bytes:
        return _secret(self.env, "ANTRE_NIK_HMAC_KEY", self._dev_default).encode()

    @property
    def _dev_default(self) -> str | None:
        local = self.stage in ("local", "test")
        return "local-dev-secret-not-for-production" if local else None


def from_env(env: dict | None = None) -> Config:
    env = dict(os.environ if env is None else env)
    stage = env.get("ANTRE_STAGE", "dev")
    return Config(
        env=env,
        stage=stage,
        table_name=env.get("ANTRE_TABLE", f"antre-{stage}"),
        region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "ap-southeast-3",
        ses_region=env.get("ANTRE_SES_REGION") or env.get("AWS_REGION")
        or env.get("AWS_DEFAULT_REGION") or "ap-southeast-3",
        endpoint_url=env.get("AWS_ENDPOINT_URL") or None,
        mail_sender=env.get("ANTRE_MAIL_SENDER", "no-reply@antre.local"),
        ses_configuration_set=env.get("ANTRE_SES_CONFIGURATION_SET") or None,
        token_hours=int(env.get("ANTRE_TOKEN_HOURS", "12")),
        max_active_bookings=int(env.get("ANTRE_MAX_ACTIVE_BOOKINGS", "3")),
        assisted_per_day=int(env.get("ANTRE_ASSISTED_PER_DAY", "25")),
        waitlist_max_entries=int(env.get("ANTRE_WAITLIST_MAX_ENTRIES", "3")),
        catalog_cache_seconds=float(env.get("ANTRE_CATALOG_CACHE_SECONDS", "30")),
        mail_max_attempts=int(env.get("ANTRE_MAIL_MAX_ATTEMPTS", "8")),
        verify_code_minutes=int(env.get("ANTRE_VERIFY_CODE_MINUTES", "15")),
        verify_max_attempts=int(env.get("ANTRE_VERIFY_MAX_ATTEMPTS", "5")),
        # argon2id cost; tests lower it (hashing is what they would otherwise wait on)
        password_time_cost=int(env.get("ANTRE_PASSWORD_TIME_COST", "3")),
        password_memory_kib=int(env.get("ANTRE_PASSWORD_MEMORY_KIB", "65536")),
        public_base_url=env.get("ANTRE_PUBLIC_BASE_URL", "http://127.0.0.1:8000"),
        walkin_qr_seconds=int(env.get("ANTRE_WALKIN_QR_SECONDS", "180")),
        walkin_qr_tickets=int(env.get("ANTRE_WALKIN_QR_TICKETS", "15")),
        retention_days=int(env.get("ANTRE_RETENTION_DAYS", "180")),
        survey_days=int(env.get("ANTRE_SURVEY_DAYS", "7")),
        unverified_hours=int(env.get("ANTRE_UNVERIFIED_HOURS", "24")),
        sms_daily_budget=int(env.get("ANTRE_SMS_DAILY_BUDGET", "500")),
        code_failures_per_day=int(env.get("ANTRE_CODE_FAILURES_PER_DAY", "10")),
        identity_verifier=env.get("ANTRE_IDENTITY_VERIFIER", "off"),
        jobs=env.get("ANTRE_JOBS") or ("thread" if stage == "local" else "lambda"),
        closure_worker=env.get("ANTRE_CLOSURE_WORKER", f"antre-{stage}-closure_worker"),
        mail_stream_arn=env.get("ANTRE_MAIL_STREAM_ARN") or _placeholder_stream(env, stage),
        # Every stage but the local one ignores DEMO_NOW: a deployed clock is the real one.
        demo_now=(env.get("DEMO_NOW") or None) if stage == "local" else None,
        demo_anchor=float(env["ANTRE_DEMO_ANCHOR"])
        if stage == "local" and env.get("ANTRE_DEMO_ANCHOR") else None,
    )


def _placeholder_stream(env: dict, stage: str) -> str:
    """Locally (and when chalice merely imports the app) the stream is found by table name
    (infra/local/streams.py); a deployed stage needs the real ARN, and `chalice deploy` with
    this one fails, as it should."""
    table = env.get("ANTRE_TABLE", f"antre-{stage}")
    return f"arn:aws:dynamodb:ap-southeast-3:000000000000:table/{table}/stream/unset"


@lru_cache(maxsize=1)
def get() -> Config:
    return from_env()
