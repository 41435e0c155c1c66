"""The deployment files agree with the code: the table in infra/template.yaml is the one the
PynamoDB model declares, the alarms watch the functions chalice creates, the Lambda policy
grants every DynamoDB operation the code makes (and never Scan), and API Gateway's own
errors keep the app's {"code", "message"} shape. Nothing here talks to AWS."""
from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from fnmatch import fnmatchcase
from pathlib import Path

import pytest
import yaml
from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model

from app import app
from chalicelib.store.models import Item

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infra"
CHALICE_CONFIG = json.loads((ROOT / ".chalice" / "config.json").read_text())
CHALICE_CONFIG = json.loads((ROOT / ".chalice" / "config.json").read_text())
# Each deployed stage has its own policy, scoped to that stage's table, secrets and logs.
POLICIES = {
    stage: json.loads((ROOT / ".chalice" / settings["iam_policy_file"]).read_text())
    for stage, settings in CHALICE_CONFIG["stages"].items() if "iam_policy_file" in settings}
DEPLOYED_STAGES = ("dev", "prod")
REGION, ACCOUNT = "ap-southeast-3", "123456789012"


# --- reading CloudFormation ------------------------------------------------------------------


class CfnLoader(yaml.SafeLoader):
    """SafeLoader that reads short-form intrinsics (!Ref, !Sub, ...) as their long form."""


def _intrinsic(loader, suffix, node):
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix == "Ref":
        return {"Ref": value}
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {f"Fn::{suffix}": value}


CfnLoader.add_multi_constructor("!", _intrinsic)


def load_cfn(name: str) -> dict:
    return yaml.load((INFRA / name).read_text(), Loader=CfnLoader)


def resources(template: dict, type_: str) -> dict:
    return {k: r for k, r in template["Resources"].items() if r["Type"] == type_}


def sub(value, **params) -> str:
    """Resolve a plain string or a simple !Sub for the given parameters."""
    if isinstance(value, dict):
        (fn, text), = value.items()
        assert fn == "Fn::Sub" and isinstance(text, str), value
        return re.sub(r"\$\{(\w+)\}", lambda m: params[m.group(1)], text)
    return value


@pytest.fixture(scope="module")
def template():
    return load_cfn("template.yaml")


@pytest.fixture(scope="module")
def table(template):
    (table,) = resources(template, "AWS::DynamoDB::Table").values()
    return table


def stage_env(stage: str) -> dict:
    return {**CHALICE_CONFIG.get("environment_variables", {}),
            **CHALICE_CONFIG["stages"][stage].get("environment_variables", {})}


# --- the table is the model's table --------------------------------------------------------


def _keys(key_schema) -> dict:
    return {k["KeyType"]: k["AttributeName"] for k in key_schema}


def test_table_keys_and_attributes_match_the_model(table):
    schema = Item._get_schema()
    props = table["Properties"]
    assert _keys(props["KeySchema"]) == _keys(schema["key_schema"])
    assert props["KeySchema"][0]["KeyType"] == "HASH"
    assert sorted(props["AttributeDefinitions"], key=lambda a: a["AttributeName"]) == \
        sorted(schema["attribute_definitions"], key=lambda a: a["AttributeName"])
    assert _keys(schema["key_schema"]) == {"HASH": Item._hash_keyname,
                                           "RANGE": Item._range_keyname}


def test_table_indexes_match_the_model(table):
    props = table["Properties"]
    declared = {i["index_name"]: i for i in Item._get_schema()["global_secondary_indexes"]}
    deployed = {i["IndexName"]: i for i in props.get("GlobalSecondaryIndexes", [])}
    assert set(deployed) == set(declared) == {"due"}
    for name, index in declared.items():
        assert _keys(deployed[name]["KeySchema"]) == _keys(index["key_schema"])
        assert deployed[name]["Projection"] == index["projection"]
        # on-demand: no throughput, whatever PynamoDB keeps for moto
        assert "ProvisionedThroughput" not in deployed[name]
    assert not Item._get_schema()["local_secondary_indexes"]
    assert "LocalSecondaryIndexes" not in props


