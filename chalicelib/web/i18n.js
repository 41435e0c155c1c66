/* Antre: the one translation module shared by every page. Bahasa Indonesia first, English second.
   A page registers its own dictionaries; the strings every page needs live here in COMMON.
   Dictionaries are written as strict JSON between "= {" and "};" so tests can read them. */

const KEY = 'antre.lang';
const LANGS = ['id', 'en'];

const COMMON = {
  "id": {
    "skip": "Langsung ke isi",
    "loading": "Memuat…",
    "lang.switch": "English",
    "lang.switch.label": "Switch to English",
    "v.required": "Wajib diisi.",
    "v.email": "Tulis email seperti nama@contoh.com.",
    "v.password": "Kata sandi minimal 8 karakter.",
    "v.fix": "Periksa isian yang ditandai.",
    "st.booked": "Terjadwal",
    "st.cancelled": "Dibatalkan",
    "st.checked_in": "Sudah check-in",
    "st.served": "Selesai dilayani",
    "st.no_show": "Tidak hadir",
    "st.rebooked": "Dipindahkan ke hari lain oleh MPP",
    "err.validation_error": "Ada isian yang belum benar",
    "err.bad_request": "Permintaan tidak dapat diproses. Muat ulang halaman lalu coba lagi.",
    "err.unauthorized": "Sesi Anda sudah berakhir. Silakan masuk lagi.",
    "err.forbidden": "Anda tidak berhak melakukan ini.",
    "err.not_found": "Data tidak ditemukan.",
    "err.too_many_attempts": "Terlalu banyak percobaan. Tunggu sebentar, lalu coba lagi.",
    "err.busy": "Layanan sedang sibuk. Silakan coba lagi sebentar lagi.",
    "err.idempotency_key_reused": "Permintaan ganda terdeteksi. Muat ulang halaman lalu coba lagi.",
    "err.network": "Tidak dapat terhubung ke server. Periksa koneksi internet Anda, lalu coba lagi.",
    "err.server": "Terjadi gangguan di server. Silakan coba lagi nanti.",
    "err.unknown": "Terjadi kesalahan. Silakan coba lagi.",
    "tst.waiting": "Menunggu",
    "tst.called": "Dipanggil",
    "tst.serving": "Sedang dilayani",
    "tst.done": "Selesai dilayani",
    "tst.no_show": "Tidak hadir",
    "tst.transferred": "Dipindahkan ke layanan lain",
    "tk.number": "Nomor antrean",
    "tk.service": "Layanan",
    "tk.ahead": "Orang di depan Anda",
    "tk.wait": "Perkiraan menunggu",
    "tk.minutes": "± {n} menit",
    "tk.soon": "Sebentar lagi",
    "tk.range": "± {a}–{b} menit",
    "tk.nocounter": "Belum ada loket yang melayani layanan ini saat ini. Nomor Anda tetap berlaku.",
    "tk.slotlabel": "Jadwal Anda",
    "tk.slot": "Anda dipanggil mulai ± {time} (jadwal Anda)",
    "tk.goto": "Silakan ke {counter}",
    "tk.priority": "Prioritas",
    "prio.legend": "Apakah Anda perlu didahulukan?",
    "prio.none": "Tidak",
    "prio.elderly": "Lansia (60 tahun ke atas)",
    "prio.disabled": "Penyandang disabilitas",
    "prio.pregnant": "Ibu hamil",
    "wk.left": "Sisa {n} nomor",
    "wk.full": "Kuota hari ini habis",
    "wk.waiting": "{n} orang menunggu",
    "wk.closed": "Nomor antrean langsung hanya dibagikan pukul {opens}–{closes}.",
    "wk.closed_day": "Hari ini MPP tidak membagikan nomor antrean langsung.",
    "wk.none": "Tidak ada layanan yang menerima antrean langsung."
  },
  "en": {
    "skip": "Skip to content",
    "loading": "Loading…",
    "lang.switch": "Indonesia",
    "lang.switch.label": "Ganti ke Bahasa Indonesia",
    "v.required": "Required.",
    "v.email": "Enter an email like name@example.com.",
    "v.password": "The password needs at least 8 characters.",
    "v.fix": "Please check the marked fields.",
    "st.booked": "Booked",
    "st.cancelled": "Cancelled",
    "st.checked_in": "Checked in",
    "st.served": "Served",
    "st.no_show": "Did not attend",
    "st.rebooked": "Moved to another day by the mall",
    "err.validation_error": "Some details are not right",
    "err.bad_request": "The request could not be processed. Reload the page and try again.",
    "err.unauthorized": "Your session has ended. Please log in again.",
    "err.forbidden": "You are not allowed to do this.",
    "err.not_found": "Not found.",
    "err.too_many_attempts": "Too many attempts. Wait a moment, then try again.",
    "err.busy": "The service is busy. Please try again in a moment.",
    "err.idempotency_key_reused": "Duplicate request detected. Reload the page and try again.",
    "err.network": "Cannot reach the server. Check your internet connection, then try again.",
    "err.server": "Something went wrong on the server. Please try again later.",
    "err.unknown": "Something went wrong. Please try again.",
    "tst.waiting": "Waiting",
    "tst.called": "Called",
    "tst.serving": "Being served",
    "tst.done": "Served",
    "tst.no_show": "Did not attend",
    "tst.transferred": "Moved to another service",
    "tk.number": "Queue number",
    "tk.service": "Service",
    "tk.ahead": "People ahead of you",
    "tk.wait": "Estimated wait",
    "tk.minutes": "about {n} min",
    "tk.soon": "Any moment now",
    "tk.range": "about {a}–{b} min",
    "tk.nocounter": "No counter is serving this service right now. Your number stays valid.",
    "tk.slotlabel": "Your booking",
    "tk.slot": "You will be called from about {time} (your booking)",
    "tk.goto": "Please go to {counter}",
    "tk.priority": "Priority",
    "prio.legend": "Do you need to be served first?",
    "prio.none": "No",
    "prio.elderly": "Elderly (60 or older)",
    "prio.disabled": "Person with a disability",
    "prio.pregnant": "Pregnant",
    "wk.left": "{n} tickets left",
    "wk.full": "Today's quota is used up",
    "wk.waiting": "{n} waiting",
    "wk.closed": "Walk-in tickets are only given out from {opens} to {closes}.",
    "wk.closed_day": "The mall gives out no walk-in tickets today.",
    "wk.none": "No service takes walk-ins."
  }
};

