/* Antre phone walk-in page (opened from the QR on the hall's screen): every visible text of
   the page, Bahasa Indonesia first. Walk-in words are in i18n.js.
   Strict JSON between "= {" and "};" so tests can read it. */
export const STRINGS = {
  "id": {
    "title": "Ambil nomor antrean",
    "wp.title": "Ambil nomor antrean",
    "wp.lead": "Tanpa booking: pilih layanan, lalu ambil nomor. Nomor Anda tampil di HP ini.",
    "wp.service": "Pilih layanan",
    "wp.submit": "Ambil nomor",
    "wp.taking": "Mengambil nomor antrean…",
    "wp.pick": "Pilih salah satu layanan.",
    "wp.notoken": "Pindai kode QR di layar MPP untuk mengambil nomor antrean.",
    "wp.taken.title": "Anda sudah punya nomor antrean",
    "wp.taken": "Nomor {number} untuk {service}.",
    "wp.open": "Lihat nomor antrean saya",
    "wp.prio": "Lansia, penyandang disabilitas atau ibu hamil? Minta nomor prioritas di kiosk atau kepada petugas."
  },
  "en": {
    "title": "Take a queue number",
    "wp.title": "Take a queue number",
    "wp.lead": "No booking: choose a service, then take a number. Your number shows on this phone.",
    "wp.service": "Choose a service",
    "wp.submit": "Take a number",
    "wp.taking": "Taking a queue number…",
    "wp.pick": "Choose one of the services.",
    "wp.notoken": "Scan the QR code on the mall's screen to take a queue number.",
    "wp.taken.title": "You already have a queue number",
    "wp.taken": "Number {number} for {service}.",
    "wp.open": "Show my queue number",
    "wp.prio": "Elderly, disabled or pregnant? Ask for a priority number at the kiosk or from the staff."
  }
};
