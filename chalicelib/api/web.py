"""The pages: static files shipped inside the Lambda package, served by the app. The citizen
page at `/`; the mall floor's pages (kiosk, counter, display, ticket, walkin) and the mall
admin's page (admin) at one path segment each, so their relative URLs work at the root and
under a stage prefix."""
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
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    # the kiosk reads QR codes with its camera; nothing else uses a device
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=(), usb=()",
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


# Every other page, each at one path segment so its relative URLs work under a prefix.
PAGES = {
    "kiosk": "the kiosk's touch screen at the entrance: check-in, walk-ins, the hall QR",
    "counter": "the counter staff's page: call, serve, transfer; book for a citizen",
    "display": "the hall's TV: now serving, the last calls, spoken announcements",
    "ticket": "a queue ticket followed on a phone (ticket#<ticket_id>)",
    "walkin": "a walk-in ticket taken on a phone (walkin#m=<mall_id>&t=<token>)",
    "admin": "the mall admin's page: services, hours, capacity, closures, staff, statistics",
}


def _page(name: str):
    def page():
        return _file(f"{name}.html", "no-cache")

    page.__name__ = f"page_{name}"
    return route(bp, f"/{name}")(page)


for _name in PAGES:
    _page(_name)
