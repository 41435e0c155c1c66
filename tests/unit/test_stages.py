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