def test_table_billing_ttl_and_protection(table):
    props = table["Properties"]
    assert props["BillingMode"] == Item.Meta.billing_mode == "PAY_PER_REQUEST"
    assert "ProvisionedThroughput" not in props

    ttl = props["TimeToLiveSpecification"]
    by_attr_name = {a.attr_name: a for a in Item.get_attributes().values()}
    declared_ttl = [a.attr_name for a in by_attr_name.values() if isinstance(a, TTLAttribute)]
    assert ttl == {"AttributeName": (declared_ttl or ["expires_at"])[0], "Enabled": True}
    assert by_attr_name[ttl["AttributeName"]].attr_type == "N"  # DynamoDB TTL reads numbers

    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["SSESpecification"]["SSEEnabled"] is True


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_table_name_is_the_stage_table(table, stage):
    assert sub(table["Properties"]["TableName"], Stage=stage) == stage_env(stage)["ANTRE_TABLE"]


def test_template_parameters_and_outputs(template):
    params = template["Parameters"]
    assert params["Stage"]["AllowedValues"] == list(DEPLOYED_STAGES)
    assert {"SenderIdentity", "AlarmEmail"} <= set(params)
    assert {"TableName", "TableArn"} <= set(template["Outputs"])
    (identity,) = resources(template, "AWS::SES::EmailIdentity").values()
    assert identity["Properties"]["EmailIdentity"] == {"Ref": "SenderIdentity"}


# --- alarms watch the functions chalice creates ----------------------------------------------


