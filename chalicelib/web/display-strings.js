/* Antre call display (the hall's TV): every visible text of the page, Bahasa Indonesia first.
   The spoken announcements are always Indonesian (display-voice.js).
   Strict JSON between "= {" and "};" so tests can read it. */
export const STRINGS = {
  "id": {
    "title": "Antre – Layar panggilan",
    "tv.sound": "Aktifkan suara",
    "tv.last": "Nomor dipanggil",
    "tv.serving": "Di loket sekarang",
    "tv.none": "Belum ada nomor dipanggil.",
    "tv.recent": "Panggilan sebelumnya",
    "tv.again": "ulang",
    "tv.break": "Istirahat",
    "tv.next": "Nomor berikutnya",
    "tv.hall": "Tidak punya booking?",
    "tv.hall.scan": "Pindai untuk ambil nomor antrean di HP Anda",
    "tv.offline": "Koneksi ke server terputus. Mencoba lagi…",
    "tv.nomall": "MPP tidak ditemukan. Tulis kodenya di alamat, misalnya display#kota-bogor.",
    "tv.novoice": "Suara Bahasa Indonesia tidak terpasang di perangkat ini, jadi panggilan tidak diucapkan dengan benar. Petugas IT: pasang suara Bahasa Indonesia di pengaturan ucapan sistem operasi (Windows: Pengaturan › Waktu & bahasa › Ucapan › Tambahkan suara; Android/ChromeOS: Google Text-to-Speech; Linux: speech-dispatcher dengan espeak-ng), lalu muat ulang halaman ini."
  },
  "en": {
    "title": "Antre – Call display",
    "tv.sound": "Turn on sound",
    "tv.last": "Number called",
    "tv.serving": "At the counters now",
    "tv.none": "No number called yet.",
    "tv.recent": "Earlier calls",
    "tv.again": "again",
    "tv.break": "On a break",
    "tv.next": "Next numbers",
    "tv.hall": "No booking?",
    "tv.hall.scan": "Scan to take a queue number on your phone",
    "tv.offline": "Lost the connection to the server. Trying again…",
    "tv.nomall": "Mall not found. Put its id in the address, such as display#kota-bogor.",
    "tv.novoice": "No Indonesian voice is installed on this device, so calls are not spoken properly. IT officer: install an Indonesian voice in the operating system's speech settings (Windows: Settings › Time & language › Speech › Add voices; Android/ChromeOS: Google Text-to-Speech; Linux: speech-dispatcher with espeak-ng), then reload this page."
  }
};
