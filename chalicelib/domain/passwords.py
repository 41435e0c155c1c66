"""What makes a password guessable here: the words, names and places an Indonesian guesser
tries first. zxcvbn ships English lists only (it rated `rahasia123` and `sitirahma1985`
acceptable), so these are handed to it as a ranked dictionary, most guessed first.

Kept short and plain on purpose: common words of Indonesian password lists, the most
frequent given names, and the cities of the malls and the country's largest cities."""
from __future__ import annotations

# Words Indonesians put in passwords, most common first (leaked-list favourites, greetings,
# feelings, religion, country, family, animals, football, the everyday "password" words).
COMMON_WORDS = (
    "rahasia", "sayang", "cinta", "indonesia", "bismillah", "katasandi", "sandi", "kunci",
    "merdeka", "garuda", "pancasila", "sayangku", "cintaku", "kasih", "rindu", "bahagia",
    "selamat", "semangat", "sukses", "berkah", "alhamdulillah", "insyaallah", "allah",
    "allahuakbar", "masyaallah", "subhanallah", "amin", "doa", "iman", "islam", "muslim",
    "mama", "papa", "ibu", "bapak", "ayah", "bunda", "anak", "adik", "kakak", "abang",
    "keluarga", "nenek", "kakek", "suami", "istri", "pacar", "teman", "sahabat",
    "kucing", "anjing", "monyet", "kambing", "ayam", "bebek", "kelinci", "harimau", "gajah",
    "naga", "elang", "burung", "ikan", "kupu", "tikus", "buaya", "singa",
    "persib", "persija", "arema", "persebaya", "bonek", "jakmania", "viking", "timnas",
    "bola", "sepakbola", "juara", "menang", "hebat", "keren", "ganteng", "cantik", "manis",
    "lucu", "imut", "gokil", "mantap", "jaya", "maju", "sejahtera", "damai", "aman",
    "rumah", "kantor", "sekolah", "kampus", "kerja", "uang", "kaya", "emas", "bintang",
    "bulan", "matahari", "langit", "bumi", "laut", "pantai", "gunung", "hujan", "pelangi",
    "bunga", "mawar", "melati", "anggrek", "kopi", "teh", "nasi", "bakso", "sate",
    "rendang", "tempe", "tahu", "mangga", "jeruk", "durian", "pisang",
    "hitam", "putih", "merah", "biru", "hijau", "kuning", "ungu",
    "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan",
    "sepuluh", "seratus", "seribu", "kosong",
    "masuk", "login", "akun", "admin", "petugas", "warga", "rakyat", "negara", "bangsa",
    "nusantara", "bhinneka", "tunggal", "ika", "mpp", "antre", "antrian", "antrean",
    "pelayanan", "layanan", "publik", "ktp", "nik", "kependudukan", "pemerintah",
    "tuhan", "surga", "malaikat", "hati", "jiwa", "cahaya", "harapan", "mimpi", "impian",
    "senyum", "kangen", "setia", "selamanya", "abadi", "sejati", "terbaik", "ganbatte",
    "asik", "asyik", "santai", "capek", "ngantuk", "lapar", "pagi", "siang", "sore", "malam",
    "januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus",
    "september", "oktober", "november", "desember", "senin", "selasa", "rabu", "kamis",
    "jumat", "sabtu", "minggu", "lebaran", "ramadhan", "idulfitri", "natal",
)

# The most frequent given names and name parts (any of them may be someone's own).
COMMON_NAMES = (
    "siti", "nur", "sri", "muhammad", "muhamad", "ahmad", "dewi", "budi", "agus", "putri",
    "rahma", "rahmawati", "rizky", "dwi", "eka", "tri", "nurul", "fitri", "wahyu", "adi",
    "andi", "rudi", "joko", "bambang", "hendra", "yusuf", "indra", "iwan", "dedi", "eko",
    "ani", "ana", "lestari", "wati", "yanti", "ayu", "dian", "rina", "lina", "nia", "yuni",
    "fajar", "dimas", "bayu", "arif", "agung", "hadi", "hasan", "husein", "ali", "umar",
    "aisyah", "fatimah", "khadijah", "maryam", "aulia", "intan", "indah", "puspita",
    "kurniawan", "setiawan", "hidayat", "saputra", "pratama", "wijaya", "santoso",
    "susanto", "gunawan", "nugroho", "permana", "ramadhan", "firmansyah", "hakim",
    "sutrisno", "suharto", "sukarno", "soekarno", "jokowi", "prabowo", "habibie",
)

# The country's largest cities and the malls' own (the catalog's cities are added at run time).
CITIES = (
    "jakarta", "surabaya", "bandung", "medan", "bekasi", "tangerang", "depok", "semarang",
    "palembang", "makassar", "bogor", "batam", "pekanbaru", "padang", "malang", "denpasar",
    "samarinda", "banjarmasin", "yogyakarta", "jogja", "yogya", "solo", "surakarta",
    "balikpapan", "pontianak", "manado", "ambon", "jayapura", "kupang", "mataram",
    "serang", "cirebon", "sukabumi", "tasikmalaya", "cimahi", "jambi", "lampung",
    "bengkulu", "aceh", "banda", "palu", "kendari", "gorontalo", "ternate", "sorong",
    "bali", "jawa", "sumatra", "sumatera", "kalimantan", "sulawesi", "papua", "madura",
)
