"""What the browser tests share: pages opened in their own contexts and watched for errors,
and the API called over HTTP beside them."""
from __future__ import annotations

from datetime import datetime

from tests.http_client import request

TIMEOUT_MS = 15_000

# CSP violations reach the console too; this makes sure each one is reported as an error.
CSP_WATCH = """
document.addEventListener('securitypolicyviolation', function (e) {
  console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI);
});
"""


class Pages:
    """Pages of the app, each in its own browser context (its own storage), Indonesian
    locale in WIB. A JavaScript error, or a console error containing one of `console_errors`,
    on any of them fails the test when `close()` runs."""

    def __init__(self, browser, live_server, console_errors=("Content Security Policy",)):
        self.browser, self.url = browser, live_server.url
        self.console_errors = console_errors
        self.contexts, self.errors = [], []

    def open(self, path: str | None, *, width=360, height=740, js=True, init="",
             clock_at: datetime | None = None, downloads=False):
        context = self.browser.new_context(viewport={"width": width, "height": height},
                                           locale="id-ID", timezone_id="Asia/Jakarta",
                                           java_script_enabled=js, accept_downloads=downloads)
        context.set_default_timeout(TIMEOUT_MS)
        if js:
            context.add_init_script(CSP_WATCH + init)
        self.contexts.append(context)
        pg = context.new_page()
        if js and clock_at is not None:
            pg.clock.install(time=clock_at)
        pg.on("pageerror", lambda e: self.errors.append(f"{path}: {e}"))
        pg.on("console", lambda m: self.errors.append(f"{path}: {m.text}")
              if m.type == "error" and any(s in m.text for s in self.console_errors) else None)
        if path is not None:
            pg.goto(self.url + path)
        return pg

    def close(self):
        for context in self.contexts:
            context.close()
        assert not self.errors, f"JavaScript errors or CSP violations: {self.errors}"


def api(live_server, method, path, body=None, token=None, *, expect_status=None, headers=None):
    """The API over HTTP: the answer's body (checked against `expect_status` if given)."""
    status, answer = request(live_server.url, method, path, body, token=token, headers=headers)
    if expect_status is not None:
        assert status == expect_status, (method, path, status, answer)
    return answer