const dict = { id: Object.assign({}, COMMON.id), en: Object.assign({}, COMMON.en) };
const listeners = [];

function storage() {
  try { return window.localStorage; } catch (e) { return null; }
}

let current = (function () {
  try { const s = storage(); return s && s.getItem(KEY) === 'en' ? 'en' : 'id'; } catch (e) { return 'id'; }
})();

// Adds a page's strings: {id: {key: text}, en: {key: text}}. Later keys win.
export function register(dicts) {
  LANGS.forEach((l) => Object.assign(dict[l], dicts[l]));
}

export function lang() { return current; }

export function has(key) { return dict.id[key] !== undefined || dict.en[key] !== undefined; }

// The text for key in the current language (Indonesian, then the key itself, as fallbacks);
// {name} placeholders are filled from params.
export function t(key, params) {
  let s = dict[current][key];
  if (s === undefined) s = dict.id[key];
  if (s === undefined) return key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (params[k] !== undefined ? params[k] : m));
  return s;
}

// Sets <html lang> and fills every [data-i18n] element under root with its text.
export function applyLang(root) {
  document.documentElement.lang = current;
  (root || document).querySelectorAll('[data-i18n]').forEach((n) => {
    n.textContent = t(n.getAttribute('data-i18n'));
  });
}

// Switches language, remembers it, refreshes [data-i18n] texts, then calls the listeners.
export function setLang(l) {
  current = l === 'en' ? 'en' : 'id';
  const s = storage();
  if (s) try { s.setItem(KEY, current); } catch (e) { /* private mode */ }
  applyLang();
  listeners.slice().forEach((fn) => fn(current));
}

// fn(lang) runs after every switch (to re-render what applyLang cannot). Returns an unsubscriber.
export function onLangChange(fn) {
  listeners.push(fn);
  return () => { const i = listeners.indexOf(fn); if (i >= 0) listeners.splice(i, 1); };
}

// Makes button the language switch: its label names the other language, in that language.
export function langToggle(button) {
  const paint = () => {
    button.textContent = t('lang.switch');
    button.setAttribute('lang', current === 'id' ? 'en' : 'id');
    button.setAttribute('aria-label', t('lang.switch.label'));
  };
  paint();
  onLangChange(paint);
  button.addEventListener('click', () => setLang(current === 'id' ? 'en' : 'id'));
}

// Dev/test helper: {id: [keys only English has], en: [keys only Indonesian has]}.
export function missingKeys() {
  const only = (a, b) => Object.keys(dict[a]).filter((k) => dict[b][k] === undefined).sort();
  return { id: only('en', 'id'), en: only('id', 'en') };
}
