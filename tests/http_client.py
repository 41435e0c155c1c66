"""A tiny JSON-over-HTTP client for tests that talk to a real server."""
from __future__ import annotations

import json
import urllib.error
import urllib.request


def request(base_url: str, method: str, path: str, body=None, token=None, headers=None,
            timeout: float = 120):
    # generous: a race test's hundred requests queue at a server that serves one at a time,
    # and the last waits for all the others on a busy 2-core machine
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base_url + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    for key, value in (headers or {}).items():
        req.add_header(key, value)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            status, raw = answer.status, answer.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode("utf-8", "replace")
