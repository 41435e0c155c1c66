#!/usr/bin/env bash
# Deploys one Antre stage to the AWS account and region the aws CLI is configured for.
# Run it through make, which builds the project's .venv (chalice and every dependency) first:
#   make deploy STAGE=prod ANTRE_SENDER=antre.kota.go.id ANTRE_ALARM_EMAIL=it@kota.go.id
# It starts with the preflight (infra/preflight.py), which checks every precondition and
# creates nothing.
# Optional: ANTRE_DOMAIN=antre.kota.go.id ANTRE_CERTIFICATE_ARN=arn:aws:acm:... serves the
# stage at the root of the city's own domain (infra/domain.yaml).
# Safe to run again: every step creates what is missing and updates what changed.
# See infra/README.md.
set -euo pipefail

STAGE=${1:-dev}
case "$STAGE" in
  dev | prod) ;;
  *) echo "usage: $0 [dev|prod]" >&2; exit 2 ;;
esac

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# The project's own virtualenv (`make deploy` makes it): chalice and every dependency the
# package needs, at the versions the tests ran with.
PY=${ANTRE_PYTHON:-$ROOT/.venv/bin/python}
CHALICE="$(dirname "$PY")/chalice"

INFRA_STACK="antre-$STAGE-infra"
GATEWAY_STACK="antre-$STAGE-gateway-responses"
DOMAIN_STACK="antre-$STAGE-domain"
# chalice's record of what it deployed (function and API ids); kept in SSM as well, so a
# deploy from another machine updates the same API instead of creating a second one.
DEPLOYED=".chalice/deployed/$STAGE.json"
DEPLOYED_PARAM="/antre/$STAGE/chalice-deployed"
# Every function chalice makes for the stage (alarms and log groups in infra/template.yaml).
FUNCTIONS=("antre-$STAGE" "antre-$STAGE-retry_mail" "antre-$STAGE-sweep_floor"
  "antre-$STAGE-closure_worker" "antre-$STAGE-ses_feedback" "antre-$STAGE-send_new_mail")
export AWS_PAGER=""

die() { echo "error: $*" >&2; exit 1; }
step() { printf '\n==> %s\n' "$*"; }

for tool in aws openssl; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' tidak ada di PATH / not found on PATH" \
    "(infra/README.md)"
done
[ -x "$PY" ] && [ -x "$CHALICE" ] || die "$PY atau/or $CHALICE tidak ada / missing:" \
  "jalankan / run 'make deploy STAGE=$STAGE', which builds .venv"

REGION=${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region || true)}}
if [ -n "$REGION" ]; then
  # chalice and every aws call below must work in the same region.
  export AWS_REGION="$REGION" AWS_DEFAULT_REGION="$REGION"
fi

step "Preflight: every precondition, before anything is created"
"$PY" -m infra.preflight "$STAGE" || die "preflight gagal; belum ada yang dibuat / the" \
  "preflight failed; nothing was created"
: "${ANTRE_SENDER:?}" "${ANTRE_ALARM_EMAIL:?}"  # the preflight checked them
ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
echo "Deploying stage '$STAGE' to account $ACCOUNT in $REGION"

# A setting of this stage as chalice will see it (stage environment over the shared one).
chalice_setting() {
  "$PY" - "$STAGE" "$1" "$2" <<'EOF'
import json, sys
stage, key, default = sys.argv[1:4]
cfg = json.load(open(".chalice/config.json"))
stage_cfg = cfg.get("stages", {}).get(stage, {})
if key == "api_gateway_stage":
    print(stage_cfg.get(key, cfg.get(key, default)))
else:
    env = {**cfg.get("environment_variables", {}), **stage_cfg.get("environment_variables", {})}
    print(env.get(key, default))
EOF
}

MAIL_SENDER=$(chalice_setting ANTRE_MAIL_SENDER "")
case "$ANTRE_SENDER" in
  *@*) [ "$MAIL_SENDER" = "$ANTRE_SENDER" ] ;;
  *) case "$MAIL_SENDER" in *"@$ANTRE_SENDER" | *".$ANTRE_SENDER") true ;; *) false ;; esac ;;
esac || echo "warning: .chalice/config.json sends from '$MAIL_SENDER', which the identity" \
  "'$ANTRE_SENDER' does not cover; set ANTRE_MAIL_SENDER for stage '$STAGE' there." >&2

