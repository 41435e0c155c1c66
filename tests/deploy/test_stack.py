"""The infrastructure, proven offline: infra/template.yaml is created as a stack in moto's
CloudFormation (the tests' emulator), and the API's smoke test then runs against exactly the
table that stack created, with the app configured as a deployed stage is (not `local`).

moto creates the table, the SES identity and configuration set, the SNS topics and the log
groups; it passes over the alarms, metric filters and the SES event destination (checked
by tests/unit/test_infra.py instead).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3

from tests.conftest import EMULATOR

ROOT = Path(__file__).resolve().parents[2]
STACK = "antre-dev-infra"
SENDER = "no-reply@antre.kota.go.id"


def aws(service: str):
    return boto3.client(service, endpoint_url=EMULATOR.url, region_name="ap-southeast-3")


def test_the_stack_creates_a_table_the_api_works_on():
    cfn = aws("cloudformation")
    assert "antre-dev" not in aws("dynamodb").list_tables()["TableNames"]  # the stack makes it
    cfn.create_stack(StackName=STACK, TemplateBody=(ROOT / "infra/template.yaml").read_text(),
                     Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in {
                         "Stage": "dev", "SenderIdentity": SENDER,
                         "AlarmEmail": "it@kota.go.id"}.items()])
    stack = cfn.describe_stacks(StackName=STACK)["Stacks"][0]
    assert stack["StackStatus"] == "CREATE_COMPLETE"
    made = {r["LogicalResourceId"]: r["PhysicalResourceId"]
            for r in cfn.list_stack_resources(StackName=STACK)["StackResourceSummaries"]}
    table = made["Table"]
    assert table == "antre-dev"
    described = aws("dynamodb").describe_table(TableName=table)["Table"]
    assert described["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert [i["IndexName"] for i in described["GlobalSecondaryIndexes"]] == ["due"]
    assert described["DeletionProtectionEnabled"] is True
    assert made["MailFeedbackTopic"].endswith(":antre-dev-ses-feedback")
    assert "/aws/lambda/antre-dev-ses_feedback" in made.values()
    assert aws("dynamodb").scan(TableName=table, Select="COUNT")["Count"] == 0

    # The officer clicks the link SES mails to the sender address (infra/README.md).
    aws("ses").verify_email_identity(EmailAddress=SENDER)
    env = {**os.environ, "ANTRE_STAGE": "dev", "ANTRE_TABLE": table,
           "ANTRE_MAIL_SENDER": SENDER, "ANTRE_SES_CONFIGURATION_SET": "antre-dev",
           "ANTRE_JWT_SECRET": "smoke-jwt-secret", "ANTRE_NIK_HMAC_KEY": "smoke-nik-key",
           "ANTRE_JOBS": "none"}
    for name in ("ANTRE_JWT_SECRET_SSM", "ANTRE_NIK_HMAC_KEY_SSM"):
        env.pop(name, None)
    run = subprocess.run([sys.executable, "-m", "tests.deploy.smoke"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-3000:]
    seen = json.loads(run.stdout.strip().splitlines()[-1])
    assert seen == {**seen, "table": "antre-dev", "register": 201, "verify": 200, "login": 200,
                    "book": 201, "read_back": True}, seen

    # The booking is an item of exactly that table.
    item = aws("dynamodb").get_item(TableName=table, Key={
        "pk": {"S": f"ACCOUNT#{seen['account_id']}"},
        "sk": {"S": f"BOOKING#{seen['booking_id']}"}}).get("Item")
    assert item and item["status"]["S"] == "booked"
