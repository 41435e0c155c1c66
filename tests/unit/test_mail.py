"""Emails render bilingually from ctx alone, and their QR, calendar and MIME parts read back."""
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from xml.etree import ElementTree

import png
import pytest
import qrcode
from icalendar import Calendar
from qrcode.constants import ERROR_CORRECT_M
from zoneinfo import ZoneInfo

from chalicelib.mail.ics import booking_ics
from chalicelib.mail.qr import qr_png, qr_svg
from chalicelib.mail.render import Attachment, EmailContent, build_mime, format_when, render

SEPARATOR = "-" * 40
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def booking_ctx(**over):
    ctx = {
        "name": "Yohana Wenda",
        "booking_id": "01JBOOKING",
        "code": "K7M2Q9XD",
        "mall_name": "MPP Kota Jayapura",
        "mall_address": "Jl. Balai Kota No. 1, Entrop, Jayapura",
        "timezone": "Asia/Jayapura",
        "service_name": "Perekaman KTP-el",
        "agency_name": "Dukcapil",
        "requirements": ["Kartu Keluarga asli", "Surat pengantar RT/RW <asli>"],
        "date": "2026-12-07",
        "start": "08:00",
        "end": "08:30",
        "now": NOW,
    }
    return ctx | over


def rescheduled_ctx(**over):
    return booking_ctx(old_date="2026-12-04", old_start="13:30", **over)


def assert_id_then_en(body, indonesian, english, separator=SEPARATOR):
    assert body.index(indonesian) < body.index(separator) < body.index(english)


def attachment(content, filename):
    [found] = [a for a in content.attachments if a.filename == filename]
    return found


# --- kinds -----------------------------------------------------------------------------

def test_verify_shows_the_code_in_both_languages_without_attachments():
    content = render("verify", {"name": "Budi", "code": "042917", "expires_minutes": 15})
    assert content.subject == "Kode verifikasi Antre: 042917"
    assert_id_then_en(content.text, "berlaku 15 menit", "valid for 15 minutes")
    assert content.text.count("042917") == 2
    assert "042917" in content.html and 'lang="en"' in content.html
    assert content.attachments == []


@pytest.mark.parametrize("kind", ["booking_confirmed", "booking_rescheduled", "booking_cancelled"])
def test_booking_kinds_render_details_in_indonesian_then_english(kind):
    content = render(kind, rescheduled_ctx())
    when_id = "Senin, 7 Desember 2026, 08:00–08:30 WIT"
    when_en = "Monday, 7 December 2026, 08:00–08:30 WIT"
    for body in (content.text, content.html):
        assert "K7M2Q9XD" in body
        assert "MPP Kota Jayapura" in body
        assert "Jl. Balai Kota No. 1, Entrop, Jayapura" in body
        assert "Perekaman KTP-el" in body and "Dukcapil" in body
    assert "K7M2Q9XD" in content.subject
    assert_id_then_en(content.text, when_id, when_en)
    assert_id_then_en(content.html, when_id, when_en, "<hr")


@pytest.mark.parametrize("kind", ["booking_confirmed", "booking_rescheduled"])
def test_bookings_to_attend_list_requirements_and_arrival_advice(kind):
    content = render(kind, rescheduled_ctx())
    assert_id_then_en(content.text, "Persyaratan", "Requirements")
    assert content.text.count("- Kartu Keluarga asli") == 2
    assert content.text.count("- Surat pengantar RT/RW <asli>") == 2
    assert content.html.count("<li>Surat pengantar RT/RW &lt;asli&gt;</li>") == 2  # escaped
    assert_id_then_en(content.text, "10–15 menit", "10–15 minutes")
    assert_id_then_en(content.text, "tunjukkan kode QR", "show the attached QR code")
    assert_id_then_en(content.html, "tunjukkan kode QR", "show the attached QR code", "<hr")


def test_no_requirements_says_so():
    content = render("booking_confirmed", booking_ctx(requirements=[]))
    assert_id_then_en(content.text, "Tidak ada persyaratan khusus", "No specific requirements")