step "Table, SES identity, log groups and alarms (stack $INFRA_STACK)"
overrides=("Stage=$STAGE" "SenderIdentity=$ANTRE_SENDER" "AlarmEmail=$ANTRE_ALARM_EMAIL")
if ! aws cloudformation describe-stacks --stack-name "$INFRA_STACK" >/dev/null 2>&1; then
  # First deploy: the stack owns the log groups unless the functions have already run (then
  # Lambda created them, and a stack cannot take over an existing log group). Later deploys
  # keep the stack's earlier choice.
  # The groups outlive a deleted stack (DeletionPolicy: Retain), so a stack made again
  # finds them too.
  existing=0
  for fn in "${FUNCTIONS[@]}"; do
    group="/aws/lambda/$fn"
    found=$(aws logs describe-log-groups --log-group-name-prefix "$group" \
      --query "length(logGroups[?logGroupName=='$group'])" --output text)
    [ "$found" = "0" ] || existing=1
  done
  if [ "$existing" = 1 ]; then
    for fn in "${FUNCTIONS[@]}"; do
      group="/aws/lambda/$fn"
      aws logs create-log-group --log-group-name "$group" 2>/dev/null || true
      aws logs put-retention-policy --log-group-name "$group" --retention-in-days 90
    done
    overrides+=("CreateLogGroups=false")
  else
    overrides+=("CreateLogGroups=true")
  fi
fi
aws cloudformation deploy \
  --stack-name "$INFRA_STACK" \
  --template-file infra/template.yaml \
  --parameter-overrides "${overrides[@]}" \
  --tags app=antre "stage=$STAGE" \
  --no-fail-on-empty-changeset
# The monthly spend alarm: AWS Budgets' CloudFormation type exists in us-east-1 only.
aws cloudformation deploy --region us-east-1 \
  --stack-name "antre-$STAGE-budget" \
  --template-file infra/budget.yaml \
  --parameter-overrides "Stage=$STAGE" "AlarmEmail=$ANTRE_ALARM_EMAIL" \
    "MonthlyBudgetUsd=${ANTRE_MONTHLY_BUDGET_USD:-150}" \
  --tags app=antre "stage=$STAGE" \
  --no-fail-on-empty-changeset

step "Secrets in SSM Parameter Store"
# Created once, with random values, and never overwritten by this script. Rotating the JWT
# secret only signs everybody out; do it by hand with `aws ssm put-parameter --overwrite`.
# The value goes through a private temporary file, not the command line (visible in `ps`).
secret_file=$(mktemp)
trap 'rm -f "$secret_file"' EXIT
ensure_secret() {
  local name=$1 description=$2
  if aws ssm get-parameter --name "$name" --query Parameter.Name --output text >/dev/null 2>&1; then
    echo "kept existing $name"
    return
  fi
  openssl rand -hex 32 | tr -d '\n' >"$secret_file"
  # Without --overwrite, put-parameter refuses to replace a parameter that exists.
  aws ssm put-parameter --name "$name" --type SecureString --description "$description" \
    --value "file://$secret_file" --tags Key=app,Value=antre "Key=stage,Value=$STAGE" >/dev/null
  : >"$secret_file"
  echo "created $name"
}
ensure_secret "$(chalice_setting ANTRE_JWT_SECRET_SSM "/antre/$STAGE/jwt-secret")" \
  "Antre $STAGE: signs login tokens"
# The NIK key: created only while the table holds no citizen (its key marker, read by key);
# over citizens a missing or different key is refused with how to restore it from the
# officer's encrypted backup (chalicelib/services/key_admin.py).
"$PY" -m chalicelib.cli --stage "$STAGE" ensure-nik-key

step "Lambda functions and API (chalice deploy --stage $STAGE)"
# Without its record chalice would create a second API and new functions beside the old
# ones. A machine that never deployed this stage takes the record from SSM.
if [ ! -f "$DEPLOYED" ]; then
  if saved=$(aws ssm get-parameter --name "$DEPLOYED_PARAM" --query Parameter.Value \
      --output text 2>/dev/null); then
    mkdir -p "$(dirname "$DEPLOYED")"
    printf '%s' "$saved" | base64 -d | gunzip >"$DEPLOYED"
    echo "$DEPLOYED dipulihkan dari SSM $DEPLOYED_PARAM: API tahap ini yang sudah ada diperbarui" \
      "/ restored $DEPLOYED from SSM $DEPLOYED_PARAM: updating the stage's existing API"
  else
    echo "$DEPLOYED tidak ada di sini maupun di SSM: deploy pertama tahap '$STAGE' (API baru)" \
      "/ no $DEPLOYED here nor in SSM: a first deploy of stage '$STAGE' (new API)"
  fi
