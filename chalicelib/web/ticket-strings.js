/* Antre ticket page (a queue number followed on a phone): every visible text of the page,
   Bahasa Indonesia first. Ticket words shared with the kiosk are in i18n.js.
   Strict JSON between "= {" and "};" so tests can read it. */
export const STRINGS = {
  "id": {
    "title": "Nomor antrean",
    "tp.noid": "Pindai kode QR pada tiket antrean Anda untuk membuka halaman ini.",
    "tp.notfound": "Nomor antrean ini tidak ditemukan. Pindai lagi kode QR pada tiket Anda.",
    "tp.waiting": "Tunggu sampai nomor Anda dipanggil. Halaman ini memberi tahu Anda.",
    "tp.called": "Nomor Anda dipanggil!",
    "tp.serving": "Anda sedang dilayani di {counter}.",
    "tp.done": "Terima kasih, layanan Anda sudah selesai.",
    "tp.no_show": "Nomor ini ditandai tidak hadir. Tanyakan petugas bila Anda masih di MPP.",
    "tp.moved": "Anda dipindahkan ke layanan {service}. Nomor Anda: {number}.",
    "tp.updated": "Diperbarui pukul {time}",
    "tp.refresh": "Perbarui sekarang",
    "tp.nudge": "Giliran Anda segera! Nomor {number} akan dipanggil sebentar lagi. Mohon mendekat ke layar dan loket.",
    "tp.nudge.title": "Giliran Anda segera - {number}",
    "tp.requeue": "Masih di MPP? Sampai pukul {time} Anda bisa masuk antrean lagi satu kali: ketik nomor ini di kiosk atau tunjukkan ke petugas loket."
  },
  "en": {
    "title": "Queue number",
    "tp.noid": "Scan the QR code on your queue ticket to open this page.",
    "tp.notfound": "This queue number was not found. Scan the QR code on your ticket again.",
    "tp.waiting": "Wait until your number is called. This page will tell you.",
    "tp.called": "Your number is being called!",
    "tp.serving": "You are being served at {counter}.",
    "tp.done": "Thank you, your service is complete.",
    "tp.no_show": "This number was marked as not attending. Ask the staff if you are still at the mall.",
    "tp.moved": "You were moved to the service {service}. Your number: {number}.",
    "tp.updated": "Updated at {time}",
    "tp.refresh": "Update now",
    "tp.nudge": "Your turn is near! Number {number} will be called shortly. Please move close to the screen and the counters.",
    "tp.nudge.title": "Your turn is near - {number}",
    "tp.requeue": "Still at the mall? Until {time} you can join the queue again, once: type this number at the kiosk or show it at a counter."
  }
};