def test_confirmed_attaches_the_qr_of_the_code_and_a_published_event():
    content = render("booking_confirmed", booking_ctx())
    assert [(a.filename, a.content_type) for a in content.attachments] == [
        ("kode-booking-K7M2Q9XD.png", "image/png"),
        ("booking-K7M2Q9XD.ics", "text/calendar; method=PUBLISH"),
    ]
    assert attachment(content, "kode-booking-K7M2Q9XD.png").data == qr_png("K7M2Q9XD")
    cal = Calendar.from_ical(attachment(content, "booking-K7M2Q9XD.ics").data)
    assert cal["METHOD"] == "PUBLISH"
    assert cal.events[0]["SEQUENCE"] == 0


def test_rescheduled_shows_old_and_new_time_and_outranks_the_old_event():
    content = render("booking_rescheduled", rescheduled_ctx())
    assert_id_then_en(content.text, "Jumat, 4 Desember 2026, 13:30 WIT",
                      "Friday, 4 December 2026, 13:30 WIT")
    assert attachment(content, "kode-booking-K7M2Q9XD.png").data == qr_png("K7M2Q9XD")
    event = Calendar.from_ical(attachment(content, "booking-K7M2Q9XD.ics").data).events[0]
    assert event["SEQUENCE"] == 1
    assert event.start == datetime(2026, 12, 7, 8, 0, tzinfo=ZoneInfo("Asia/Jayapura"))
    later = render("booking_rescheduled", rescheduled_ctx(sequence=3))
    assert Calendar.from_ical(later.attachments[1].data).events[0]["SEQUENCE"] == 3