fi
# The mail sender's event source is the table's stream (the stack's output); chalice reads
# it when it imports the app (ANTRE_MAIL_STREAM_ARN, chalicelib/config.py).
ANTRE_MAIL_STREAM_ARN=$(aws cloudformation describe-stacks --stack-name "$INFRA_STACK" \
  --query "Stacks[0].Outputs[?OutputKey=='TableStreamArn'].OutputValue" --output text)
[[ "$ANTRE_MAIL_STREAM_ARN" == arn:* ]] || die "the stack $INFRA_STACK has no TableStreamArn output"
export ANTRE_MAIL_STREAM_ARN
# The dependency layer (chalice's automatic_layer), built once per requirements.txt into
# .chalice/deployments/ and reused by `chalice deploy`: built here first, so that the
# dependencies' own test folders can be taken out of it (infra/layer.py).
layer_out=$(mktemp -d)
"$CHALICE" package --stage "$STAGE" "$layer_out" >/dev/null
rm -rf "$layer_out"
"$PY" -m infra.layer
"$CHALICE" deploy --stage "$STAGE"

[ -f "$DEPLOYED" ] || die "chalice did not write $DEPLOYED"
# Saved after every deploy (gzip + base64 keeps it within a standard parameter). Replaced by
# delete and put: the record is not a secret, and this script never overwrites parameters.
aws ssm delete-parameter --name "$DEPLOYED_PARAM" >/dev/null 2>&1 || true
aws ssm put-parameter --name "$DEPLOYED_PARAM" --type String --tier Intelligent-Tiering \
  --description "Antre $STAGE: chalice's .chalice/deployed/$STAGE.json (infra/deploy.sh)" \
  --value "$(gzip -9c "$DEPLOYED" | base64 | tr -d '\n')" >/dev/null
echo "$DEPLOYED disimpan di SSM $DEPLOYED_PARAM / saved $DEPLOYED to SSM $DEPLOYED_PARAM"
read -r REST_API_ID API_URL < <("$PY" - "$DEPLOYED" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1]))["resources"]:
    if r.get("resource_type") == "rest_api":
        print(r["rest_api_id"], r.get("rest_api_url", ""))
        break
else:
    sys.exit("no rest_api in " + sys.argv[1])
EOF
)
API_STAGE=$(chalice_setting api_gateway_stage api)

step "Gateway responses for API $REST_API_ID (stack $GATEWAY_STACK)"
aws cloudformation deploy \
  --stack-name "$GATEWAY_STACK" \
  --template-file infra/gateway_responses.yaml \
  --parameter-overrides "RestApiId=$REST_API_ID" "Revision=$(date -u +%Y%m%dT%H%M%SZ)" \
  --tags app=antre "stage=$STAGE" \
  --no-fail-on-empty-changeset
# Gateway responses only reach clients through a new deployment of the stage.
aws apigateway create-deployment --rest-api-id "$REST_API_ID" --stage-name "$API_STAGE" \
  --description "gateway responses $(date -u +%FT%TZ)" >/dev/null

# The stage's own throttle, in front of the app's per-account and per-address limits: a
# flood is answered 429 by API Gateway before it reaches (and costs) Lambda or DynamoDB.
RATE=${ANTRE_API_RATE:-100}
BURST=${ANTRE_API_BURST:-200}
step "Throttling stage $API_STAGE: $RATE requests a second, bursts of $BURST"
aws apigateway update-stage --rest-api-id "$REST_API_ID" --stage-name "$API_STAGE" \
  --patch-operations "op=replace,path=/*/*/throttling/rateLimit,value=$RATE" \
  "op=replace,path=/*/*/throttling/burstLimit,value=$BURST" >/dev/null

