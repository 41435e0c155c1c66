"""The demo mall: MPP Kota Bogor with four agencies, their services, a mall admin and a kiosk.

Used by `make run` and the tests. Safe to run twice (it overwrites the catalog and skips
accounts that exist).
"""
from __future__ import annotations

import hashlib
from datetime import datetime, time

from chalicelib.domain.catalog import Agency, DayHours, Mall, Service
from chalicelib.errors import EmailTaken
from chalicelib.services import accounts
from chalicelib.store import catalog
from chalicelib.store.models import KioskKey

MALL_ID = "kota-bogor"

_WEEKDAY = DayHours(time(8), time(15))
_FRIDAY = DayHours(time(8), time(15), ((time(11, 30), time(13)),))

MALL = Mall(
    mall_id=MALL_ID, name="MPP Kota Bogor", city="Bogor", timezone="Asia/Jakarta",
    address="Jl. Ir. H. Juanda No. 10, Pabaton, Bogor Tengah, Kota Bogor, Jawa Barat 16121",
    weekly_hours={0: _WEEKDAY, 1: _WEEKDAY, 2: _WEEKDAY, 3: _WEEKDAY, 4: _FRIDAY},
    min_lead_minutes=60, max_days_ahead=30, closed_on_holidays=True,
)

AGENCIES = [
    Agency("disdukcapil", MALL_ID, "Disdukcapil Kota Bogor"),
    Agency("dpmptsp", MALL_ID, "DPMPTSP Kota Bogor"),
    Agency("samsat", MALL_ID, "Samsat Kota Bogor"),
    Agency("polresta", MALL_ID, "Polresta Bogor Kota"),
]

_KTP = "KTP-el asli / original e-KTP"
_KK = "Kartu Keluarga asli / original family card"
SERVICES = [
    Service("ktp-el", MALL_ID, "disdukcapil", "", "Perekaman & cetak KTP-el",
            (_KK, "Surat pengantar RT/RW / neighbourhood letter"), 30, 4),
    Service("kartu-keluarga", MALL_ID, "disdukcapil", "", "Perubahan Kartu Keluarga",
            (_KTP, _KK, "Dokumen pendukung perubahan / supporting documents"), 30, 4),
    Service("akta-kelahiran", MALL_ID, "disdukcapil", "", "Akta Kelahiran",
            ("Surat keterangan lahir / birth certificate from the hospital",
             _KK, "KTP-el kedua orang tua / both parents' e-KTP"), 30, 3),
    Service("pbg", MALL_ID, "dpmptsp", "", "Persetujuan Bangunan Gedung (PBG)",
            (_KTP, "Bukti kepemilikan tanah / land title", "Gambar teknis / technical drawings"),
            60, 3),
    Service("nib", MALL_ID, "dpmptsp", "", "Nomor Induk Berusaha (NIB) - pendampingan",
            (_KTP, "NPWP"), 30, 5),
    Service("pajak-kendaraan", MALL_ID, "samsat", "", "Pajak Kendaraan Tahunan",
            (_KTP, "STNK asli / original vehicle registration"), 30, 5),
    Service("balik-nama", MALL_ID, "samsat", "", "Balik Nama Kendaraan",
            (_KTP, "BPKB asli", "Kuitansi jual beli / sales receipt", "Cek fisik kendaraan"),
            30, 3),
    Service("skck", MALL_ID, "polresta", "", "SKCK (Surat Keterangan Catatan Kepolisian)",
            (_KTP, _KK, "Pas foto 4x6 latar merah (6 lembar) / six 4x6 photos, red background",
             "Akta lahir / birth certificate"), 30, 5),
    Service("sim-info", MALL_ID, "polresta", "", "Informasi & pengaduan SIM (walk-in)",
            (_KTP,), 30, 4, online=False),
]


def kiosk_pk(key: str) -> str:
    return "KIOSK#" + hashlib.sha256(key.encode()).hexdigest()


def seed_demo(admin_email: str, admin_password: str, kiosk_key: str, now: datetime) -> None:
    catalog.put_mall(MALL)
    for agency in AGENCIES:
        catalog.put_agency(agency)
    for service in SERVICES:
        catalog.put_service(service)
    KioskKey(pk=kiosk_pk(kiosk_key), sk="KIOSK", mall_id=MALL_ID, label="Demo kiosk").save()
    try:
        accounts.register(email=admin_email, password=admin_password, name="Admin MPP Bogor",
                          phone="0251 8321 000", nik="", now=now, role="admin",
                          mall_id=MALL_ID, verified=True)
    except EmailTaken:
        pass