def test_cancelled_sends_a_cancel_event_and_no_qr():
    content = render("booking_cancelled", booking_ctx())
    assert [a.filename for a in content.attachments] == ["booking-K7M2Q9XD.ics"]
    assert content.attachments[0].content_type == "text/calendar; method=CANCEL"
    cal = Calendar.from_ical(content.attachments[0].data)
    event = cal.events[0]
    assert cal["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == "01JBOOKING@antre"
    assert_id_then_en(content.text, "dibatalkan", "cancelled")


def test_render_is_pure():
    assert render("booking_confirmed", booking_ctx()) == render("booking_confirmed", booking_ctx())


def test_missing_ctx_keys_are_named():
    ctx = booking_ctx()
    del ctx["mall_address"]
    with pytest.raises(KeyError, match="mall_address"):
        render("booking_confirmed", ctx)
    with pytest.raises(KeyError, match="old_date"):
        render("booking_rescheduled", booking_ctx())
    with pytest.raises(ValueError, match="unknown email kind"):
        render("newsletter", booking_ctx())


# --- dates and zones -------------------------------------------------------------------

@pytest.mark.parametrize("tz_name, abbr", [
    ("Asia/Jakarta", "WIB"), ("Asia/Pontianak", "WIB"),
    ("Asia/Makassar", "WITA"), ("Asia/Jayapura", "WIT"),
    ("Asia/Kolkata", "UTC+5:30"), ("America/New_York", "UTC-5"),
])
def test_zone_abbreviation(tz_name, abbr):
    content = render("booking_confirmed", booking_ctx(timezone=tz_name))
    assert f"08:00–08:30 {abbr}\n" in content.text


def test_every_day_and_month_name():
    tz = ZoneInfo("Asia/Makassar")
    first = datetime(2027, 1, 4, 9, 0, tzinfo=tz)  # a Monday
    days_id = [format_when(first + timedelta(days=i), None, "Asia/Makassar", "id") for i in range(7)]
    assert [d.split(",")[0] for d in days_id] == [
        "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
    months_id = [format_when(first.replace(month=m), None, "Asia/Makassar", "id").split()[2]
                 for m in range(1, 13)]
    assert months_id == ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
                         "Agustus", "September", "Oktober", "November", "Desember"]
    assert format_when(first, first + timedelta(minutes=30), "Asia/Makassar", "en") == (
        "Monday, 4 January 2027, 09:00–09:30 WITA")


# --- calendar file ---------------------------------------------------------------------

def test_ics_event_is_at_the_mall_local_time_with_its_zone():
    cal = Calendar.from_ical(booking_ics(booking_ctx(), cancelled=False))
    assert cal["PRODID"] == "-//Antre//MPP booking//ID"
    assert cal["VERSION"] == "2.0"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Jayapura"]
    [event] = cal.events
    assert event.start.astimezone(timezone.utc) == datetime(2026, 12, 6, 23, 0, tzinfo=timezone.utc)
    assert (event.start.hour, event.start.utcoffset()) == (8, timedelta(hours=9))
    assert event.end - event.start == timedelta(minutes=30)
    assert event.stamp == NOW.astimezone(timezone.utc)
    assert event["UID"] == "01JBOOKING@antre"
    assert event["SUMMARY"] == "Antre: Perekaman KTP-el — MPP Kota Jayapura"
    assert "Jl. Balai Kota No. 1" in event["LOCATION"]
    assert "K7M2Q9XD" in event["DESCRIPTION"]
    assert "Kartu Keluarga asli" in event["DESCRIPTION"]


def test_ics_refuses_a_naive_now():
    with pytest.raises(ValueError):
        booking_ics(booking_ctx(now=datetime(2026, 12, 1, 10, 0)))


# --- QR --------------------------------------------------------------------------------

def reference_matrix(data):
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    qr.add_data(data)
    qr.make(fit=True)
    return qr.get_matrix()


@pytest.mark.parametrize("data", ["K7M2Q9XD", "v1.sig-" + "a" * 80])
def test_qr_png_pixels_are_the_qr_of_the_data(data):
    # No pure-Python QR decoder is available, so compare every module's pixel to the
    # matrix qrcode computes for the same data at error correction M.
    blob = qr_png(data)
    assert blob.startswith(b"\x89PNG\r\n\x1a\n")
    width, height, rows, _ = png.Reader(bytes=blob).read()
    assert width == height and 250 <= width <= 330
    matrix = reference_matrix(data)
    box = width // len(matrix)
    assert box * len(matrix) == width
    pixels = [list(row) for row in rows]
    dark = [[pixels[r * box + box // 2][c * box + box // 2] == 0 for c in range(len(matrix))]
            for r in range(len(matrix))]
    assert dark == matrix


def test_qr_svg_is_a_scalable_accessible_document():
    root = ElementTree.fromstring(qr_svg("K7M2Q9XD"))
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    n = len(reference_matrix("K7M2Q9XD"))
    assert root.get("viewBox") == f"0 0 {n} {n}"
    assert root.get("role") == "img" and root.get("aria-label") == "K7M2Q9XD"
    assert root.find("{http://www.w3.org/2000/svg}title").text == "K7M2Q9XD"
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


# --- MIME ------------------------------------------------------------------------------

def test_build_mime_has_both_bodies_and_both_attachments():
    content = render("booking_confirmed", booking_ctx())
    raw = build_mime("Antre <noreply@antre.example>", "yohana@example.com", content)
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg.get_content_type() == "multipart/mixed"
    assert msg["From"] == "Antre <noreply@antre.example>"
    assert msg["To"] == "yohana@example.com"
    assert msg["Subject"] == content.subject
    assert msg["Date"] is None
    # SMTP line endings on the wire; the words are the rendered ones.
    assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == content.text
    assert msg.get_body(("html",)).get_content().replace("\r\n", "\n") == content.html
    parts = {p.get_filename(): p for p in msg.iter_attachments()}
    assert set(parts) == {"kode-booking-K7M2Q9XD.png", "booking-K7M2Q9XD.ics"}
    assert parts["kode-booking-K7M2Q9XD.png"].get_content() == qr_png("K7M2Q9XD")
    ics_part = parts["booking-K7M2Q9XD.ics"]
    assert ics_part.get_content_type() == "text/calendar"
    assert ics_part.get_param("method") == "PUBLISH"
    assert Calendar.from_ical(ics_part.get_payload(decode=True)).events[0]["UID"] == "01JBOOKING@antre"


def test_build_mime_encodes_a_non_ascii_subject_and_stays_alternative_without_attachments():
    content = EmailContent(subject="Antre — jadwal Anda", text="Halo\n", html="<p>Halo</p>\n",
                           attachments=[])
    raw = build_mime("noreply@antre.example", "budi@example.com", content)
    raw.decode("ascii")  # every header and body is transfer-encoded
    msg = message_from_bytes(raw, policy=policy.default)
    assert msg["Subject"] == "Antre — jadwal Anda"
    assert msg.get_content_type() == "multipart/alternative"


def test_build_mime_keeps_attachment_parameters():
    content = EmailContent(subject="x", text="x\n", html="<p>x</p>\n", attachments=[
        Attachment("c.ics", "text/calendar; method=CANCEL", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")])
    msg = message_from_bytes(build_mime("a@b.example", "c@d.example", content), policy=policy.default)
    [part] = msg.iter_attachments()
    assert part.get_content_type() == "text/calendar" and part.get_param("method") == "CANCEL"


def test_the_qr_is_inside_the_message_body_and_the_booking_has_a_link():
    ctx = {**booking_ctx(), "manage_url": "https://antre.example/#/b/01ABC"}
    content = render("booking_confirmed", ctx)
    msg = message_from_bytes(build_mime("a@x.id", "b@x.id", content), policy=policy.default)
    html = msg.get_body(preferencelist=("html",))
    related = [p for p in msg.walk() if p.get_content_type() == "image/png"
               and p.get("Content-ID")]
    assert len(related) == 1
    cid = related[0]["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html.get_content()
    assert attachment(content, f"kode-booking-{ctx['code']}.png")  # still attached (API.md)
    text = msg.get_body(preferencelist=("plain",)).get_content()
    assert "https://antre.example/#/b/01ABC" in text and "01ABC" in html.get_content()


def test_a_waitlist_offer_says_the_day_in_words_and_the_zone():
    # issue 13: it said "2026-12-04 pukul 08:00-09:00" and "sampai pukul 08:42" with no zone
    content = render("waitlist_offer", {
        "name": "Siti", "mall_name": "MPP Kota Bogor", "service_name": "Perekaman KTP-el",
        "english_service_name": "e-KTP recording", "timezone": "Asia/Jakarta",
        "date": "2026-12-04", "start": "08:00", "end": "09:00", "expires": "08:42",
        "accept_url": "https://antre.example/#/w/x"})
    for body in (content.text, content.html):
        assert "Jumat, 4 Desember 2026, 08:00–09:00 WIB" in body
        assert "Friday, 4 December 2026, 08:00–09:00 WIB" in body
        assert "2026-12-04" not in body
    assert "sampai pukul 08:42 WIB" in content.text and "until 08:42 WIB" in content.text


def test_a_closure_of_one_day_says_on_that_day_and_its_subject_has_no_leading_space():
    # issue 13: "dari Jumat, 4 Desember 2026 sampai Jumat, 4 Desember 2026", " MPP tutup..."
    closure = {"reason": "Pemadaman listrik", "closed_from": "2026-12-04",
               "closed_to": "2026-12-04", "manage_url": "https://antre.example/#/b/x",
               "reschedule_url": "https://antre.example/#/r/x"}
    moved = render("booking_moved_closure", rescheduled_ctx(**closure))
    cancelled = render("booking_cancelled_closure", booking_ctx(**closure))
    for content in (moved, cancelled):
        assert not content.subject.startswith(" ")
        for body in (content.text, content.html):
            assert "tutup pada Jumat, 4 Desember 2026" in body
            assert "closed on Friday, 4 December 2026" in body
            assert "sampai Jumat" not in body
    run = render("booking_moved_closure", rescheduled_ctx(**{**closure, "closed_to": "2026-12-05"}))
    assert "tutup dari Jumat, 4 Desember 2026 sampai Sabtu, 5 Desember 2026" in run.text
    assert "closed from Friday, 4 December 2026 to Saturday, 5 December 2026" in run.text