def chalice_function_names(stage: str) -> set[str]:
    """Chalice's names: <app>-<stage> for the routes, <app>-<stage>-<handler> per schedule
    and per plain Lambda function."""
    base = f"{CHALICE_CONFIG['app_name']}-{stage}"
    return {base} | {f"{base}-{source.name}" for source in app.event_sources} | {
        f"{base}-{function.name}" for function in app.pure_lambda_functions}


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_every_function_has_an_error_alarm(template, stage):
    watched = set()
    for alarm in resources(template, "AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        assert props["AlarmActions"] == [{"Ref": "AlarmTopic"}]
        if props.get("Namespace") == "AWS/Lambda" and props["MetricName"] == "Errors":
            (dim,) = props["Dimensions"]
            watched.add(sub(dim["Value"], Stage=stage))
    assert watched == chalice_function_names(stage)
    # the API, retry_mail, sweep_floor, closure_worker and ses_feedback among them
    assert {f"antre-{stage}", f"antre-{stage}-closure_worker",
            f"antre-{stage}-ses_feedback"} <= chalice_function_names(stage)


def test_alarms_watch_mail_reputation_the_stream_closures_the_gateway_and_a_dashboard(template):
    """Issue 15: nothing alarmed on SES bounce or complaint rate, the stream's iterator age,
    mail dead after its retries, closure bookings not placed, API 5XX or throttles."""
    from chalicelib.mail import sender
    from chalicelib.services import closures

    alarms = {sub(a["Properties"]["AlarmName"], Stage="prod"): a["Properties"]
              for a in resources(template, "AWS::CloudWatch::Alarm").values()}
    for name in ("ses-bounce-rate", "ses-complaint-rate", "mail-stream-iterator-age",
                 "mail-dead", "closure-not-placed", "api-5xx", "api-lambda-throttles"):
        assert f"antre-prod-{name}" in alarms, name
    # before SES's own review thresholds (5% bounces, 0.1% complaints)
    assert alarms["antre-prod-ses-bounce-rate"]["Threshold"] < 0.05
    assert alarms["antre-prod-ses-complaint-rate"]["Threshold"] < 0.001
    # the log lines the metric filters count are the ones the code writes
    patterns = {f["Properties"]["FilterPattern"]
                for f in resources(template, "AWS::Logs::MetricFilter").values()}
    assert f'"{sender.MAIL_DEAD_LOG}"' in patterns
    assert f'"{closures.NOT_PLACED_LOG}"' in patterns
    (board,) = resources(template, "AWS::CloudWatch::Dashboard").values()
    body = sub(board["Properties"]["DashboardBody"], Stage="prod", Table="antre-prod",
               **{"AWS::Region": REGION})
    assert json.loads(body)["widgets"]


def test_dynamodb_alarms_watch_the_table(template):
    names = set()
    for alarm in resources(template, "AWS::CloudWatch::Alarm").values():
        for query in alarm["Properties"].get("Metrics", []):
            if "MetricStat" in query:
                metric = query["MetricStat"]["Metric"]
                assert {"Name": "TableName", "Value": {"Ref": "Table"}} in metric["Dimensions"]
                names.add(metric["MetricName"])
    assert names == {"ThrottledRequests", "SystemErrors"}


# --- the Lambda policy ---------------------------------------------------------------------


def _matches(st: dict, action: str, resource: str, context: dict | None) -> bool:
    actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
    res = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
    if not (any(fnmatchcase(action.lower(), a.lower()) for a in actions)
            and any(fnmatchcase(resource, r) for r in res)):
        return False
    for op, keys in st.get("Condition", {}).items():  # the only operator used: StringEquals
        assert op == "StringEquals", op
        if context is not None and any(context.get(k) != v for k, v in keys.items()):
            return False
    return True


def allowed(action: str, resource: str, policy: dict, context: dict | None = None) -> bool:
    """Whether an Allow statement matches and no Deny does; with `context` (condition keys of
    the request) the statements' StringEquals conditions are checked, without it ignored."""
    if any(st["Effect"] == "Deny" and _matches(st, action, resource, None)
           for st in policy["Statement"]):
        return False
    return any(st["Effect"] == "Allow" and _matches(st, action, resource, context)
               for st in policy["Statement"])


# What PynamoDB (or a boto3 client) call needs which IAM action. Transactions are authorised
# per step (PutItem, UpdateItem, DeleteItem, ConditionCheckItem), not as TransactWriteItems.
_ANY_RECEIVER = {
    "save": {"PutItem"}, "delete": {"DeleteItem"}, "refresh": {"GetItem"},
    "condition_check": {"ConditionCheckItem"}, "query": {"Query"}, "scan": {"Scan"},
    "put_item": {"PutItem"}, "get_item": {"GetItem"}, "update_item": {"UpdateItem"},
    "delete_item": {"DeleteItem"}, "batch_get_item": {"BatchGetItem"},
    "batch_write_item": {"BatchWriteItem"}, "transact_get_items": {"GetItem"},
    "transact_write_items": {"PutItem", "UpdateItem", "DeleteItem", "ConditionCheckItem"},
    "execute_statement": {"PartiQLSelect"},
}
_MODEL_RECEIVER = {  # names too common to trust on any object (dict.get, os.path.exists)
    "get": {"GetItem"}, "exists": {"DescribeTable"}, "describe_table": {"DescribeTable"},
    "batch_get": {"BatchGetItem"}, "batch_write": {"BatchWriteItem"},
    "create_table": {"CreateTable"}, "delete_table": {"DeleteTable"},
    "update_ttl": {"UpdateTimeToLive"},
}
# Code that never runs on Lambda: (module, enclosing function or None for the whole module).
# Code the Lambda functions never run: the local stage's own routes, the emulator's table, and
# the breach report's offline Scan (the command line, with the officer's AWS login).
_LOCAL_ONLY = {("chalicelib/api/dev.py", None), ("chalicelib/store/models.py", "create_table"),
               ("chalicelib/store/offline.py", None)}


def _model_names() -> set[str]:
    names, todo = set(), [Model]
    while todo:
        for cls in todo.pop().__subclasses__():
            names.add(cls.__name__)
            todo.append(cls)
    return names - {"Model"}


def dynamodb_actions(source: str, model_names: set[str], skip_functions=()) -> set[str]:
    """IAM actions the DynamoDB calls in `source` need, found by reading its syntax tree."""

    def is_model(node) -> bool:
        if isinstance(node, ast.Attribute):  # an index: OutboxMail.due.query(...)
            node = node.value
        return isinstance(node, ast.Name) and node.id in model_names

    found: set[str] = set()

    def visit(node, function=None):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        if function in skip_functions:
            return
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute):
                method = func.attr
                found.update(_ANY_RECEIVER.get(method, ()))
                # Item.pk.exists() is a condition, not a DescribeTable: an index qualifies as
                # a receiver (OutboxMail.due.query), an attribute does not
                is_attribute_condition = method == "exists" and isinstance(func.value,
                                                                            ast.Attribute)
                if is_model(func.value) and not is_attribute_condition:
                    found.update(_MODEL_RECEIVER.get(method, ()))
                    if method == "count":
                        found.add("Query" if node.args else "Scan")
                if method == "update" and any(k.arg == "actions" for k in node.keywords):
                    found.add("UpdateItem")
            elif isinstance(func, ast.Name) and func.id == "TransactGet":
                found.add("GetItem")
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(ast.parse(source))
    return {f"dynamodb:{a}" for a in found}


