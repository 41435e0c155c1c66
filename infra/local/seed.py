"""The demo mall: MPP Kota Bogor with four agencies, their services and counters, a mall
admin, a counter staff account and a kiosk.

Used by `make run` and the tests. Safe to run twice (it overwrites the catalog and skips
accounts and the kiosk when they exist).
"""
from __future__ import annotations

from datetime import datetime, time

from pynamodb.exceptions import TransactWriteError

from chalicelib.domain.catalog import Agency, Counter, DayHours, Mall, Service
from chalicelib.errors import EmailTaken
from chalicelib.services import accounts, kiosks
from chalicelib.services.auth import Principal
from chalicelib.store import catalog

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
    Agency("disdukcapil", MALL_ID, "Disdukcapil Kota Bogor", "A"),
    Agency("dpmptsp", MALL_ID, "DPMPTSP Kota Bogor", "B"),
    Agency("samsat", MALL_ID, "Samsat Kota Bogor", "C"),
    Agency("polresta", MALL_ID, "Polresta Bogor Kota", "D"),
]

_KTP = "KTP-el asli / original e-KTP"
_KK = "Kartu Keluarga asli / original family card"
SERVICES = [
    Service("ktp-el", MALL_ID, "disdukcapil", "", "Perekaman & cetak KTP-el",
            (_KK, "Surat pengantar RT/RW / neighbourhood letter"), 30, 4, walkin_quota=40),
    Service("kartu-keluarga", MALL_ID, "disdukcapil", "", "Perubahan Kartu Keluarga",
            (_KTP, _KK, "Dokumen pendukung perubahan / supporting documents"), 30, 4,
            walkin_quota=30),
    Service("akta-kelahiran", MALL_ID, "disdukcapil", "", "Akta Kelahiran",
            ("Surat keterangan lahir / birth certificate from the hospital",
             _KK, "KTP-el kedua orang tua / both parents' e-KTP"), 30, 3, walkin_quota=24),
    Service("pbg", MALL_ID, "dpmptsp", "", "Persetujuan Bangunan Gedung (PBG)",
            (_KTP, "Bukti kepemilikan tanah / land title", "Gambar teknis / technical drawings"),
            60, 3, walkin_quota=12),
    Service("nib", MALL_ID, "dpmptsp", "", "Nomor Induk Berusaha (NIB) - pendampingan",
            (_KTP, "NPWP"), 30, 5, walkin_quota=30),
    Service("pajak-kendaraan", MALL_ID, "samsat", "", "Pajak Kendaraan Tahunan",
            (_KTP, "STNK asli / original vehicle registration"), 30, 5, walkin_quota=60),
    Service("balik-nama", MALL_ID, "samsat", "", "Balik Nama Kendaraan",
            (_KTP, "BPKB asli", "Kuitansi jual beli / sales receipt", "Cek fisik kendaraan"),
            30, 3, walkin_quota=20),
    Service("skck", MALL_ID, "polresta", "", "SKCK (Surat Keterangan Catatan Kepolisian)",
            (_KTP, _KK, "Pas foto 4x6 latar merah (6 lembar) / six 4x6 photos, red background",
             "Akta lahir / birth certificate"), 30, 5, walkin_quota=50),
    Service("sim-info", MALL_ID, "polresta", "", "Informasi & pengaduan SIM (walk-in)",
            (_KTP,), 30, 4, online=False, walkin_quota=40),
]

# Together they serve every service; some serve several, one serves two agencies.
COUNTERS = [
    Counter("loket-1", MALL_ID, "Loket 1", ("ktp-el", "kartu-keluarga", "akta-kelahiran")),
    Counter("loket-2", MALL_ID, "Loket 2", ("ktp-el", "kartu-keluarga")),
    Counter("loket-3", MALL_ID, "Loket 3", ("pbg", "nib")),
    Counter("loket-4", MALL_ID, "Loket 4", ("pajak-kendaraan", "balik-nama")),
    Counter("loket-5", MALL_ID, "Loket 5", ("pajak-kendaraan",)),
    Counter("loket-6", MALL_ID, "Loket 6", ("skck", "sim-info")),
    Counter("loket-7", MALL_ID, "Loket 7 (informasi)", ("sim-info", "nib")),
]


def seed_demo(env: dict, now: datetime) -> None:
    """The demo mall and its people; `env` holds the DEMO_* settings."""
    catalog.put_mall(MALL)
    for agency in AGENCIES:
        catalog.put_agency(agency)
    for service in SERVICES:
        catalog.put_service(service)
    for counter in COUNTERS:
        catalog.put_counter(counter)
    people = [(env["DEMO_ADMIN_EMAIL"], env["DEMO_ADMIN_PASSWORD"], "Admin MPP Bogor", "admin"),
              (env["DEMO_STAFF_EMAIL"], env["DEMO_STAFF_PASSWORD"], "Petugas Loket MPP Bogor",
               "staff")]
    for email, password, name, role in people:
        try:
            accounts.register(email=email, password=password, name=name, phone="0251 8321 000",
                              nik="", now=now, role=role, mall_id=MALL_ID, verified=True)
        except EmailTaken:
            pass
    admin = Principal("seed", "admin", MALL_ID)
    try:
        kiosks.register(admin, MALL_ID, "Kiosk pintu masuk (demo)", now,
                        key=env["DEMO_KIOSK_KEY"])
    except TransactWriteError:
        pass  # seeded before: the key exists
