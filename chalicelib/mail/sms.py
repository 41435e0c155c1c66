"""Short messages: one SMS segment (160 GSM-7 characters) where they can be, so plain ASCII
and Bahasa Indonesia only; the email carries both languages and the details."""
from __future__ import annotations

from datetime import date

_DAYS = ("Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")

TEXTS = {
    "phone_verify": "Antre: kode untuk membuktikan nomor HP ini {code}, berlaku "
                    "{expires_minutes} menit. Jangan berikan kepada siapa pun.",
    "password_reset": "Antre: kode atur ulang kata sandi {code}, berlaku {expires_minutes} "
                      "menit. Abaikan jika Anda tidak memintanya.",
    "booking_confirmed": "Antre: booking {code} {day} {start} di {mall_name}. Tunjukkan kode "
                         "ini di kiosk. Bawa persyaratan asli.",
    "booking_reminder": "Antre: besok {day} {start} di {mall_name}, kode {code}. Tidak bisa "
                        "datang? Batalkan: {manage_url}",
    "waitlist_offer": "Antre: kursi {day} {start} di {mall_name} untuk Anda sampai pukul "
                      "{expires}. Ambil: {accept_url}",
    "booking_moved_closure": "Antre: {mall_name} tutup. Booking {code} dipindah ke {day} "
                             "{start}. Ubah/batal: {manage_url}",
    "turn_nudge": "Antre: giliran nomor {number} segera tiba di {mall_name}, perkiraan "
                  "dipanggil pukul {at}. Mohon tetap di ruang tunggu dekat layar.",
    "booking_cancelled_closure": "Antre: maaf, {mall_name} tutup dan booking {code} "
                                 "dibatalkan. Pesan lagi: {manage_url}",
}


def _day(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{_DAYS[d.weekday()]} {d.day} {_MONTHS[d.month - 1]}"


def render_sms(kind: str, ctx: dict) -> str:
    """The SMS text of `kind` for ctx (KeyError for a kind sent by email only)."""
    values = dict(ctx)
    if "date" in values:
        values["day"] = _day(values["date"])
    text = TEXTS[kind].format(**values)
    return text.encode("ascii", "replace").decode()