def code_dynamodb_actions() -> set[str]:
    models = _model_names()
    actions: set[str] = set()
    for path in [ROOT / "app.py", *sorted((ROOT / "chalicelib").rglob("*.py"))]:
        rel = path.relative_to(ROOT).as_posix()
        if (rel, None) in _LOCAL_ONLY:
            continue
        skip = {fn for module, fn in _LOCAL_ONLY if module == rel and fn}
        actions |= dynamodb_actions(path.read_text(), models, skip)
    return actions


def test_the_scanner_sees_what_it_should():
    models = {"Item", "OutboxMail"}
    assert dynamodb_actions("Item.scan()", models) == {"dynamodb:Scan"}
    assert dynamodb_actions("OutboxMail.due.query('DUE')", models) == {"dynamodb:Query"}
    assert dynamodb_actions("d.get('x'); d.update(y)", models) == set()
    assert dynamodb_actions("Item.exists()", models) == {"dynamodb:DescribeTable"}
    assert dynamodb_actions("m.update(actions=[], condition=Item.pk.exists())", models) == \
        {"dynamodb:UpdateItem"}
    assert dynamodb_actions("Item.get('a', 'b'); m.update(actions=[])", models) == \
        {"dynamodb:GetItem", "dynamodb:UpdateItem"}
    assert dynamodb_actions("def create_table():\n    Item.create_table()", models,
                            {"create_table"}) == set()


