"""Prepare an emulator for the app: table, verified SES sender, demo data."""
from __future__ import annotations

import boto3

from chalicelib import clock, config


def prepare(env) -> None:
    from infra.local.seed import seed_demo

    cfg = config.get()
    from chalicelib.store.models import create_table

    create_table()
    boto3.client("ses", region_name=cfg.ses_region, endpoint_url=cfg.endpoint_url) \
        .verify_email_identity(EmailAddress=cfg.mail_sender)
    seed_demo(env, clock.now())
