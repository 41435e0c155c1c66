"""The citizen page: static files shipped inside the Lambda package, served by the app."""
from __future__ import annotations

from pathlib import Path

from chalice import Blueprint, Response

from chalicelib.api.http import route
from chalicelib.errors import NotFound

bp = Blueprint(__name__)

WEB = Path(__file__).resolve().parent.parent / "web"
TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml",
         ".json": "application/json", ".webmanifest": "application/manifest+json"}


# Only the app's own files run; the QR arrives as SVG text and is inserted as a DOM node.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; "
                               "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                               "form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _file(name: str, cache: str) -> Response:
    path = (WEB / name).resolve()
    if path.parent != WEB or path.suffix not in TYPES or not path.is_file():
        raise NotFound("file.not_found")
    return Response(path.read_text(encoding="utf-8"),
                    headers={"Content-Type": TYPES[path.suffix], "Cache-Control": cache,
                             **SECURITY_HEADERS})


@route(bp, "/")
def index():
    return _file("index.html", "no-cache")


@route(bp, "/static/{name}")
def static(name):
    return _file(name, "public, max-age=300")
