"""Bilingual emails (Bahasa Indonesia first, English below) as plain data the SES sender delivers.

Rendering is pure: every time shown comes from ctx (slot times in the mall's zone, `now`
for the calendar stamp), so the same ctx always gives the same email and tests need no AWS.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from email import policy
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

from .ics import booking_ics, slot_bounds
from .qr import qr_png

# Indonesia's legal zone names; strftime's %Z would say "WIT" for Jayapura but "+07" elsewhere.
_ZONE_ABBR = {
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
}
# Hand-mapped rather than strftime, which follows the process locale (English on Lambda).
_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni",
           "Juli", "Agustus", "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June",
           "July", "August", "September", "October", "November", "December"),
}

# a verification code goes to an address nobody proved yet: no name typed with it
_VERIFY_KEYS = frozenset({"code", "expires_minutes"})
_BOOKING_KEYS = frozenset({
    "name", "booking_id", "code", "mall_name", "mall_address", "timezone", "service_name",
    "agency_name", "requirements", "date", "start", "end", "now",
})


_CLOSURE_KEYS = frozenset({"reason", "closed_from", "closed_to", "manage_url"})


@dataclass
class Attachment:
    filename: str
    content_type: str  # may carry parameters: "text/calendar; method=PUBLISH"
    data: bytes
    cid: str | None = None  # also shown inside the HTML body (<img src="cid:...">)


@dataclass
class EmailContent:
    subject: str
    text: str
    html: str
    attachments: list[Attachment]


@dataclass(frozen=True)
class _Kind:
    subject: str  # str.format over ctx
    required: frozenset[str]
    qr: bool = False
    ics_method: str | None = None  # PUBLISH or CANCEL; None: no calendar file
    default_sequence: int = 0  # a change must outrank the event already in the calendar


_KINDS = {
    "verify": _Kind("Kode verifikasi Antre: {code}", _VERIFY_KEYS),
    "password_reset": _Kind("Kode atur ulang kata sandi Antre / Password reset code: {code}",
                            _VERIFY_KEYS | {"name"}),
    "register_attempt": _Kind("Ada yang mencoba mendaftar dengan email Anda / Someone tried "
                              "to register with your address", frozenset({"login_url"})),
    "codes_locked": _Kind("Terlalu banyak kode salah di akun Antre Anda / Too many wrong "
                          "codes on your Antre account", frozenset({"name", "hours",
                                                                    "reset_url"})),
    "nik_claimed": _Kind("NIK Anda dipindahkan ke pemiliknya / Your NIK moved to its owner",
                         frozenset({"name", "nik_last4"})),
    "booking_confirmed": _Kind(
        "Booking Antre terkonfirmasi / Booking confirmed: {code}", _BOOKING_KEYS,
        qr=True, ics_method="PUBLISH"),
    "booking_cancelled": _Kind(
        "Booking Antre dibatalkan / Booking cancelled: {code}", _BOOKING_KEYS,
        ics_method="CANCEL", default_sequence=1),
    "booking_rescheduled": _Kind(
        "Jadwal booking Antre diubah / Booking rescheduled: {code}",
        _BOOKING_KEYS | {"old_date", "old_start"},
        qr=True, ics_method="PUBLISH", default_sequence=1),
    "waitlist_offer": _Kind(
        "Kursi tersedia untuk Anda di {mall_name} / A seat is yours to take",
        frozenset({"name", "mall_name", "service_name", "timezone", "date", "start", "end",
                   "expires", "accept_url"})),
    "booking_reminder": _Kind(
        "Pengingat: besok ke {mall_name} / Reminder: tomorrow at {mall_name}: {code}",
        _BOOKING_KEYS | {"manage_url"}, qr=True, ics_method="PUBLISH"),
    "booking_moved_closure": _Kind(
        "MPP tutup: booking Antre dipindahkan / Mall closed: booking moved: {code}",
        _BOOKING_KEYS | _CLOSURE_KEYS | {"old_date", "old_start", "reschedule_url"},
        qr=True, ics_method="PUBLISH", default_sequence=1),
    "booking_cancelled_closure": _Kind(
        "Mohon maaf, MPP tutup: booking Antre dibatalkan / Sorry, mall closed: booking "
        "cancelled: {code}", _BOOKING_KEYS | _CLOSURE_KEYS,
        ics_method="CANCEL", default_sequence=1),
    "account_deleted": _Kind("Akun Antre Anda telah dihapus / Your Antre account was deleted",
                             frozenset({"cancelled"})),
}
KINDS = frozenset(_KINDS)

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def zone_abbr(tz_name: str, at: datetime) -> str:
    """WIB, WITA or WIT for Indonesian zones; otherwise the UTC offset at `at`, e.g. "UTC+5:30"."""
    if tz_name in _ZONE_ABBR:
        return _ZONE_ABBR[tz_name]
    minutes = int(at.utcoffset().total_seconds()) // 60
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'-' if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")


def format_when(start: datetime, end: datetime | None, tz_name: str, lang: str) -> str:
    """"Senin, 7 Desember 2026, 08:00–08:30 WIB" (lang "id") or "Monday, 7 December 2026, ..." ("en")."""
    day = f"{_DAYS[lang][start.weekday()]}, {start.day} {_MONTHS[lang][start.month - 1]} {start.year}"
    hours = f"{start:%H:%M}" + (f"–{end:%H:%M}" if end is not None else "")
    return f"{day}, {hours} {zone_abbr(tz_name, start)}"


_SLOT_KEYS = frozenset({"timezone", "date", "start", "end"})


def _slot_view(ctx: dict) -> dict:
    tz_name = ctx["timezone"]
    start, end = slot_bounds(ctx)
    view = {f"when_{lang}": format_when(start, end, tz_name, lang) for lang in _DAYS}
    view["zone"] = zone_abbr(tz_name, start)
    for key in ("closed_from", "closed_to"):
        if key in ctx:
            day = date.fromisoformat(ctx[key])
            view |= {f"{key}_{lang}": f"{_DAYS[lang][day.weekday()]}, {day.day} "
                                      f"{_MONTHS[lang][day.month - 1]} {day.year}"
                     for lang in _DAYS}
    if "closed_from" in ctx and "closed_to" in ctx:  # one day reads "on", a run "from ... to"
        one = ctx["closed_from"] == ctx["closed_to"]
        view["closed_range_id"] = (f"pada {view['closed_from_id']}" if one else
                                   f"dari {view['closed_from_id']} sampai {view['closed_to_id']}")
        view["closed_range_en"] = (f"on {view['closed_from_en']}" if one else
                                   f"from {view['closed_from_en']} to {view['closed_to_en']}")
    if "old_date" in ctx:
        old = datetime.combine(date.fromisoformat(ctx["old_date"]),
                               time.fromisoformat(ctx["old_start"]), ZoneInfo(tz_name))
        view |= {f"old_when_{lang}": format_when(old, None, tz_name, lang) for lang in _DAYS}
    return view


def render(kind: str, ctx: dict) -> EmailContent:
    """The email of `kind` (see KINDS) for ctx; raises KeyError naming any missing ctx keys."""
    spec = _KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown email kind {kind!r}; expected one of {sorted(KINDS)}")
    missing = spec.required - ctx.keys()
    if missing:
        raise KeyError(f"{kind} email needs ctx keys {sorted(missing)}")

    # Collapse whitespace: a line break in a header value would be rejected (or inject headers).
    subject = " ".join(spec.subject.format(**ctx).split())
    view = {**ctx, "subject": subject}
    if spec.qr:  # the QR inside the message too: the citizen shows the email at the kiosk
        view["qr_cid"] = f"qr-{ctx['code']}@antre"
    if spec.required >= _SLOT_KEYS:  # a slot in words and in the mall's zone, never ISO
        view |= _slot_view(ctx)
    text = _env.get_template(f"{kind}.txt.j2").render(view)
    html = _env.get_template(f"{kind}.html.j2").render(view)

    code = ctx.get("code")
    attachments = []
    if spec.qr:
        attachments.append(Attachment(f"kode-booking-{code}.png", "image/png", qr_png(code),
                                      cid=view["qr_cid"]))
    if spec.ics_method:
        ics_ctx = {**ctx, "sequence": ctx.get("sequence", spec.default_sequence)}
        attachments.append(Attachment(
            f"booking-{code}.ics", f"text/calendar; method={spec.ics_method}",
            booking_ics(ics_ctx, cancelled=spec.ics_method == "CANCEL")))
    return EmailContent(subject=subject, text=text, html=html, attachments=attachments)


def build_mime(sender: str, to: str, content: EmailContent) -> bytes:
    """A raw RFC 5322 message for SES SendRawEmail: text and HTML alternatives, then attachments.

    No Date or Message-ID: reading the clock here would make this impure; SES adds them.
    """
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = content.subject
    msg.set_content(content.text)
    msg.add_alternative(content.html, subtype="html")
    html_part = msg.get_payload()[1]
    for att in content.attachments:
        if att.cid:  # the same image, inline in the HTML (multipart/related)
            html_part.add_related(att.data, maintype="image", subtype="png",
                                  cid=f"<{att.cid}>", filename=att.filename)
    for att in content.attachments:
        mime_type, *param_parts = (p.strip() for p in att.content_type.split(";"))
        maintype, subtype = mime_type.split("/")
        params = dict(p.split("=", 1) for p in param_parts if p)
        msg.add_attachment(att.data, maintype=maintype, subtype=subtype,
                           filename=att.filename, params=params)
    return msg.as_bytes(policy=policy.SMTP)
