/* Antre citizen page: register, verify, log in, book an MPP slot, show the QR, manage bookings.
   Plain JS, no build step, no framework: it must load fast on cheap phones and slow data. */
(function () {
  'use strict';

  // ---- strings: every visible text lives here ---------------------------------------------
  var I18N = {
    id: {
      'skip': 'Langsung ke isi',
      'brand.sub': 'Antrean MPP',
      'lang.switch': 'English',
      'lang.switch.label': 'Switch to English',
      'nav.book': 'Pesan',
      'nav.bookings': 'Booking saya',
      'nav.login': 'Masuk',
      'nav.logout': 'Keluar',
      'who': 'Masuk sebagai {name}',
      'foot': 'Antre · Mal Pelayanan Publik. Datang 10–15 menit sebelum jadwal dan bawa persyaratan asli.',
      'loading': 'Memuat…',
      'f.email': 'Email',
      'f.password': 'Kata sandi',
      'f.password.hint': 'Minimal 8 karakter.',
      'f.showpw': 'Tampilkan kata sandi',
      'f.name': 'Nama lengkap (sesuai KTP)',
      'f.phone': 'Nomor HP',
      'f.phone.hint': 'Contoh: 0812 3456 7890',
      'f.nik': 'NIK',
      'f.nik.hint': '16 angka pada KTP Anda.',
      'f.code': 'Kode verifikasi',
      'f.code.hint': '6 angka dari email yang kami kirim.',
      'v.required': 'Wajib diisi.',
      'v.email': 'Tulis email seperti nama@contoh.com.',
      'v.nik': 'NIK harus tepat 16 angka.',
      'v.code': 'Kode harus 6 angka.',
      'v.phone': 'Tulis nomor HP Indonesia, misalnya 0812 3456 7890.',
      'v.password': 'Kata sandi minimal 8 karakter.',
      'v.date': 'Pilih tanggal antara {min} dan {max}.',
      'v.fix': 'Periksa isian yang ditandai.',
      'login.title': 'Masuk',
      'login.submit': 'Masuk',
      'login.noacct': 'Belum punya akun?',
      'login.toreg': 'Daftar di sini',
      'login.toverify': 'Sudah daftar? Masukkan kode verifikasi',
      'login.browse': 'Lihat MPP dan layanan tanpa masuk',
      'login.ok': 'Anda sudah masuk.',
      'login.need': 'Masuk dulu untuk melanjutkan.',
      'logout.ok': 'Anda sudah keluar.',
      'reg.title': 'Daftar akun',
      'reg.lead': 'Satu akun untuk satu NIK. Kami akan mengirim kode verifikasi ke email Anda.',
      'reg.submit': 'Daftar',
      'reg.haveacct': 'Sudah punya akun?',
      'reg.tologin': 'Masuk',
      'reg.ok': 'Pendaftaran berhasil. Kode verifikasi sudah dikirim ke {email}.',
      'ver.title': 'Verifikasi email',
      'ver.lead': 'Masukkan 6 angka yang kami kirim ke email Anda. Periksa juga folder spam.',
      'ver.submit': 'Verifikasi',
      'ver.resend': 'Kirim ulang kode',
      'ver.resend.wait': 'Kirim ulang kode ({s} dtk)',
      'ver.resent': 'Kode baru sudah dikirim. Periksa email Anda.',
      'ver.ok': 'Email terverifikasi. Silakan masuk.',
      'ver.goto': 'Masukkan kode verifikasi',
      'malls.title': 'Pilih Mal Pelayanan Publik',
      'malls.none': 'Belum ada MPP yang tersedia.',
      'back.malls': '← Semua MPP',
      'back.services': '← Pilih layanan lain',
      'back.bookings': '← Booking saya',
      'svc.title': 'Pilih layanan',
      'svc.filter': 'Cari layanan atau instansi',
      'svc.none': 'Tidak ada layanan yang cocok.',
      'svc.req': 'Persyaratan',
      'svc.req.n': 'Persyaratan ({n})',
      'svc.req.none': 'Tidak ada persyaratan khusus.',
      'svc.walkin': 'Hanya datang langsung (walk-in), tidak bisa dipesan online',
      'svc.choose': 'Pilih',
      'slots.date': 'Tanggal kunjungan',
      'slots.datehint': 'Bisa dipesan sampai 30 hari ke depan ({min} – {max}).',
      'slots.quick': 'Hari terdekat yang masih ada kursi:',
      'slots.scanning': 'Mencari hari yang masih tersedia…',
      'slots.noquick': 'Belum ada hari tersedia dalam 2 minggu ke depan. Coba pilih tanggal lain.',
      'slots.for': 'Jam tersedia, {date}',
      'slots.empty': 'Tutup / tidak ada slot pada tanggal ini.',
      'slots.left': '{n} kursi tersisa',
      'slots.full': 'Penuh',
      'slots.past': 'Sudah lewat',
      'slots.seats': '{n} kursi',
      'slots.pick': 'Pilihan Anda: {date}, pukul {time}.',
      'book.submit': 'Pesan jam ini',
      'book.login': 'Masuk untuk memesan',
      'book.sending': 'Memesan…',
      'book.ok': 'Booking berhasil.',
      'rs.title': 'Jadwalkan ulang',
      'rs.current': 'Jadwal sekarang: {date}, pukul {time}. Kode booking tetap {code}.',
      'rs.submit': 'Pindahkan ke jam ini',
      'rs.ok': 'Jadwal berhasil diubah. Kode booking tetap sama.',
      'bk.title.new': 'Booking berhasil!',
      'bk.title': 'Detail booking',
      'bk.code': 'Kode booking',
      'bk.qrnote': 'Tunjukkan kode QR ini ke kiosk di pintu masuk, atau ketik kode booking di kiosk.',
      'bk.qralt': 'Kode QR untuk booking {code}',
      'bk.qrfail': 'Kode QR tidak dapat dimuat. Anda tetap bisa mengetik kode booking di kiosk.',
      'bk.noqr': 'Kode QR hanya tersedia untuk booking yang masih terjadwal.',
      'bk.email': 'Kode booking dan kode QR juga dikirim ke email Anda.',
      'bk.another': 'Pesan layanan lain',
      'bk.service': 'Layanan',
      'bk.agency': 'Instansi',
      'bk.mall': 'Tempat',
      'bk.date': 'Tanggal',
      'bk.time': 'Jam',
      'bk.status': 'Status',
      'bks.none': 'Anda belum punya booking.',
      'bks.show': 'Lihat QR',
      'bks.cancel': 'Batalkan',
      'bks.reschedule': 'Jadwalkan ulang',
      'bks.confirm': 'Yakin membatalkan booking {code}? Kursi Anda akan diberikan ke orang lain.',
      'bks.confirm.yes': 'Ya, batalkan',
      'bks.confirm.no': 'Tidak',
      'bks.cancelled': 'Booking {code} dibatalkan.',
      'st.booked': 'Terjadwal',
      'st.cancelled': 'Dibatalkan',
      'st.checked_in': 'Sudah check-in',
      'st.served': 'Selesai dilayani',
      'st.no_show': 'Tidak hadir',
      'st.rebooked': 'Dipindahkan ke hari lain oleh MPP',
      'err.email_taken': 'Email ini sudah terdaftar. Silakan masuk, atau pakai email lain.',
      'err.nik_taken': 'NIK ini sudah terdaftar pada akun lain. Satu NIK hanya untuk satu akun.',
      'err.invalid_code': 'Kode verifikasi salah atau sudah kedaluwarsa. Periksa email Anda atau minta kode baru.',
      'err.invalid_credentials': 'Email atau kata sandi salah.',
      'err.email_not_verified': 'Email Anda belum diverifikasi. Masukkan kode yang kami kirim ke email Anda.',
      'err.too_many_attempts': 'Terlalu banyak percobaan. Tunggu sebentar, lalu coba lagi.',
      'err.slot_full': 'Maaf, jam ini baru saja penuh. Silakan pilih jam lain.',
      'err.already_booked': 'Anda sudah punya booking untuk layanan ini pada tanggal tersebut.',
      'err.slot_unavailable': 'Jam ini tidak bisa dipesan (tutup, sudah lewat, atau di luar jam layanan).',
      'err.booking_limit_reached': 'Anda sudah mencapai batas booking aktif. Batalkan booking lain dulu.',
      'err.booking_not_changeable': 'Booking ini tidak bisa diubah lagi.',
      'err.validation_error': 'Ada isian yang belum benar',
      'err.bad_request': 'Permintaan tidak dapat diproses. Muat ulang halaman lalu coba lagi.',
      'err.unauthorized': 'Sesi Anda sudah berakhir. Silakan masuk lagi.',
      'err.forbidden': 'Anda tidak berhak melakukan ini.',
      'err.not_found': 'Data tidak ditemukan.',
      'err.busy': 'Layanan sedang sibuk. Silakan coba lagi sebentar lagi.',
      'err.idempotency_key_reused': 'Permintaan ganda terdeteksi. Muat ulang halaman lalu coba lagi.',
      'err.network': 'Tidak dapat terhubung ke server. Periksa koneksi internet Anda, lalu coba lagi.',
      'err.server': 'Terjadi gangguan di server. Silakan coba lagi nanti.',
      'err.unknown': 'Terjadi kesalahan. Silakan coba lagi.'
    },
    en: {
      'skip': 'Skip to content',
      'brand.sub': 'MPP queue',
      'lang.switch': 'Indonesia',
      'lang.switch.label': 'Ganti ke Bahasa Indonesia',
      'nav.book': 'Book',
      'nav.bookings': 'My bookings',
      'nav.login': 'Log in',
      'nav.logout': 'Log out',
      'who': 'Logged in as {name}',
      'foot': 'Antre · Public Service Mall. Arrive 10–15 minutes early and bring the original documents.',
      'loading': 'Loading…',
      'f.email': 'Email',
      'f.password': 'Password',
      'f.password.hint': 'At least 8 characters.',
      'f.showpw': 'Show password',
      'f.name': 'Full name (as on your KTP)',
      'f.phone': 'Mobile number',
      'f.phone.hint': 'For example: 0812 3456 7890',
      'f.nik': 'NIK',
      'f.nik.hint': 'The 16 digits on your KTP.',
      'f.code': 'Verification code',
      'f.code.hint': 'The 6 digits from the email we sent you.',
      'v.required': 'Required.',
      'v.email': 'Enter an email like name@example.com.',
      'v.nik': 'The NIK must be exactly 16 digits.',
      'v.code': 'The code must be 6 digits.',
      'v.phone': 'Enter an Indonesian mobile number, e.g. 0812 3456 7890.',
      'v.password': 'The password needs at least 8 characters.',
      'v.date': 'Choose a date between {min} and {max}.',
      'v.fix': 'Please check the marked fields.',
      'login.title': 'Log in',
      'login.submit': 'Log in',
      'login.noacct': 'No account yet?',
      'login.toreg': 'Register here',
      'login.toverify': 'Registered already? Enter your verification code',
      'login.browse': 'Browse malls and services without logging in',
      'login.ok': 'You are logged in.',
      'login.need': 'Please log in to continue.',
      'logout.ok': 'You are logged out.',
      'reg.title': 'Create an account',
      'reg.lead': 'One account per NIK. We will email you a verification code.',
      'reg.submit': 'Register',
      'reg.haveacct': 'Have an account?',
      'reg.tologin': 'Log in',
      'reg.ok': 'Registered. A verification code was sent to {email}.',
      'ver.title': 'Verify your email',
      'ver.lead': 'Enter the 6 digits we emailed you. Check your spam folder too.',
      'ver.submit': 'Verify',
      'ver.resend': 'Send the code again',
      'ver.resend.wait': 'Send the code again ({s} s)',
      'ver.resent': 'A new code was sent. Check your email.',
      'ver.ok': 'Email verified. Please log in.',
      'ver.goto': 'Enter the verification code',
      'malls.title': 'Choose a Public Service Mall',
      'malls.none': 'No malls are available yet.',
      'back.malls': '← All malls',
      'back.services': '← Choose another service',
      'back.bookings': '← My bookings',
      'svc.title': 'Choose a service',
      'svc.filter': 'Search services or agencies',
      'svc.none': 'No matching services.',
      'svc.req': 'Requirements',
      'svc.req.n': 'Requirements ({n})',
      'svc.req.none': 'No specific requirements.',
      'svc.walkin': 'Walk-in only, cannot be booked online',
      'svc.choose': 'Choose',
      'slots.date': 'Date of visit',
      'slots.datehint': 'Bookable up to 30 days ahead ({min} – {max}).',
      'slots.quick': 'Next days with free seats:',
      'slots.scanning': 'Looking for days with free seats…',
      'slots.noquick': 'No free days in the next 2 weeks. Try another date.',
      'slots.for': 'Available times, {date}',
      'slots.empty': 'Closed / no slots on this date.',
      'slots.left': '{n} seats left',
      'slots.left1': '1 seat left',
      'slots.full': 'Full',
      'slots.past': 'Already passed',
      'slots.seats': '{n} seats',
      'slots.pick': 'Your choice: {date}, at {time}.',
      'book.submit': 'Book this time',
      'book.login': 'Log in to book',
      'book.sending': 'Booking…',
      'book.ok': 'Booked.',
      'rs.title': 'Reschedule',
      'rs.current': 'Current time: {date}, at {time}. The booking code stays {code}.',
      'rs.submit': 'Move to this time',
      'rs.ok': 'Rescheduled. The booking code is unchanged.',
      'bk.title.new': 'Booked!',
      'bk.title': 'Booking details',
      'bk.code': 'Booking code',
      'bk.qrnote': 'Show this QR code to the kiosk at the entrance, or type the booking code at the kiosk.',
      'bk.qralt': 'QR code for booking {code}',
      'bk.qrfail': 'The QR code could not be loaded. You can still type the booking code at the kiosk.',
      'bk.noqr': 'The QR code is only available for bookings that are still scheduled.',
      'bk.email': 'The booking code and QR code were also sent to your email.',
      'bk.another': 'Book another service',
      'bk.service': 'Service',
      'bk.agency': 'Agency',
      'bk.mall': 'Place',
      'bk.date': 'Date',
      'bk.time': 'Time',
      'bk.status': 'Status',
      'bks.none': 'You have no bookings yet.',
      'bks.show': 'Show QR',
      'bks.cancel': 'Cancel',
      'bks.reschedule': 'Reschedule',
      'bks.confirm': 'Cancel booking {code}? Your seat will be given to someone else.',
      'bks.confirm.yes': 'Yes, cancel it',
      'bks.confirm.no': 'No',
      'bks.cancelled': 'Booking {code} was cancelled.',
      'st.booked': 'Booked',
      'st.cancelled': 'Cancelled',
      'st.checked_in': 'Checked in',
      'st.served': 'Served',
      'st.no_show': 'Did not attend',
      'st.rebooked': 'Moved to another day by the mall',
      'err.email_taken': 'This email already has an account. Log in, or use another email.',
      'err.nik_taken': 'This NIK is already registered to another account. One NIK, one account.',
      'err.invalid_code': 'The verification code is wrong or has expired. Check your email or ask for a new code.',
      'err.invalid_credentials': 'Email or password is wrong.',
      'err.email_not_verified': 'Your email is not verified yet. Enter the code we emailed you.',
      'err.too_many_attempts': 'Too many attempts. Wait a moment, then try again.',
      'err.slot_full': 'Sorry, this time has just filled up. Please choose another time.',
      'err.already_booked': 'You already have a booking for this service on that date.',
      'err.slot_unavailable': 'This time cannot be booked (closed, already passed, or outside opening hours).',
      'err.booking_limit_reached': 'You have reached the limit of active bookings. Cancel another booking first.',
      'err.booking_not_changeable': 'This booking can no longer be changed.',
      'err.validation_error': 'Some details are not right',
      'err.bad_request': 'The request could not be processed. Reload the page and try again.',
      'err.unauthorized': 'Your session has ended. Please log in again.',
      'err.forbidden': 'You are not allowed to do this.',
      'err.not_found': 'Not found.',
      'err.busy': 'The service is busy. Please try again in a moment.',
      'err.idempotency_key_reused': 'Duplicate request detected. Reload the page and try again.',
      'err.network': 'Cannot reach the server. Check your internet connection, then try again.',
      'err.server': 'Something went wrong on the server. Please try again later.',
      'err.unknown': 'Something went wrong. Please try again.'
    }
  };

  var ZONES = { 'Asia/Jakarta': 'WIB', 'Asia/Pontianak': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' };
  var WINDOW_DAYS = 30;
  var TIMEOUT_MS = 20000;

  // ---- state -------------------------------------------------------------------------------
  var S = {
    lang: 'id',
    token: null,
    me: null,
    malls: null,            // [{mall_id, name, city, timezone}]
    services: {},           // mall_id -> [service]
    bookings: null,         // last list from the server
    booking: {},            // booking_id -> booking
    pick: null,             // {mode, mall_id, service_id, booking_id?, date, start, end}
    attempt: null,          // {key, body}: Idempotency-Key reused when the same booking is retried
    justBooked: null,
    confirming: null,       // booking_id whose cancel confirmation is open
    returnTo: null,
    flash: null,
    route: null,
    gen: 0                  // bumps on each navigation; stale async results are dropped
  };

  var $ = function (id) { return document.getElementById(id); };

  function t(key, params) {
    var d = I18N[S.lang] || I18N.id;
    var s = d[key];
    if (s === undefined) s = I18N.id[key];
    if (s === undefined) return key;
    if (params) s = s.replace(/\{(\w+)\}/g, function (m, k) { return params[k] !== undefined ? params[k] : m; });
    return s;
  }

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') e.textContent = v;
      else if (k === 'on') Object.keys(v).forEach(function (ev) { e.addEventListener(ev, v[ev]); });
      else e.setAttribute(k, v === true ? '' : v);
    });
    (kids || []).forEach(function (c) { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function store(kind) {
    try { return kind === 'local' ? window.localStorage : window.sessionStorage; } catch (e) { return null; }
  }

  // ---- language ----------------------------------------------------------------------------
  function applyLang() {
    document.documentElement.lang = S.lang;
    document.title = 'Antre – ' + t('brand.sub');
    Array.prototype.forEach.call(document.querySelectorAll('[data-i18n]'), function (n) {
      n.textContent = t(n.getAttribute('data-i18n'));
    });
    var b = $('lang-toggle');
    b.textContent = t('lang.switch');
    b.setAttribute('lang', S.lang === 'id' ? 'en' : 'id');
    b.setAttribute('aria-label', t('lang.switch.label'));
    renderWho();
    Array.prototype.forEach.call(document.querySelectorAll('.ferr[data-key]'), function (n) {
      n.textContent = t(n.getAttribute('data-key'));
    });
    if (S.said) say(S.said.msg, S.said.kind, S.said.extra);
  }

  function setLang(lang) {
    S.lang = lang === 'en' ? 'en' : 'id';
    var ls = store('local');
    if (ls) try { ls.setItem('antre.lang', S.lang); } catch (e) { /* private mode */ }
    applyLang();
    route(true);
  }

  // ---- dates and times (always the mall's own zone) ----------------------------------------
  function zoneAbbr(tz) { return ZONES[tz] || tz || ''; }

  function todayIn(tz) {
    var parts = {};
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz || 'Asia/Jakarta', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
        .formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
    } catch (e) {
      var d = new Date(Date.now() + 7 * 3600000);
      return { date: d.toISOString().slice(0, 10), time: d.toISOString().slice(11, 16) };
    }
    return { date: parts.year + '-' + parts.month + '-' + parts.day, time: parts.hour + ':' + parts.minute };
  }

  function addDays(iso, n) {
    var d = new Date(iso + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }

  function fmtDate(iso, short) {
    var d = new Date(iso + 'T00:00:00Z');
    if (isNaN(d)) return iso;
    var o = short ? { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }
                  : { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' };
    try { return new Intl.DateTimeFormat(S.lang === 'en' ? 'en-GB' : 'id-ID', o).format(d); } catch (e) { return iso; }
  }

  function fmtTime(start, end, tz) {
    return start + (end ? '–' + end : '') + ' ' + zoneAbbr(tz);
  }

  // ---- API ---------------------------------------------------------------------------------
  function ApiError(code, message, status) {
    this.code = code; this.message = message || ''; this.status = status || 0;
  }

  function codeForStatus(st) {
    if (st === 401) return 'unauthorized';
    if (st === 403) return 'forbidden';
    if (st === 404) return 'not_found';
    if (st === 409 || st === 422) return 'validation_error';
    if (st === 429) return 'too_many_attempts';
    if (st === 503) return 'busy';
    if (st >= 500) return 'server';
    if (st >= 400) return 'bad_request';
    return 'unknown';
  }

  async function api(method, path, body, opt) {
    opt = opt || {};
    var headers = { 'Accept': 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (opt.auth) {
      if (!S.token) { sessionEnded(); throw new ApiError('unauthorized', '', 401); }
      headers['Authorization'] = 'Bearer ' + S.token;
    }
    if (opt.headers) Object.keys(opt.headers).forEach(function (k) { headers[k] = opt.headers[k]; });
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, TIMEOUT_MS) : null;
    var res, data = null;
    try {
      res = await fetch(path, {
        method: method, headers: headers, cache: 'no-store', credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: ctrl ? ctrl.signal : undefined
      });
      if (opt.text && res.ok) return await res.text();
      var txt = await res.text();
      if (txt) { try { data = JSON.parse(txt); } catch (e) { data = null; } }
    } catch (e) {
      throw new ApiError('network', '', 0);
    } finally {
      if (timer) clearTimeout(timer);
    }
    if (!res.ok) {
      var code = data && typeof data.code === 'string' ? data.code : codeForStatus(res.status);
      if (res.status === 401 && opt.auth) { sessionEnded(); code = 'unauthorized'; }
      throw new ApiError(code, data && data.message, res.status);
    }
    return data;
  }

  function errText(err) {
    if (!(err instanceof ApiError)) return t('err.unknown');
    var key = 'err.' + err.code;
    var known = I18N.id[key] !== undefined;
    if (err.code === 'validation_error' || err.code === 'bad_request') {
      return t(key) + (err.message ? ': ' + err.message : '.');
    }
    if (known) return t(key);
    // An unmapped code: a generic sentence plus the server's own words, never the bare code.
    return t('err.unknown') + (err.message ? ' (' + err.message + ')' : '');
  }

  // ---- status line (the one aria-live region) ----------------------------------------------
  // msg: a dictionary key, [key, params], an ApiError, or '' to clear; kept so a language
  // switch can say it again in the new language.
  function msgText(msg) {
    if (!msg) return '';
    if (msg instanceof ApiError) return errText(msg);
    if (Array.isArray(msg)) return t(msg[0], msg[1]);
    return t(msg);
  }
  function say(msg, kind, extra) {
    S.said = msg ? { msg: msg, kind: kind, extra: extra } : null;
    var s = $('status'), text = msgText(msg);
    s.className = 'status' + (text ? ' msg ' + (kind || 'info') : '');
    s.setAttribute('data-kind', kind || '');
    s.textContent = text;
    if (extra) s.appendChild(el('a', { href: extra[0], class: 'inline', text: t(extra[1]) }));
    if (text && kind === 'err') {
      var r = s.getBoundingClientRect();
      if (r.top < 0 || r.bottom > window.innerHeight) s.scrollIntoView({ block: 'nearest' });
    }
  }
  function sayError(err, extra) {
    if (err && err.code === 'unauthorized') return; // sessionEnded() already spoke and moved to login
    say(err instanceof ApiError ? err : new ApiError('unknown'), 'err', extra);
  }
  function busy(on) {
    if (on) say('loading', 'info'); else if (S.said && S.said.msg === 'loading') say('');
  }

  // ---- session -----------------------------------------------------------------------------
  function loadSession() {
    var ss = store('session');
    if (!ss) return;
    try {
      var raw = ss.getItem('antre.session');
      if (!raw) return;
      var s = JSON.parse(raw);
      if (s.expires_at && Date.parse(s.expires_at) < Date.now()) { ss.removeItem('antre.session'); return; }
      S.token = s.token; S.me = s.me || null;
    } catch (e) { /* corrupt: ignore */ }
  }
  function saveSession(expires) {
    var ss = store('session');
    if (!ss) return;
    try { ss.setItem('antre.session', JSON.stringify({ token: S.token, expires_at: expires || null, me: S.me })); } catch (e) { /* ignore */ }
  }
  function dropSession() {
    S.token = null; S.me = null; S.bookings = null; S.booking = {}; S.attempt = null;
    var ss = store('session');
    if (ss) try { ss.removeItem('antre.session'); } catch (e) { /* ignore */ }
    renderNav();
  }
  function sessionEnded() {
    var here = location.hash;
    dropSession();
    S.returnTo = /^#\/(login|register|verify)/.test(here) ? null : here;
    S.flash = { msg: 'err.unauthorized', kind: 'err' };
    go('#/login');
  }

  function renderNav() {
    var inn = !!S.token;
    $('nav').hidden = false;
    Array.prototype.forEach.call(document.querySelectorAll('#nav [data-auth]'), function (b) {
      b.hidden = (b.getAttribute('data-auth') === 'in') !== inn;
    });
    renderWho();
  }
  function renderWho() {
    var w = $('who');
    if (S.token && S.me && S.me.name) { w.textContent = t('who', { name: S.me.name }); w.hidden = false; }
    else { w.hidden = true; }
  }

  // ---- forms -------------------------------------------------------------------------------
  var RULES = {
    email: function (v) { return !v ? 'v.required' : (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? null : 'v.email'); },
    password: function (v) { return v ? null : 'v.required'; },
    newpassword: function (v) { return !v ? 'v.required' : (v.length >= 8 ? null : 'v.password'); },
    name: function (v) { return v ? null : 'v.required'; },
    phone: function (v) { return !v ? 'v.required' : (/^\+?[0-9 ().-]{8,20}$/.test(v) ? null : 'v.phone'); },
    nik: function (v) { return !v ? 'v.required' : (/^[0-9]{16}$/.test(v.replace(/\s/g, '')) ? null : 'v.nik'); },
    code: function (v) { return !v ? 'v.required' : (/^[0-9]{6}$/.test(v) ? null : 'v.code'); }
  };

  function fieldError(input, key) {
    var e = $(input.id + '-err');
    if (key) { input.setAttribute('aria-invalid', 'true'); e.textContent = t(key); e.setAttribute('data-key', key); e.hidden = false; }
    else { input.removeAttribute('aria-invalid'); e.textContent = ''; e.removeAttribute('data-key'); e.hidden = true; }
  }

  // fields: [[input id, rule]] → values by input name, or null (first bad field focused)
  function readForm(fields) {
    var out = {}, first = null;
    fields.forEach(function (f) {
      var input = $(f[0]);
      var v = f[1] === 'password' || f[1] === 'newpassword' ? input.value : input.value.trim();
      var bad = RULES[f[1]](v);
      fieldError(input, bad);
      if (bad && !first) first = input;
      out[input.name] = v;
    });
    if (first) { say('v.fix', 'err'); first.focus(); return null; }
    return out;
  }

  async function submitting(form, fn) {
    var btns = form.querySelectorAll('button');
    if (form.getAttribute('aria-busy') === 'true') return;
    form.setAttribute('aria-busy', 'true');
    Array.prototype.forEach.call(btns, function (b) { b.disabled = true; });
    try { await fn(); } finally {
      form.removeAttribute('aria-busy');
      Array.prototype.forEach.call(btns, function (b) { b.disabled = false; });
      resendTick();
    }
  }

  function onLogin(ev) {
    ev.preventDefault();
    var v = readForm([['login-email', 'email'], ['login-password', 'password']]);
    if (!v) return;
    submitting(ev.target, async function () {
      say('loading', 'info');
      try {
        var r = await api('POST', '/v1/sessions', { email: v.email, password: v.password });
        S.token = r.token;
        $('login-password').value = '';
        try { S.me = await api('GET', '/v1/me', undefined, { auth: true }); } catch (e) { S.me = null; }
        saveSession(r.expires_at);
        renderNav();
        S.flash = { msg: 'login.ok', kind: 'ok' };
        var back = S.returnTo; S.returnTo = null;
        go(back || '#/malls');
      } catch (err) {
        if (err.code === 'email_not_verified') {
          $('ver-email').value = v.email;
          sayError(err, ['#/verify', 'ver.goto']);
        } else sayError(err);
      }
    });
  }

  function onRegister(ev) {
    ev.preventDefault();
    var v = readForm([['reg-name', 'name'], ['reg-email', 'email'], ['reg-phone', 'phone'],
      ['reg-nik', 'nik'], ['reg-password', 'newpassword']]);
    if (!v) return;
    v.nik = v.nik.replace(/\s/g, '');
    submitting(ev.target, async function () {
      say('loading', 'info');
      try {
        await api('POST', '/v1/accounts', { email: v.email, password: v.password, name: v.name, phone: v.phone, nik: v.nik });
        $('ver-email').value = v.email;
        $('login-email').value = v.email;
        $('reg-password').value = '';
        resendCooldown();
        S.flash = { msg: ['reg.ok', { email: v.email }], kind: 'ok' };
        go('#/verify');
      } catch (err) {
        var m = err.code === 'validation_error' && /^(\w+):\s*(.*)$/.exec(err.message);
        var input = m && $('reg-' + m[1]);
        if (input) { fieldError(input, 'err.validation_error'); $(input.id + '-err').textContent = m[2]; $(input.id + '-err').removeAttribute('data-key'); }
        sayError(err);
        if (input) input.focus();
        if (err.code === 'email_taken') $('reg-email').focus();
        if (err.code === 'nik_taken') $('reg-nik').focus();
      }
    });
  }

  function onVerify(ev) {
    ev.preventDefault();
    var v = readForm([['ver-email', 'email'], ['ver-code', 'code']]);
    if (!v) return;
    submitting(ev.target, async function () {
      say('loading', 'info');
      try {
        await api('POST', '/v1/accounts/verify', { email: v.email, code: v.code });
        $('login-email').value = v.email;
        $('ver-code').value = '';
        S.flash = { msg: 'ver.ok', kind: 'ok' };
        go('#/login');
      } catch (err) { sayError(err); if (err.code === 'invalid_code') $('ver-code').focus(); }
    });
  }

  var resendUntil = 0, resendTimer = null;
  function resendCooldown() { resendUntil = Date.now() + 30000; resendTick(); }
  function resendTick() {
    var b = $('ver-resend');
    var left = Math.ceil((resendUntil - Date.now()) / 1000);
    if (resendTimer) { clearTimeout(resendTimer); resendTimer = null; }
    if (left > 0) {
      b.disabled = true;
      b.textContent = t('ver.resend.wait', { s: left });
      resendTimer = setTimeout(resendTick, 1000);
    } else {
      b.disabled = $('form-verify').getAttribute('aria-busy') === 'true';
      b.textContent = t('ver.resend');
    }
  }

  async function onResend() {
    var input = $('ver-email');
    var bad = RULES.email(input.value.trim());
    fieldError(input, bad);
    if (bad) { say('v.fix', 'err'); input.focus(); return; }
    var b = $('ver-resend');
    b.disabled = true;
    try {
      await api('POST', '/v1/accounts/verify/resend', { email: input.value.trim() });
      resendCooldown();
      say('ver.resent', 'ok');
      $('ver-code').focus();
    } catch (err) { sayError(err); resendTick(); }
  }

  // ---- catalog -----------------------------------------------------------------------------
  async function ensureMalls() {
    if (!S.malls) {
      var r = await api('GET', '/v1/malls');
      S.malls = Array.isArray(r) ? r : (r && (r.items || r.malls)) || [];
    }
    return S.malls;
  }
  function mallById(id) {
    return (S.malls || []).filter(function (m) { return m.mall_id === id; })[0] || null;
  }
  async function ensureServices(mallId) {
    if (!S.services[mallId]) {
      var r = await api('GET', '/v1/malls/' + encodeURIComponent(mallId) + '/services');
      S.services[mallId] = Array.isArray(r) ? r : (r && (r.items || r.services)) || [];
    }
    return S.services[mallId];
  }
  function serviceById(mallId, sid) {
    return (S.services[mallId] || []).filter(function (s) { return s.service_id === sid; })[0] || null;
  }

  async function viewMalls(gen) {
    var ul = $('mall-list');
    if (!S.malls) { clear(ul); busy(true); }
    var malls = await ensureMalls();
    if (gen !== S.gen) return;
    busy(false);
    clear(ul);
    if (!malls.length) ul.appendChild(el('li', { class: 'muted', text: t('malls.none') }));
    malls.forEach(function (m) {
      ul.appendChild(el('li', null, [
        el('a', { class: 'card link', href: '#/m/' + encodeURIComponent(m.mall_id), 'data-testid': 'mall-' + m.mall_id }, [
          el('span', { class: 'title', text: m.name }),
          el('span', { class: 'meta', text: [m.city, zoneAbbr(m.timezone)].filter(Boolean).join(' · ') })
        ])
      ]));
    });
  }

  function reqList(reqs) {
    if (!reqs || !reqs.length) return el('p', { class: 'small muted', text: t('svc.req.none') });
    return el('ul', { class: 'reqs' }, reqs.map(function (r) { return el('li', { text: r }); }));
  }

  async function viewServices(gen, mallId) {
    var ul = $('service-list');
    if (!S.services[mallId]) { clear(ul); busy(true); }
    await ensureMalls();
    var mall = mallById(mallId);
    if (!mall) throw new ApiError('not_found', '', 404);
    var list = await ensureServices(mallId);
    if (gen !== S.gen) return;
    busy(false);
    $('h-services').textContent = t('svc.title');
    $('services-mall').textContent = mall.name + (mall.city ? ', ' + mall.city : '') + ' (' + zoneAbbr(mall.timezone) + ')';
    renderServiceList(mallId);
  }

  function renderServiceList(mallId) {
    var ul = $('service-list');
    var q = $('service-filter').value.trim().toLowerCase();
    clear(ul);
    var shown = 0;
    (S.services[mallId] || []).forEach(function (s) {
      var hay = (s.name + ' ' + (s.agency_name || '')).toLowerCase();
      if (q && hay.indexOf(q) < 0) return;
      shown++;
      var reqs = s.requirements || [];
      var card = el('li', { class: 'card' + (s.online === false ? ' off' : ''), 'data-testid': 'service-card' }, [
        el('h2', { class: 'title', text: s.name }),
        el('p', { class: 'meta', text: s.agency_name || '' }),
        el('details', { class: 'req' }, [el('summary', { text: t('svc.req.n', { n: reqs.length }) }), reqList(reqs)]),
        s.online === false
          ? el('p', { class: 'walkin', 'data-testid': 'walkin-' + s.service_id, text: t('svc.walkin') })
          : el('a', { class: 'button primary', href: '#/m/' + encodeURIComponent(mallId) + '/s/' + encodeURIComponent(s.service_id),
                      'data-testid': 'service-' + s.service_id, 'aria-label': t('svc.choose') + ': ' + s.name, text: t('svc.choose') })
      ]);
      ul.appendChild(card);
    });
    $('service-none').hidden = shown > 0;
  }

  // ---- date + slots (booking and rescheduling share this view) ------------------------------
  var slotCache = {};   // "mall|service|date" -> {at, list}

  function slotsUrl(p, date) {
    return '/v1/malls/' + encodeURIComponent(p.mall_id) + '/services/' + encodeURIComponent(p.service_id) +
      '/slots?date=' + encodeURIComponent(date);
  }
  async function fetchSlots(p, date) {
    var r = await api('GET', slotsUrl(p, date));
    var list = Array.isArray(r) ? r : (r && (r.items || r.slots)) || [];
    slotCache[p.mall_id + '|' + p.service_id + '|' + date] = { at: Date.now(), list: list };
    return list;
  }

  function bookable(slot, date, now) {
    if (!(slot.remaining > 0)) return false;
    return !(date === now.date && slot.start <= now.time);
  }

  async function viewSlots(gen, p) {
    var mall = mallById(p.mall_id), svc = serviceById(p.mall_id, p.service_id);
    if (!mall || !svc) throw new ApiError('not_found', '', 404);
    var now = todayIn(mall.timezone), max = addDays(now.date, WINDOW_DAYS);
    var rs = p.mode === 'reschedule';
    $('h-slots').textContent = rs ? t('rs.title') + ': ' + svc.name : svc.name;
    $('slots-sub').textContent = (svc.agency_name ? svc.agency_name + ' · ' : '') + mall.name;
    var back = $('slots-back');
    back.href = rs ? '#/bookings' : '#/m/' + encodeURIComponent(p.mall_id);
    back.textContent = t(rs ? 'back.bookings' : 'back.services');
    var cur = $('slots-current');
    if (rs) {
      var b = S.booking[p.booking_id];
      cur.textContent = t('rs.current', { date: fmtDate(b.date), time: fmtTime(b.start, b.end, mall.timezone), code: b.code });
      cur.hidden = false;
    } else cur.hidden = true;
    $('slots-req').querySelector('summary').textContent = t('svc.req.n', { n: (svc.requirements || []).length });
    var rl = $('slots-req-list'); clear(rl); rl.appendChild(reqList(svc.requirements));

    var d = $('date');
    d.min = now.date; d.max = max;
    d.value = p.date || '';
    $('date-hint').textContent = t('slots.datehint', { min: fmtDate(now.date, true), max: fmtDate(max, true) });
    fieldError(d, null);
    renderSlots(p, mall);
    if (p.date) loadSlots(gen, p, mall);
    scanDays(gen, p, mall, now);
  }

  function renderSlots(p, mall) {
    var ul = $('slot-list'), h = $('slots-heading');
    clear(ul);
    var entry = p.date && slotCache[p.mall_id + '|' + p.service_id + '|' + p.date];
    $('slots-empty').hidden = !(entry && entry.list.length === 0);
    h.hidden = !(entry && entry.list.length);
    if (entry) h.textContent = t('slots.for', { date: fmtDate(p.date) });
    var now = todayIn(mall.timezone);
    var still = false;
    (entry ? entry.list : []).forEach(function (s) {
      var ok = bookable(s, p.date, now);
      var sel = ok && p.start === s.start;
      if (sel) still = true;
      var left = !(s.remaining > 0) ? t('slots.full') : !ok ? t('slots.past')
        : (S.lang === 'en' && s.remaining === 1 ? t('slots.left1') : t('slots.left', { n: s.remaining }));
      ul.appendChild(el('li', null, [
        el('button', {
          type: 'button', class: 'slot', 'data-testid': 'slot', 'data-start': s.start,
          'data-remaining': String(s.remaining), 'aria-pressed': sel ? 'true' : 'false', disabled: !ok,
          on: { click: function () { p.start = s.start; p.end = s.end; renderSlots(p, mall); $('book').focus(); } }
        }, [
          el('span', { class: 'time' }, [s.start + '–' + s.end + ' ', el('span', { class: 'tz', text: zoneAbbr(mall.timezone) })]),
          el('span', { class: 'left', text: left })
        ])
      ]));
    });
    if (!still) { p.start = null; p.end = null; }
    var pick = $('pick'), bookBtn = $('book');
    pick.hidden = !p.start;
    if (p.start) {
      $('pick-text').textContent = t('slots.pick', { date: fmtDate(p.date), time: fmtTime(p.start, p.end, mall.timezone) });
      bookBtn.textContent = p.mode === 'reschedule' ? t('rs.submit') : (S.token ? t('book.submit') : t('book.login'));
    }
  }

  async function loadSlots(gen, p, mall, quiet) {
    var date = p.date;
    if (!quiet) busy(true);
    try {
      await fetchSlots(p, date);
      if (gen !== S.gen || p.date !== date) return;
      if (!quiet) busy(false);
      renderSlots(p, mall);
    } catch (err) {
      if (gen === S.gen) sayError(err);
    }
  }

  function onDateChange() {
    var p = S.pick, mall = p && mallById(p.mall_id);
    if (!mall) return;
    var d = $('date'), v = d.value;
    var now = todayIn(mall.timezone), max = addDays(now.date, WINDOW_DAYS);
    if (!v || v < now.date || v > max) {
      p.date = null; p.start = null; p.end = null;
      markChips(p);
      renderSlots(p, mall);
      if (!v) { fieldError(d, null); return; }
      d.setAttribute('aria-invalid', 'true');
      var e = $('date-err'); e.textContent = t('v.date', { min: fmtDate(now.date, true), max: fmtDate(max, true) }); e.removeAttribute('data-key'); e.hidden = false;
      return;
    }
    fieldError(d, null);
    selectDate(p, mall, v);
  }

  function selectDate(p, mall, v) {
    p.date = v; p.start = null; p.end = null;
    $('date').value = v;
    markChips(p);
    renderSlots(p, mall);
    loadSlots(S.gen, p, mall);
  }

  // Finds the next few days that still have seats, so nobody has to try dates one by one.
  async function scanDays(gen, p, mall, now) {
    var box = $('quick'), chips = $('quick-days'), note = $('quick-scan');
    clear(chips); box.hidden = true; note.hidden = false;
    note.textContent = t('slots.scanning');
    var found = [], day = 0, LIMIT = 14, WANT = 4;
    async function worker() {
      while (day < LIMIT && found.length < WANT) {
        var date = addDays(now.date, day++);
        var list;
        var c = slotCache[p.mall_id + '|' + p.service_id + '|' + date];
        try { list = c && Date.now() - c.at < 60000 ? c.list : await fetchSlots(p, date); } catch (e) { return; }
        if (gen !== S.gen) return;
        var seats = list.filter(function (s) { return bookable(s, date, now); })
          .reduce(function (a, s) { return a + s.remaining; }, 0);
        if (seats > 0) found.push({ date: date, seats: seats });
      }
    }
    await Promise.all([worker(), worker()]);
    if (gen !== S.gen) return;
    found.sort(function (a, b) { return a.date < b.date ? -1 : 1; });
    found = found.slice(0, WANT);
    note.hidden = found.length > 0;
    note.textContent = t('slots.noquick');
    found.forEach(function (f) {
      chips.appendChild(el('button', {
        type: 'button', class: 'chip', 'data-date': f.date, 'data-testid': 'quick-day',
        on: { click: function () { fieldError($('date'), null); selectDate(p, mall, f.date); } }
      }, [el('span', { text: fmtDate(f.date, true) }), el('span', { class: 'small', text: t('slots.seats', { n: f.seats }) })]));
    });
    box.hidden = !found.length;
    markChips(p);
  }

  function markChips(p) {
    Array.prototype.forEach.call(document.querySelectorAll('#quick-days .chip'), function (c) {
      c.setAttribute('aria-pressed', c.getAttribute('data-date') === p.date ? 'true' : 'false');
    });
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  }

  async function onBook() {
    var p = S.pick, btn = $('book');
    if (!p || !p.start || btn.disabled) return;
    if (!S.token) {
      S.returnTo = location.hash;
      S.flash = { msg: 'login.need', kind: 'info' };
      go('#/login');
      return;
    }
    var mall = mallById(p.mall_id);
    btn.disabled = true;
    var label = btn.textContent;
    btn.textContent = t('book.sending');
    say('book.sending', 'info');
    try {
      var b;
      if (p.mode === 'reschedule') {
        b = await api('POST', '/v1/bookings/' + encodeURIComponent(p.booking_id) + '/reschedule',
          { date: p.date, start: p.start }, { auth: true });
        S.flash = { msg: 'rs.ok', kind: 'ok' };
        S.justBooked = null;
      } else {
        var body = { mall_id: p.mall_id, service_id: p.service_id, date: p.date, start: p.start };
        var sig = JSON.stringify(body);
        // One key per attempt; a retry of the very same submission (lost answer, busy) reuses it.
        if (!S.attempt || S.attempt.body !== sig) S.attempt = { key: uuid(), body: sig };
        b = await api('POST', '/v1/bookings', body, { auth: true, headers: { 'Idempotency-Key': S.attempt.key } });
        S.attempt = null;
        S.justBooked = b.booking_id;
      }
      S.booking[b.booking_id] = b;
      S.bookings = null;
      S.pick = null;
      delete slotCache[p.mall_id + '|' + p.service_id + '|' + p.date];
      go('#/b/' + encodeURIComponent(b.booking_id));
    } catch (err) {
      if (err.code !== 'network' && err.code !== 'busy' && err.code !== 'server') S.attempt = null;
      sayError(err);
      if (mall && (err.code === 'slot_full' || err.code === 'slot_unavailable')) loadSlots(S.gen, p, mall, true);
    } finally {
      btn.disabled = false;
      btn.textContent = label;
    }
  }

  // ---- bookings ----------------------------------------------------------------------------
  async function ensureBooking(id) {
    if (!S.booking[id]) S.booking[id] = await api('GET', '/v1/bookings/' + encodeURIComponent(id), undefined, { auth: true });
    return S.booking[id];
  }

  async function namesFor(list) {
    await ensureMalls();
    var ids = {};
    list.forEach(function (b) { ids[b.mall_id] = 1; });
    await Promise.all(Object.keys(ids).map(function (m) {
      return ensureServices(m).catch(function () { S.services[m] = S.services[m] || null; });
    }));
  }

  function bookingFacts(b) {
    var mall = mallById(b.mall_id), svc = serviceById(b.mall_id, b.service_id);
    var tz = mall ? mall.timezone : b.timezone;
    return {
      mall: mall, svc: svc,
      service: b.service_name || (svc && svc.name) || b.service_id,
      agency: b.agency_name || (svc && svc.agency_name) || '',
      place: b.mall_name || (mall && mall.name) || b.mall_id,
      date: fmtDate(b.date),
      time: fmtTime(b.start, b.end, tz)
    };
  }

  function statusBadge(st) {
    return el('span', { class: 'badge st-' + st, 'data-testid': 'booking-status', 'data-status': st, text: t('st.' + st) });
  }

  async function viewBooking(gen, id) {
    var fresh = S.justBooked === id;
    $('h-booking').textContent = t(fresh ? 'bk.title.new' : 'bk.title');
    var qr = $('bk-qr');
    var b = S.booking[id];
    if (!b) { busy(true); clear(qr); $('bk-code').textContent = ''; clear($('bk-details')); }
    b = await ensureBooking(id);
    await namesFor([b]);
    if (gen !== S.gen) return;
    busy(false);
    var f = bookingFacts(b);
    $('bk-code').textContent = b.code;
    var dl = $('bk-details');
    clear(dl);
    [['bk.service', f.service], ['bk.agency', f.agency], ['bk.mall', f.place], ['bk.date', f.date], ['bk.time', f.time]]
      .forEach(function (row) {
        if (!row[1]) return;
        dl.appendChild(el('div', null, [el('dt', { text: t(row[0]) }), el('dd', { text: row[1] })]));
      });
    dl.appendChild(el('div', null, [el('dt', { text: t('bk.status') }), el('dd', null, [statusBadge(b.status)])]));
    var req = $('bk-req');
    clear(req);
    if (f.svc) req.appendChild(el('details', { class: 'req', open: fresh }, [
      el('summary', { text: t('svc.req.n', { n: (f.svc.requirements || []).length }) }), reqList(f.svc.requirements)]));
    $('bk-qr-note').hidden = b.status !== 'booked';
    if (b.status !== 'booked') {
      clear(qr);
      qr.appendChild(el('p', { class: 'small muted', text: t('bk.noqr') }));
      return;
    }
    var have = qr.getAttribute('data-for') === b.booking_id + b.code && qr.querySelector('svg');
    if (have) { have.setAttribute('aria-label', t('bk.qralt', { code: b.code })); return; }
    clear(qr);
    qr.removeAttribute('data-for');
    try {
      var svgText = await api('GET', '/v1/bookings/' + encodeURIComponent(id) + '/qr.svg', undefined, { auth: true, text: true });
      if (gen !== S.gen) return;
      var svg = safeSvg(svgText);
      if (!svg) throw new ApiError('unknown');
      svg.setAttribute('role', 'img');
      svg.setAttribute('aria-label', t('bk.qralt', { code: b.code }));
      svg.setAttribute('focusable', 'false');
      clear(qr);
      qr.appendChild(svg);
      qr.setAttribute('data-for', b.booking_id + b.code);
    } catch (err) {
      if (err.code === 'unauthorized') return;
      if (gen === S.gen) qr.appendChild(el('p', { class: 'small muted', text: t('bk.qrfail') }));
    }
  }

  // The SVG comes from our own API, but it is still parsed, not pasted: no scripts, no handlers.
  function safeSvg(text) {
    var doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    var root = doc.documentElement;
    if (!root || root.nodeName.toLowerCase() !== 'svg' || doc.getElementsByTagName('parsererror').length) return null;
    Array.prototype.forEach.call(root.querySelectorAll('script,foreignObject'), function (n) { n.parentNode.removeChild(n); });
    Array.prototype.forEach.call(root.querySelectorAll('*'), function (n) {
      Array.prototype.slice.call(n.attributes).forEach(function (a) {
        if (/^on/i.test(a.name) || (/href$/i.test(a.name) && !/^#/.test(a.value))) n.removeAttribute(a.name);
      });
    });
    if (!root.getAttribute('viewBox')) {
      var w = parseFloat(root.getAttribute('width')), h = parseFloat(root.getAttribute('height'));
      if (w && h) root.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
    }
    root.removeAttribute('width'); root.removeAttribute('height');
    return document.importNode(root, true);
  }

  async function viewBookings(gen) {
    var ul = $('booking-list');
    if (!S.bookings) { clear(ul); busy(true); }
    var r = await api('GET', '/v1/bookings', undefined, { auth: true });
    var list = Array.isArray(r) ? r : (r && (r.items || r.bookings)) || [];
    await namesFor(list);
    if (gen !== S.gen) return;
    busy(false);
    S.bookings = list;
    list.forEach(function (b) { S.booking[b.booking_id] = b; });
    renderBookings();
  }

  function renderBookings() {
    var ul = $('booking-list');
    clear(ul);
    $('bookings-none').hidden = S.bookings.length > 0;
    S.bookings.forEach(function (b) {
      var f = bookingFacts(b);
      var kids = [
        el('div', { class: 'row' }, [el('span', { class: 'code-sm', text: b.code }), statusBadge(b.status)]),
        el('h2', { class: 'title', text: f.service }),
        el('p', { class: 'meta', text: f.place }),
        el('p', { class: 'when', text: f.date + ', ' + f.time })
      ];
      if (b.status === 'booked') {
        if (S.confirming === b.booking_id) {
          kids.push(el('div', { class: 'confirm', role: 'group', 'aria-labelledby': 'cq-' + b.booking_id }, [
            el('p', { id: 'cq-' + b.booking_id, text: t('bks.confirm', { code: b.code }) }),
            el('div', { class: 'actions' }, [
              el('button', { type: 'button', class: 'danger', 'data-testid': 'confirm-cancel',
                on: { click: function (ev) { doCancel(b, ev.currentTarget); } }, text: t('bks.confirm.yes') }),
              el('button', { type: 'button', class: 'secondary', 'data-testid': 'keep-booking',
                on: { click: function () { S.confirming = null; renderBookings(); focusIn(b.booking_id, 'cancel'); } },
                text: t('bks.confirm.no') })
            ])
          ]));
        } else {
          kids.push(el('div', { class: 'actions' }, [
            el('a', { class: 'button secondary', href: '#/b/' + encodeURIComponent(b.booking_id), 'data-testid': 'show', text: t('bks.show') }),
            el('a', { class: 'button secondary', href: '#/r/' + encodeURIComponent(b.booking_id), 'data-testid': 'reschedule', text: t('bks.reschedule') }),
            el('button', { type: 'button', class: 'danger-outline', 'data-testid': 'cancel',
              on: { click: function () { S.confirming = b.booking_id; renderBookings(); focusIn(b.booking_id, 'confirm-cancel'); } },
              text: t('bks.cancel') })
          ]));
        }
      }
      ul.appendChild(el('li', { class: 'card', 'data-testid': 'booking-item', 'data-code': b.code, 'data-id': b.booking_id }, kids));
    });
  }

  function focusIn(id, testid) {
    var n = document.querySelector('[data-id="' + id + '"] [data-testid="' + testid + '"]');
    if (n) n.focus();
  }

  async function doCancel(b, btn) {
    btn.disabled = true;
    say('loading', 'info');
    try {
      var r = await api('POST', '/v1/bookings/' + encodeURIComponent(b.booking_id) + '/cancel', undefined, { auth: true });
      b.status = (r && r.status) || 'cancelled';
      S.confirming = null;
      renderBookings();
      say(['bks.cancelled', { code: b.code }], 'ok');
      var item = document.querySelector('[data-id="' + b.booking_id + '"] .title');
      if (item) { item.setAttribute('tabindex', '-1'); item.focus(); }
    } catch (err) {
      btn.disabled = false;
      sayError(err);
    }
  }

  // ---- routing -----------------------------------------------------------------------------
  var VIEWS = ['login', 'register', 'verify', 'malls', 'services', 'slots', 'booking', 'bookings'];

  function go(hash) {
    if (location.hash === hash) route(); else location.hash = hash;
  }

  function show(name, focus) {
    VIEWS.forEach(function (v) { $('view-' + v).hidden = v !== name; });
    if (focus) { var h = $('h-' + name); if (h) h.focus({ preventScroll: false }); }
  }

  // rerender: same route again (language switch): keep the message and the focus
  async function route(rerender) {
    var hash = location.hash || '';
    if (hash && hash.indexOf('#/') !== 0) return;
    var parts = hash.replace(/^#\/?/, '').split('/').map(function (x) {
      try { return decodeURIComponent(x); } catch (e) { return ''; }
    });
    var gen = ++S.gen;
    var same = S.route === hash;
    S.route = hash;
    if (!rerender) {
      if (S.flash) { say(S.flash.msg, S.flash.kind); S.flash = null; } else if (!same) say('');
      if (!same) S.confirming = null;
    }
    var focus = S.interacted && !rerender && !same;
    var needAuth = { bookings: 1, b: 1, r: 1 };
    if (needAuth[parts[0]] && !S.token) {
      S.returnTo = hash;
      S.flash = { msg: 'login.need', kind: 'info' };
      go('#/login');
      return;
    }
    try {
      switch (parts[0]) {
        case 'login': show('login', focus); break;
        case 'register': show('register', focus); break;
        case 'verify': show('verify', focus); resendTick(); break;
        case 'm':
          if (parts[2] === 's' && parts[3]) {
            show('slots', focus);
            await ensureMalls(); await ensureServices(parts[1]);
            if (gen !== S.gen) return;
            if (!S.pick || S.pick.mode !== 'book' || S.pick.mall_id !== parts[1] || S.pick.service_id !== parts[3]) {
              S.pick = { mode: 'book', mall_id: parts[1], service_id: parts[3], date: null, start: null };
            }
            await viewSlots(gen, S.pick);
          } else {
            show('services', focus);
            if (!same) $('service-filter').value = '';
            await viewServices(gen, parts[1]);
          }
          break;
        case 'r': {
          show('slots', focus);
          var bk = await ensureBooking(parts[1]);
          await namesFor([bk]);
          if (gen !== S.gen) return;
          if (!S.pick || S.pick.mode !== 'reschedule' || S.pick.booking_id !== bk.booking_id) {
            S.pick = { mode: 'reschedule', booking_id: bk.booking_id, mall_id: bk.mall_id, service_id: bk.service_id, date: null, start: null };
          }
          await viewSlots(gen, S.pick);
          break;
        }
        case 'b': show('booking', focus); await viewBooking(gen, parts[1]); break;
        case 'bookings': show('bookings', focus); await viewBookings(gen); break;
        case 'malls': show('malls', focus); await viewMalls(gen); break;
        default:
          go(S.token ? '#/malls' : '#/login');
      }
    } catch (err) {
      if (gen === S.gen) sayError(err);
    }
  }

  // ---- start -------------------------------------------------------------------------------
  function init() {
    var ls = store('local');
    var saved = ls && (function () { try { return ls.getItem('antre.lang'); } catch (e) { return null; } })();
    S.lang = saved === 'en' ? 'en' : 'id';
    loadSession();
    applyLang();
    renderNav();

    $('lang-toggle').addEventListener('click', function () { setLang(S.lang === 'id' ? 'en' : 'id'); });
    $('nav-book').addEventListener('click', function () { go('#/malls'); });
    $('nav-bookings').addEventListener('click', function () { go('#/bookings'); });
    $('nav-login').addEventListener('click', function () { S.returnTo = null; go('#/login'); });
    $('nav-logout').addEventListener('click', function () {
      dropSession();
      S.flash = { msg: 'logout.ok', kind: 'ok' };
      go('#/login');
    });
    $('skip').addEventListener('click', function (ev) { ev.preventDefault(); $('main').focus(); });
    $('form-login').addEventListener('submit', onLogin);
    $('form-register').addEventListener('submit', onRegister);
    $('form-verify').addEventListener('submit', onVerify);
    $('ver-resend').addEventListener('click', onResend);
    $('date').addEventListener('change', onDateChange);
    $('book').addEventListener('click', onBook);
    $('service-filter').addEventListener('input', function () {
      var m = S.route && S.route.split('/')[2];
      if (m) renderServiceList(decodeURIComponent(m));
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-show-pw]'), function (c) {
      c.addEventListener('change', function () { $(c.getAttribute('data-show-pw')).type = c.checked ? 'text' : 'password'; });
    });
    ['reg-nik', 'ver-code'].forEach(function (id) {
      $(id).addEventListener('input', function (ev) {
        var v = ev.target.value, d = v.replace(/[^0-9]/g, '');
        if (v !== d) ev.target.value = d;
      });
    });
    window.addEventListener('hashchange', function () { route(); });
    ['keydown', 'pointerdown'].forEach(function (ev) {
      document.addEventListener(ev, function () { S.interacted = true; }, { once: true, capture: true });
    });
    route();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init); else init();
})();
