"""`make run`'s program starts the whole system, serves the seeded mall and stops cleanly."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from tests.http_client import request

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_run_serves_the_demo_mall_and_stops_on_sigterm():
    port, emulator_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ANTRE_", "AWS_"))}  # as on a fresh shell
    env.update(PORT=str(port), EMULATOR_PORT=str(emulator_port))
    run = subprocess.Popen([sys.executable, "-m", "infra.local.run"], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = run.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Press Ctrl-C to stop." in line:
                break
        assert "Antre is running." in "".join(lines), "".join(lines)
        base = f"http://127.0.0.1:{port}"
        assert request(base, "GET", "/v1/malls")[1][0]["name"] == "MPP Kota Bogor"
        status, page = request(base, "GET", "/")
        assert status == 200 and "<html" in page
        assert request(base, "GET", "/dev/mail")[0] == 200
        for path in ("/kiosk", "/counter", "/display", "/ticket", "/walkin", "/admin"):
            status, page = request(base, "GET", path)
            assert status == 200 and "<html" in page, path
        # an unknown route: 404 in the API's shape, as deployed, and no token echoed
        status, body = request(base, "GET", "/v1/nothing-here", token="secret-token-123")
        assert (status, body["code"]) == (404, "not_found")
        assert "secret-token-123" not in str(body)
        status, token = request(base, "POST", "/v1/sessions",
                                {"email": "admin@antre.local", "password": "admin-demo-123"})
        assert status == 200
        # mail leaves as deployed: the table's stream hands it to the app's sender
        status, _ = request(base, "POST", "/v1/accounts", {
            "email": "baru@example.id", "password": "kuda-lari-123", "name": "Warga Baru",
            "phone": "0812-3456-7890", "nik": "3201014506900001"})
        assert status == 201
        deadline = time.monotonic() + 15
        while not request(base, "GET", "/dev/mail.json?to=baru@example.id")[1]:
            assert time.monotonic() < deadline, "the verification mail never left"
            time.sleep(0.2)
    finally:
        run.send_signal(signal.SIGTERM)
        run.wait(30)
    assert not listening(port) and not listening(emulator_port)
