"""Prepare an emulator for the app: table (with its stream), verified SES sender, demo data."""
from __future__ import annotations

import boto3

from chalicelib import clock, config


def prepare(env) -> None:
    from infra.local.seed import seed_demo

    cfg = config.get()
    from chalicelib.store.models import create_table

    create_table()
    _with_stream(cfg)
    boto3.client("ses", region_name=cfg.ses_region, endpoint_url=cfg.endpoint_url) \
        .verify_email_identity(EmailAddress=cfg.mail_sender)
    seed_demo(env, clock.now())


def _with_stream(cfg) -> None:
    """The table's stream carries new outbox mail to the sender, as deployed; a table made
    before the stream existed (an emulator already running) gets it here."""
    dynamodb = boto3.client("dynamodb", region_name=cfg.region, endpoint_url=cfg.endpoint_url)
    table = dynamodb.describe_table(TableName=cfg.table_name)["Table"]
    if not table.get("StreamSpecification", {}).get("StreamEnabled"):
        dynamodb.update_table(TableName=cfg.table_name, StreamSpecification={
            "StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
