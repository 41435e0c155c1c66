/* Antre citizen page: the state shared by its screens, the session, and navigation. */
import { t } from './i18n.js';
import { $ } from './view.js';

export const S = {
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
  flash: null,            // {msg, kind}: said by the next route
  route: null,
  gen: 0                  // bumps on each navigation; stale async results are dropped
};

let router = () => {};
export function setRouter(fn) { router = fn; }

export function go(hash) {
  if (location.hash === hash) router(); else location.hash = hash;
}

// Sends the person to the login form, and back to `back` once logged in.
export function needLogin(back) {
  S.returnTo = back;
  S.flash = { msg: 'login.need', kind: 'info' };
  go('#/login');
}

// ---- session (sessionStorage: it ends with the tab) ---------------------------------------
const KEY = 'antre.session';
function store() {
  try { return window.sessionStorage; } catch (e) { return null; }
}

export function loadSession() {
  const ss = store();
  if (!ss) return;
  try {
    const raw = ss.getItem(KEY);
    if (!raw) return;
    const s = JSON.parse(raw);
    if (s.expires_at && Date.parse(s.expires_at) < Date.now()) { ss.removeItem(KEY); return; }
    S.token = s.token; S.me = s.me || null;
  } catch (e) { /* corrupt: ignore */ }
}

export function saveSession(expires) {
  const ss = store();
  if (ss) try { ss.setItem(KEY, JSON.stringify({ token: S.token, expires_at: expires || null, me: S.me })); } catch (e) { /* ignore */ }
}

export function dropSession() {
  S.token = null; S.me = null; S.bookings = null; S.booking = {}; S.attempt = null;
  const ss = store();
  if (ss) try { ss.removeItem(KEY); } catch (e) { /* ignore */ }
  renderNav();
}

// The API refused the token (or there is none): back to the login form, with a word why.
export function sessionEnded() {
  const here = location.hash;
  dropSession();
  S.returnTo = /^#\/(login|register|verify)/.test(here) ? null : here;
  S.flash = { msg: 'err.unauthorized', kind: 'err' };
  go('#/login');
}

export function renderNav() {
  const inn = !!S.token;
  $('nav').hidden = false;
  document.querySelectorAll('#nav [data-auth]').forEach((b) => {
    b.hidden = (b.getAttribute('data-auth') === 'in') !== inn;
  });
  renderWho();
}

export function renderWho() {
  const w = $('who');
  if (S.token && S.me && S.me.name) { w.textContent = t('who', { name: S.me.name }); w.hidden = false; } else w.hidden = true;
}
