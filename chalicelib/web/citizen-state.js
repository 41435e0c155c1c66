/* Antre citizen page: the state shared by its screens, the session, navigation, and the small
   confirmation box that cancelling, leaving a waitlist and logging out everywhere share. */
import { t, lang } from './i18n.js';
import { $, el } from './view.js';

export const S = {
  token: null,
  me: null,
  malls: null,            // [{mall_id, name, city, timezone}]
  services: {},           // "lang|mall_id" -> [service]: names and requirements in that language
  place: {},              // "lang|mall_id" -> {at, data}: address, hours, closed days (GET v1/malls/{m})
  bookings: null,         // last list from the server
  booking: {},            // booking_id -> booking
  waits: null,            // last waitlist from the server
  pick: null,             // {mode, mall_id, service_id, booking_id?, date, start, end}
  attempt: null,          // {key, body}: Idempotency-Key reused when the same booking is retried
  justBooked: null,
  confirming: null,       // id of the booking or waitlist entry whose confirmation is open
  returnTo: null,
  flash: null,            // {msg, kind}: said by the next route
  route: null,
  gen: 0                  // bumps on each navigation; stale async results are dropped
};

// Cache key of what the server answers in the reader's language.
export const inLang = (id) => lang() + '|' + id;

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

// ---- session ------------------------------------------------------------------------------
// sessionStorage by default: it ends with the tab. "Stay logged in on this device" keeps it in
// localStorage instead, so a link from an email opens logged in (until the token expires).
const KEY = 'antre.session';
function stores() {
  const found = [];
  try { if (window.sessionStorage) found.push(window.sessionStorage); } catch (e) { /* blocked */ }
  try { if (window.localStorage) found.push(window.localStorage); } catch (e) { /* blocked */ }
  return found;
}
function held() {  // the store that holds the session, if any
  return stores().find((st) => { try { return !!st.getItem(KEY); } catch (e) { return false; } }) || null;
}

export function loadSession() {
  const st = held();
  if (!st) return;
  try {
    const s = JSON.parse(st.getItem(KEY));
    if (s.expires_at && Date.parse(s.expires_at) < Date.now()) { st.removeItem(KEY); return; }
    S.token = s.token; S.me = s.me || null;
  } catch (e) { /* corrupt: ignore */ }
}

// `remember` (at login): true keeps it on the device, false in the tab; omitted: where it was.
export function saveSession(expires, remember) {
  const [tab, device] = stores();
  const was = held();
  let st = remember === undefined ? (was || tab) : (remember ? device : tab);
  if (!st) return;
  try {
    const old = JSON.parse((was && was.getItem(KEY)) || '{}');
    if (was && was !== st) was.removeItem(KEY);
    st.setItem(KEY, JSON.stringify({ token: S.token, expires_at: expires || old.expires_at || null, me: S.me }));
  } catch (e) { /* ignore */ }
}

export function dropSession() {
  S.token = null; S.me = null; S.bookings = null; S.booking = {}; S.attempt = null; S.waits = null;
  stores().forEach((st) => { try { st.removeItem(KEY); } catch (e) { /* ignore */ } });
  renderNav();
}

// The API refused the token (or there is none): back to the login form, with a word why.
export function sessionEnded() {
  const here = location.hash;
  dropSession();
  S.returnTo = /^#\/(login|register|verify|forgot|reset)/.test(here) ? null : here;
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

// An inline "are you sure?" group: question, a danger button and a "no" button.
// id names the group; the buttons' test ids are confirm-<what> and keep-<what>.
export function confirmBox(id, what, question, yes, onYes, onNo) {
  return el('div', { class: 'confirm', role: 'group', 'aria-labelledby': 'cq-' + id }, [
    el('p', { id: 'cq-' + id, text: question }),
    el('div', { class: 'actions' }, [
      el('button', { type: 'button', class: 'danger', 'data-testid': 'confirm-' + what,
        on: { click: (ev) => onYes(ev.currentTarget) }, text: yes }),
      el('button', { type: 'button', class: 'secondary', 'data-testid': 'keep-' + what,
        on: { click: onNo }, text: t('bks.confirm.no') })
    ])
  ]);
}