def test_policy_grants_every_dynamodb_operation_the_code_makes():
    used = code_dynamodb_actions()
    # the scanner works: the app certainly reads, writes, updates and queries
    assert {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem",
            "dynamodb:Query"} <= used
    for stage in DEPLOYED_STAGES:
        table_arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{stage_env(stage)['ANTRE_TABLE']}"
        policy = POLICIES[stage]
        missing = {a for a in used if not allowed(a, table_arn, policy)}
        assert not missing, f"the {stage} policy lacks {sorted(missing)} on {table_arn}"
        assert allowed("dynamodb:Query", f"{table_arn}/index/due", policy)
        # transaction condition steps
        assert allowed("dynamodb:ConditionCheckItem", table_arn, policy)


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_policy_never_grants_scan_table_management_or_another_stage(stage):
    policy = POLICIES[stage]
    table_arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/antre-{stage}"
    for action in ("Scan", "DeleteTable", "CreateTable", "UpdateTable", "BatchWriteItem",
                   "PartiQLSelect", "ExportTableToPointInTime"):
        assert not allowed(f"dynamodb:{action}", table_arn, policy), action
        assert not allowed(f"dynamodb:{action}", f"{table_arn}/index/due", policy), action
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/"
    assert not allowed("dynamodb:GetItem", arn + "other", policy)
    assert not allowed("ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/other",
                       policy)
    for other in set(DEPLOYED_STAGES) - {stage}:
        assert not allowed("dynamodb:GetItem", f"{arn}antre-{other}", policy)
        assert not allowed("ssm:GetParameter",
                           f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/antre/{other}/jwt-secret",
                           policy)


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_policy_reads_the_stage_secrets_and_sends_its_mail(stage):
    env = stage_env(stage)
    params = [v for k, v in env.items() if k.endswith("_SSM")]
    assert len(params) == 2
    policy = POLICIES[stage]
    for name in params:
        assert allowed("ssm:GetParameter", f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter{name}",
                       policy)
    sender = env["ANTRE_MAIL_SENDER"]
    for identity in (sender, sender.split("@")[1]):
        assert allowed("ses:SendRawEmail", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{identity}",
                       policy, {"ses:FromAddress": sender})
        # as the stage's sender only: a stolen role cannot mail as another of the city's
        # addresses (issue 14)
        assert not allowed("ses:SendRawEmail",
                           f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{identity}", policy,
                           {"ses:FromAddress": f"walikota@{sender.split('@')[1]}"})
    # SMS to phone numbers only (a direct publish has no resource: "*"); no topic, the bounce
    # topic included
    assert allowed("sns:Publish", "*", policy)
    assert not allowed("sns:Publish", f"arn:aws:sns:{REGION}:{ACCOUNT}:antre-{stage}-ses-feedback",
                       policy)
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/antre-{stage}-retry_mail"
    assert allowed("logs:PutLogEvents", f"{group}:log-stream:2026/01/01/[$LATEST]abc", policy)


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_the_stage_may_start_its_own_closure_worker_and_no_other_function(stage):
    policy = POLICIES[stage]
    worker = stage_env(stage).get("ANTRE_CLOSURE_WORKER") or f"antre-{stage}-closure_worker"
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:"
    assert allowed("lambda:InvokeFunction", arn + worker, policy)
    assert f"antre-{stage}-closure_worker" in chalice_function_names(stage)
    for other in (f"antre-{stage}", "antre-other-closure_worker", "anything"):
        assert not allowed("lambda:InvokeFunction", arn + other, policy)
    timeout = CHALICE_CONFIG["stages"][stage]["lambda_functions"]["closure_worker"]
    assert timeout["lambda_timeout"] == 900  # one run of the worker: up to 15 minutes


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_kms_decrypt_only_through_ssm(stage):
    (st,) = [s for s in POLICIES[stage]["Statement"] if "kms:Decrypt" in str(s["Action"])]
    assert st["Condition"]["StringLike"]["kms:ViaService"] == "ssm.*.amazonaws.com"
    assert f"/antre/{stage}/" in st["Condition"]["StringLike"][
        "kms:EncryptionContext:PARAMETER_ARN"]


# --- gateway responses -------------------------------------------------------------------------


def test_gateway_errors_have_the_app_error_shape():
    template = load_cfn("gateway_responses.yaml")
    assert set(template["Parameters"]) == {"RestApiId", "Revision"}
    by_type = {}
    for response in resources(template, "AWS::ApiGateway::GatewayResponse").values():
        props = response["Properties"]
        assert props["RestApiId"] == {"Ref": "RestApiId"}
        headers = props["ResponseParameters"]
        assert headers["gatewayresponse.header.Content-Type"] == "'application/json'"
        # the revision makes every deploy rewrite the response (chalice deploy resets it)
        assert "${Revision}" in str(headers["gatewayresponse.header.X-Antre-Revision"])
        (body,) = props["ResponseTemplates"].values()
        body = json.loads(body.replace("$context.error.messageString", '"Invalid request body"'))
        assert set(body) == {"code", "message"} and body["message"]
        by_type[props["ResponseType"]] = (props.get("StatusCode"), body["code"])
    assert by_type == {
        "MISSING_AUTHENTICATION_TOKEN": ("404", "not_found"),
        "DEFAULT_4XX": (None, "bad_request"),
        "DEFAULT_5XX": (None, "internal_error"),
        "THROTTLED": ("429", "too_many_requests"),
    }


# --- the deploy script -------------------------------------------------------------------------


def test_deploy_script_parses_and_never_overwrites_secrets():
    script = INFRA / "deploy.sh"
    subprocess.run(["bash", "-n", str(script)], check=True)
    text = script.read_text()
    assert "set -euo pipefail" in text
    commands = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not [line for line in commands if "--overwrite" in line]