if [ -n "${ANTRE_DOMAIN:-}" ]; then
  : "${ANTRE_CERTIFICATE_ARN:?set ANTRE_CERTIFICATE_ARN to an ACM certificate for $ANTRE_DOMAIN in $REGION}"
  step "Custom domain $ANTRE_DOMAIN at the root (stack $DOMAIN_STACK)"
  aws cloudformation deploy \
    --stack-name "$DOMAIN_STACK" \
    --template-file infra/domain.yaml \
    --parameter-overrides "DomainName=$ANTRE_DOMAIN" "CertificateArn=$ANTRE_CERTIFICATE_ARN" \
    "RestApiId=$REST_API_ID" "StageName=$API_STAGE" \
    --tags app=antre "stage=$STAGE" \
    --no-fail-on-empty-changeset
  aws cloudformation describe-stacks --stack-name "$DOMAIN_STACK" \
    --query "Stacks[0].Outputs[?OutputKey=='DnsRecord'].OutputValue" --output text
  [ "$(chalice_setting ANTRE_PUBLIC_BASE_URL "")" = "https://$ANTRE_DOMAIN" ] || echo \
    "peringatan: isi ANTRE_PUBLIC_BASE_URL tahap '$STAGE' di .chalice/config.json dengan" \
    "https://$ANTRE_DOMAIN (tautan di email memakainya), lalu deploy lagi." \
    "/ warning: set ANTRE_PUBLIC_BASE_URL to https://$ANTRE_DOMAIN for stage '$STAGE' in" \
    ".chalice/config.json (links in emails use it), then deploy again." >&2
fi

# SES's sandbox: a new account mails only verified addresses, 200 a day. Per region.
SES_REGION=$(chalice_setting ANTRE_SES_REGION "$REGION")
step "SES account in $SES_REGION"
production=$(aws sesv2 get-account --region "$SES_REGION" --query ProductionAccessEnabled \
  --output text 2>/dev/null || echo unknown)
sending=$(aws sesv2 get-account --region "$SES_REGION" --query SendingEnabled \
  --output text 2>/dev/null || echo unknown)
if [ "$production" = "True" ] && [ "$sending" = "True" ]; then
  echo "SES: akses produksi aktif, pengiriman berjalan / production access on, sending enabled."
else
  cat >&2 <<EOF
PERHATIAN: akun SES di $SES_REGION masih di sandbox (atau pengirimannya dihentikan):
  email hanya sampai ke alamat yang sudah diverifikasi, paling banyak 200 sehari, jadi warga
  tidak menerima kode. Ajukan akses produksi (AWS menjawab dalam sekitar satu hari):
WARNING: the SES account in $SES_REGION is still in the sandbox (or its sending is paused):
  mail reaches verified addresses only, 200 a day, so citizens get no codes. Request
  production access (AWS answers in about a day):
    aws sesv2 put-account-details --region $SES_REGION --production-access-enabled \\
      --mail-type TRANSACTIONAL --website-url "${API_URL:-https://${ANTRE_DOMAIN:-your-domain}/}" \\
      --contact-language EN --use-case-description "Transactional mail only for a public \\
      service mall's bookings: verification codes, booking confirmations, reminders; no \\
      marketing. Bounces and complaints reach an SNS topic through a configuration set and \\
      the addresses are suppressed at once."
  (ProductionAccessEnabled=$production, SendingEnabled=$sending)
EOF
fi

URL=${API_URL:-$("$CHALICE" url --stage "$STAGE")}
step "Done"
echo "API and citizen page: $URL"
[ -z "${ANTRE_DOMAIN:-}" ] || echo "Di domain kota, setelah catatan DNS-nya terbit / on the" \
  "city's domain, once its DNS record is published: https://$ANTRE_DOMAIN/"
cat <<EOF

Still to do by hand (once):
  - confirm the SNS subscription mail sent to $ANTRE_ALARM_EMAIL;
  - verify the SES identity $ANTRE_SENDER (the link SES mailed, or, for a domain, the DKIM,
    MAIL FROM (MX, SPF) and DMARC records:
    aws cloudformation describe-stacks --stack-name $INFRA_STACK --query 'Stacks[0].Outputs');
  - keep $DEPLOYED (commit it in the city's own deployment repository), or rely on its copy
    in SSM $DEPLOYED_PARAM, which this script restores on another machine.
EOF
