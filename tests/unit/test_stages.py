"""The dev mail page exists only in the local stage; deployed stages need real secrets."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chalicelib import config

ROOT = Path(__file__).resolve().parents[2]


def routes_in_stage(stage: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    env["ANTRE_STAGE"] = stage  # no secrets: `chalice deploy` imports the app like this
    out = subprocess.run(
        [sys.executable, "-c", "import json, app; print(json.dumps(sorted(app.app.routes)))"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout
    return set(json.loads(out))


def test_dev_mail_only_in_the_local_stage():
    assert "/dev/mail" in routes_in_stage("local")
    for stage in ("dev", "prod"):
        routes = routes_in_stage(stage)
        assert "/v1/bookings" in routes and not any(r.startswith("/dev") for r in routes)


def test_deployed_stages_refuse_to_work_without_secrets():
    prod = config.from_env({"ANTRE_STAGE": "prod"})  # importing the app needs no secret
    with pytest.raises(RuntimeError, match="ANTRE_JWT_SECRET"):
        prod.jwt_secret
    assert config.from_env({"ANTRE_STAGE": "local"}).jwt_secret  # local has a dev default


def test_the_command_line_finds_make_runs_emulator_and_links_to_its_pages():
    """`cli --stage local` always used 127.0.0.1:5000 and its mail linked to 127.0.0.1:8000,
    whatever PORT and EMULATOR_PORT `make run` was started with (issue 15)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ANTRE_", "AWS_"))}
    env.update(PORT="8123", EMULATOR_PORT="5123")
    out = subprocess.run(
        [sys.executable, "-c", "import os; from chalicelib import cli; cli.use_stage('local');"
         " print(os.environ['AWS_ENDPOINT_URL'], os.environ['ANTRE_PUBLIC_BASE_URL'])"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert out == ["http://127.0.0.1:5123", "http://127.0.0.1:8123"]