def test_deploy_checks_every_precondition_before_it_creates_anything():
    text = (INFRA / "deploy.sh").read_text()
    commands = "\n".join(line for line in text.splitlines()
                         if not line.lstrip().startswith("#"))
    preflight = commands.index('"$PY" -m infra.preflight "$STAGE"')
    creating = [commands.index(c) for c in ("aws cloudformation deploy", "ensure_secret \"",
                                            "ensure-nik-key", "aws logs create-log-group",
                                            '"$CHALICE" deploy')]
    assert preflight < min(creating)
    # the NIK key is made only by the command that refuses over citizens, never by openssl
    assert "nik-hmac-key" not in commands
    # the project's own virtualenv: chalice and python from .venv, none from PATH
    assert 'PY=${ANTRE_PYTHON:-$ROOT/.venv/bin/python}' in text
    assert not re.search(r"(^\s*|\$\(|\| )(python3|chalice) ", commands, re.M)
    makefile = (INFRA.parent / "Makefile").read_text()
    assert "deploy: $(STAMP)" in makefile and "ANTRE_PYTHON=$(PY)" in makefile


def test_deploy_script_throttles_the_api_stage():
    text = (INFRA / "deploy.sh").read_text()
    assert "apigateway update-stage" in text
    assert "/*/*/throttling/rateLimit" in text and "/*/*/throttling/burstLimit" in text



# --- mail feedback, log groups, the restore path ---------------------------------------------


