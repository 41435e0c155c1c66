"""The citizen page where `chalice deploy` puts it: under API Gateway's stage prefix `/api/`.

A small HTTP proxy serves the app (the `live_server` fixture, which serves at the root as a
custom domain does) under `/api/`, strips the prefix as API Gateway does, and answers 404 to
anything outside it. The page must load its modules and call the API under the prefix, log
a citizen in, and show the account screen, including the notice that mail to the address
bounced, in Bahasa Indonesia first. The other browser tests cover the root.
"""
from __future__ import annotations

import http.client
import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from chalicelib.store import suppression
from tests.conftest import emulator_mail
from tests.e2e.test_citizen_page import MALL, expect
from tests.e2e.test_citizen_page import browser, page  # noqa: F401  (the fixtures)

PREFIX = "/api"
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate", "host", "content-length"}


class PrefixProxy:
    """Serves `upstream` at `/api/...` only, as API Gateway serves a stage."""

    def __init__(self, upstream: str):
        target = urlsplit(upstream)
        self.seen: list[str] = []
        self.outside: list[str] = []
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _forward(self):
                if not self.path.startswith(PREFIX + "/"):
                    proxy.outside.append(self.path)
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                proxy.seen.append(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in HOP_BY_HOP}
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                conn.request(self.command, self.path[len(PREFIX):], body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                conn.close()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_OPTIONS = _forward

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}{PREFIX}/"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def prefixed(live_server):
    proxy = PrefixProxy(live_server.url)
    yield proxy
    proxy.stop()


def post_json(url: str, body: dict) -> int:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return answer.status


def test_the_citizen_page_works_under_the_stage_prefix(page, prefixed):
    email = f"warga-{uuid.uuid4().hex[:10]}@example.com"
    password = "rahasia-" + uuid.uuid4().hex[:8]
    # an account, made through the prefixed API as a citizen's phone would
    assert post_json(prefixed.url + "v1/accounts", {
        "email": email, "password": password, "name": "Siti Prefiks",
        "phone": "0812 3456 7890", "nik": "3201014506907777"}) == 201
    code = re.search(r"\b(\d{6})\b", emulator_mail(email)[0]["text"]).group(1)
    assert post_json(prefixed.url + "v1/accounts/verify", {"email": email, "code": code}) == 200

    page.goto(prefixed.url)
    expect(page.get_by_test_id("intro")).to_be_visible()
    expect(page.get_by_test_id(f"mall-{MALL}")).to_be_visible()  # from GET /api/v1/malls

    page.get_by_test_id("nav-login").click()
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("who")).to_contain_text("Siti Prefiks")

    # SES reported a permanent bounce for the address: the account screen says so
    suppression.suppress(email, "bounce", "General", datetime.now(timezone.utc))
    page.get_by_test_id("nav-account").click()
    notice = page.get_by_test_id("acc-mail")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(f"Email ke {email} tidak sampai")
    page.get_by_test_id("mail-resume").click()
    expect(notice).to_be_hidden()
    assert not suppression.is_suppressed(email)

    assert not prefixed.outside, f"the page asked outside the stage: {prefixed.outside}"
    assert f"{PREFIX}/static/citizen.js" in prefixed.seen
    assert f"{PREFIX}/v1/malls" in prefixed.seen
    assert f"{PREFIX}/v1/sessions" in prefixed.seen
    assert f"{PREFIX}/v1/me" in prefixed.seen
    assert f"{PREFIX}/v1/me/email/resume" in prefixed.seen


def test_the_proxy_serves_nothing_outside_the_prefix(prefixed):
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(prefixed.url.replace(PREFIX + "/", "/v1/malls"), timeout=10)
    assert answer.value.code == 404

