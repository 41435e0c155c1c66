/* Antre citizen page: the words of the personal-data section (loaded with the account screen). */
export const STRINGS = {
  "id": {
    "pd.title": "Data pribadi Anda",
    "pd.lead": "Sesuai UU Pelindungan Data Pribadi (UU 27/2022): unduh salinan semua data yang kami simpan tentang Anda, atau hapus akun Anda.",
    "pd.download": "Unduh data saya (JSON)",
    "pd.downloaded": "Salinan data Anda sudah diunduh.",
    "pd.delete.title": "Hapus akun",
    "pd.delete.lead": "Booking yang akan datang dibatalkan dan kursinya diberikan kepada warga lain; nama, telepon, NIK, dan riwayat booking Anda dihapus. Statistik MPP hanya menyimpan jumlah, bukan nama. Ini tidak bisa dibatalkan.",
    "pd.sure": "Saya mengerti, hapus akun saya beserta bookingnya.",
    "pd.password": "Kata sandi Anda (untuk memastikan ini memang Anda)",
    "pd.delete": "Hapus akun saya",
    "pd.sure.needed": "Centang kotak persetujuan dulu.",
    "pd.password.needed": "Ketik kata sandi Anda.",
    "pd.password.wrong": "Kata sandi salah. Akun tidak dihapus.",
    "pd.deleted": "Akun Anda sudah dihapus ({n} booking dibatalkan). Email konfirmasi dikirim."
  },
  "en": {
    "pd.title": "Your personal data",
    "pd.lead": "Under Indonesia's Personal Data Protection Law (UU 27/2022): download a copy of all the data we hold about you, or delete your account.",
    "pd.download": "Download my data (JSON)",
    "pd.downloaded": "Your data's copy was downloaded.",
    "pd.delete.title": "Delete the account",
    "pd.delete.lead": "Upcoming bookings are cancelled and their seats given to other citizens; your name, phone, NIK and booking history are erased. The mall's statistics keep only counts, never names. This cannot be undone.",
    "pd.sure": "I understand: delete my account and its bookings.",
    "pd.password": "Your password (to make sure it is you)",
    "pd.delete": "Delete my account",
    "pd.sure.needed": "Tick the box first.",
    "pd.password.needed": "Type your password.",
    "pd.password.wrong": "Wrong password. The account was not deleted.",
    "pd.deleted": "Your account was deleted ({n} bookings cancelled). A confirmation email was sent."
  }
};