def test_bounces_and_complaints_reach_the_function_that_suppresses_them(template):
    (config_set,) = resources(template, "AWS::SES::ConfigurationSet").values()
    (destination,) = resources(template, "AWS::SES::ConfigurationSetEventDestination").values()
    event = destination["Properties"]["EventDestination"]
    assert destination["Properties"]["ConfigurationSetName"] == {"Ref": "MailConfigurationSet"}
    assert sorted(event["MatchingEventTypes"]) == ["bounce", "complaint"]
    topic = template["Resources"][event["SnsDestination"]["TopicARN"]["Ref"]]
    (handler,) = [s for s in app.event_sources if s.name == "ses_feedback"]
    for stage in DEPLOYED_STAGES:
        # chalice subscribes the function to the topic by name
        assert sub(topic["Properties"]["TopicName"], Stage=stage) == f"antre-{stage}-ses-feedback"
        assert sub(config_set["Properties"]["Name"], Stage=stage) == \
            stage_env(stage)["ANTRE_SES_CONFIGURATION_SET"]
    assert handler.topic.endswith("-ses-feedback")
    (policy,) = resources(template, "AWS::SNS::TopicPolicy").values()
    (statement,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Service": "ses.amazonaws.com"}


def test_a_domain_sender_signs_with_dkim_and_its_own_mail_from(template):
    (identity,) = resources(template, "AWS::SES::EmailIdentity").values()
    props = identity["Properties"]
    assert props["ConfigurationSetAttributes"] == {
        "ConfigurationSetName": {"Ref": "MailConfigurationSet"}}
    cond, dkim, _ = props["DkimSigningAttributes"]["Fn::If"]
    assert cond == "SenderIsDomain" and dkim == {"NextSigningKeyLength": "RSA_2048_BIT"}
    cond, mail_from, _ = props["MailFromAttributes"]["Fn::If"]
    assert cond == "SenderIsDomain"
    assert mail_from["MailFromDomain"] == {"Fn::Sub": "${MailFromSubdomain}.${SenderIdentity}"}
    assert {"DkimRecord1", "MailFromMxRecord", "MailFromSpfRecord"} <= set(template["Outputs"])


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_every_function_log_group_is_kept_when_the_stack_goes(template, stage):
    groups = resources(template, "AWS::Logs::LogGroup").values()
    assert {sub(g["Properties"]["LogGroupName"], Stage=stage) for g in groups} == \
        {f"/aws/lambda/{name}" for name in chalice_function_names(stage)}
    for group in groups:
        assert group["DeletionPolicy"] == group["UpdateReplacePolicy"] == "Retain"


@pytest.mark.parametrize("stage", DEPLOYED_STAGES)
def test_policy_grants_only_what_is_used_and_works_on_a_restored_table(stage):
    policy = POLICIES[stage]
    arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/"
    # the README's restore path: restore to antre-<stage>-restore-<date>, point ANTRE_TABLE at it
    restored = f"{arn}antre-{stage}-restore-20260131"
    for action in code_dynamodb_actions():
        assert allowed(action, restored, policy), action
    assert allowed("dynamodb:Query", f"{restored}/index/due", policy)
    assert "dynamodb:DescribeTable" not in code_dynamodb_actions()
    assert not allowed("dynamodb:DescribeTable", f"{arn}antre-{stage}", policy)
    # the code sends raw mail only, with the stage's configuration set
    ses = f"arn:aws:ses:{REGION}:{ACCOUNT}:"
    assert not allowed("ses:SendEmail", f"{ses}identity/example.go.id", policy)
    assert allowed("ses:SendRawEmail", f"{ses}configuration-set/antre-{stage}", policy)
    assert not allowed("ses:SendRawEmail", f"{ses}configuration-set/other", policy)


def test_a_custom_domain_serves_the_stage_at_its_root():
    template = load_cfn("domain.yaml")
    assert {"DomainName", "CertificateArn", "RestApiId"} <= set(template["Parameters"])
    (domain,) = resources(template, "AWS::ApiGateway::DomainName").values()
    assert domain["Properties"]["RegionalCertificateArn"] == {"Ref": "CertificateArn"}
    assert domain["Properties"]["SecurityPolicy"] == "TLS_1_2"
    (mapping,) = resources(template, "AWS::ApiGateway::BasePathMapping").values()
    assert "BasePath" not in mapping["Properties"]  # the root, where relative URLs work
    assert mapping["Properties"]["RestApiId"] == {"Ref": "RestApiId"}
    assert template["Parameters"]["StageName"]["Default"] == \
        CHALICE_CONFIG["stages"]["prod"]["api_gateway_stage"]
    text = (INFRA / "deploy.sh").read_text()
    assert "--template-file infra/domain.yaml" in text and "ANTRE_CERTIFICATE_ARN" in text


def test_deploy_script_keeps_chalice_record_and_checks_the_ses_sandbox():
    text = (INFRA / "deploy.sh").read_text()
    restore = text.index('printf \'%s\' "$saved" | base64 -d | gunzip >"$DEPLOYED"')
    deploy = text.index('"$CHALICE" deploy --stage "$STAGE"')
    save = text.index('aws ssm put-parameter --name "$DEPLOYED_PARAM"')
    assert restore < deploy < save  # restored before chalice looks for it, saved after
    assert "aws sesv2 get-account" in text and "ProductionAccessEnabled" in text
    assert "PERHATIAN" in text.split("aws sesv2 get-account", 1)[1]  # Indonesian first
    # every function's log group is looked for when the stack is made again
    for name in chalice_function_names("prod"):
        assert f'"{name.replace("prod", "$STAGE", 1)}"' in text, name


def test_the_layer_loses_whole_test_folders_only():
    from infra.layer import is_test_file

    site = "python/lib/python3.11/site-packages/"
    assert is_test_file(site + "icalendar/tests/test_time.py")
    assert is_test_file(site + "qrcode/tests/__init__.py")
    assert not is_test_file(site + "jinja2/tests.py")  # a module jinja2 imports
    assert not is_test_file(site + "holidays/countries/indonesia.py")
    text = (INFRA / "deploy.sh").read_text()
    assert text.index('"$PY" -m infra.layer') < text.index('"$CHALICE" deploy --stage "$STAGE"')


def test_the_templates_pass_cfn_lint():
    """Property names and values against CloudFormation's own resource schemas for the
    region, offline: what moto passes over (alarms, the SES event destination) is checked
    here too."""
    names = ["template.yaml", "domain.yaml", "gateway_responses.yaml"]
    run = subprocess.run([sys.executable, "-c", "from cfnlint.runner import main; main()",
                          "--regions", REGION, "--", *[str(INFRA / n) for n in names]],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    # AWS Budgets' type exists in us-east-1 only: deploy.sh puts that stack there
    run = subprocess.run([sys.executable, "-c", "from cfnlint.runner import main; main()",
                          "--regions", "us-east-1", "--", str(INFRA / "budget.yaml")],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "--region us-east-1" in (INFRA / "deploy.sh").read_text()
