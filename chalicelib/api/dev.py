"""Local stage only: read the mail the emulator's SES accepted (registered only when local)."""
from __future__ import annotations

import html
import json
import urllib.request
from datetime import datetime

from chalice import Blueprint, Response

from chalicelib import clock, config
from chalicelib.api.http import route

bp = Blueprint(__name__)


def _mail(kind: str = "mail") -> list[dict]:
    """What the emulator received, stamped on the app's clock (DEMO_NOW's day, not the wall's)."""
    url = f"{config.get().endpoint_url}/_antre/{kind}"
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 (loopback emulator)
        found = json.loads(answer.read())
    for m in found:
        wall = datetime.fromisoformat(m["received_at"])
        m["received_at"] = clock.on_app_clock(wall).isoformat(timespec="seconds")
    return found


@route(bp, "/dev/mail.json")
def mail_json():
    to = (bp.current_request.query_params or {}).get("to")
    return [m for m in _mail() if not to or m["to"] == to]


@route(bp, "/dev/sms.json")
def sms_json():
    to = (bp.current_request.query_params or {}).get("to")
    return [m for m in _mail("sms") if not to or m["to"] == to]


@route(bp, "/dev/mail")
def mail_page():
    sms = "".join(f"<li>{html.escape(m['received_at'])} · {html.escape(m['to'])}: "
                  f"{html.escape(m['text'])}</li>" for m in _mail("sms"))
    rows = []
    for m in _mail():
        images = "".join(
            f'<img alt="QR {html.escape(a["filename"])}" width="160" height="160" '
            f'src="data:{a["content_type"]};base64,{a["data_base64"]}">'
            for a in m["attachments"] if a["content_type"] == "image/png")
        files = ", ".join(html.escape(a["filename"]) for a in m["attachments"])
        rows.append(
            f"<article><h2>{html.escape(m['subject'])}</h2><p>To: {html.escape(m['to'])} · "
            f"{html.escape(m['received_at'])} · {files}</p>{images}"
            f"<pre>{html.escape(m['text'])}</pre></article>")
    body = ("<!doctype html><html lang=en><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width'><title>Dev mail</title>"
            "<style>body{font:15px system-ui;max-width:50rem;margin:auto;padding:1rem}"
            "article{border-bottom:1px solid #ccc}pre{white-space:pre-wrap}</style>"
            f"<h1>SMS sent locally</h1><ul>{sms or '<li>No SMS yet.</li>'}</ul>"
            f"<h1>Mail sent locally ({len(rows)})</h1>{''.join(rows) or '<p>No mail yet.</p>'}")
    return Response(body, headers={"Content-Type": "text/html; charset=utf-8"})
