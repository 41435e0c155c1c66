/* Antre: the small view helper shared by every page: DOM building, the one status line
   (aria-live), field errors, focus, and dates and times in the mall's own zone. */
import { t, has, lang, onLangChange } from './i18n.js';
import { ApiError } from './api.js';

export const $ = (id) => document.getElementById(id);

// el('a', {href, class, text, on: {click: fn}, 'data-testid': ...}, [children or strings])
// Attributes that are null, undefined or false are left out; true gives an empty attribute.
export function el(tag, attrs, kids) {
  const e = document.createElement(tag);
  if (attrs) Object.keys(attrs).forEach((k) => {
    const v = attrs[k];
    if (v === null || v === undefined || v === false) return;
    if (k === 'text') e.textContent = v;
    else if (k === 'on') Object.keys(v).forEach((ev) => e.addEventListener(ev, v[ev]));
    else e.setAttribute(k, v === true ? '' : v);
  });
  (kids || []).forEach((c) => { if (c) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
  return e;
}

export function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

// ---- the status line ----------------------------------------------------------------------
// msg: a dictionary key, [key, params], an ApiError, or '' to clear. It is kept, so a language
// switch says it again in the new language.
let said = null;

// Words for an error, never its bare code.
export function errText(err) {
  if (!(err instanceof ApiError)) return t('err.unknown');
  const key = 'err.' + err.code;
  if (err.code === 'validation_error' || err.code === 'bad_request') {
    return t(key) + (err.message ? ': ' + err.message : '.');
  }
  if (has(key)) return t(key);
  return t('err.unknown') + (err.message ? ' (' + err.message + ')' : '');
}

// The server's own message when it has one for the person reading (the floor's errors, such as
// "Anda datang terlalu awal...", are written for the citizen at the kiosk), else errText's words.
export function serverText(err) {
  if (err instanceof ApiError && err.message && err.status >= 400 && err.status < 500 &&
      err.code !== 'unauthorized' && err.code !== 'bad_request') return err.message;
  return errText(err);
}

function msgText(msg) {
  if (!msg) return '';
  if (msg.raw !== undefined) return msg.raw;
  if (msg instanceof ApiError) return errText(msg);
  if (Array.isArray(msg)) return t(msg[0], msg[1]);
  return t(msg);
}

// kind: info | ok | err. extra: [href, key] adds a link after the message.
export function say(msg, kind, extra) {
  said = msg ? { msg, kind, extra } : null;
  const s = $('status'), text = msgText(msg);
  if (!s) return;
  s.className = 'status' + (text ? ' msg ' + (kind || 'info') : '');
  s.setAttribute('data-kind', kind || '');
  s.textContent = text;
  if (extra) s.appendChild(el('a', { href: extra[0], class: 'inline', text: t(extra[1]) }));
  if (text && kind === 'err') {
    const r = s.getBoundingClientRect();
    if (r.top < 0 || r.bottom > window.innerHeight) s.scrollIntoView({ block: 'nearest' });
  }
}

// Says an error; one the API client already handed to onUnauthorized stays silent here.
export function sayError(err, extra) {
  if (err && err.handled) return;
  if (!(err instanceof ApiError) && window.console) console.error(err);
  say(err instanceof ApiError ? err : new ApiError('unknown'), 'err', extra);
}

// Says an error in the server's own words when it has them (see serverText).
export function sayServer(err) {
  if (err && err.handled) return;
  if (!(err instanceof ApiError)) { sayError(err); return; }
  const text = serverText(err);
  say(text === errText(err) ? err : { raw: text }, 'err');
}

// "Loading…" while on; turning it off clears the line only if it still says "Loading…".
export function loading(on) {
  if (on) say('loading', 'info'); else if (said && said.msg === 'loading') say('');
}

// The message on the line now ({msg, kind, extra}) or null.
export function current() { return said; }

onLangChange(() => { if (said) say(said.msg, said.kind, said.extra); });

// ---- focus ---------------------------------------------------------------------------------
let touched = false;
['keydown', 'pointerdown'].forEach((ev) => {
  document.addEventListener(ev, () => { touched = true; }, { once: true, capture: true });
});

// True once the person has pressed a key or touched the page (move focus only after that).
export function interacted() { return touched; }

// Focuses node, making it focusable by script (tabindex -1) if it is not already.
export function focus(node) {
  if (!node) return;
  if (node.tabIndex < 0 && !node.hasAttribute('tabindex')) node.setAttribute('tabindex', '-1');
  node.focus();
}

// ---- forms ---------------------------------------------------------------------------------
// A rule takes the value and answers null or a dictionary key. Rules named *password see the
// value as typed; the others see it trimmed.
export const rules = {
  required: (v) => (v ? null : 'v.required'),
  email: (v) => (!v ? 'v.required' : (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) ? null : 'v.email')),
  password: (v) => (v ? null : 'v.required'),
  newpassword: (v) => (!v ? 'v.required' : (v.length >= 8 ? null : 'v.password'))
};

// Shows (key or text) or hides the error next to input: the element #<input id>-err.
// A keyed message follows language switches; text (the server's words) does not.
export function fieldError(input, key, text) {
  const e = $(input.id + '-err');
  const msg = text || (key ? t(key) : '');
  if (msg) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  if (!e) return;
  e.textContent = msg;
  if (msg && key && !text) e.setAttribute('data-i18n', key); else e.removeAttribute('data-i18n');
  e.hidden = !msg;
}

// fields: [[input id, rule name]] → values by input name, or null (the first bad field focused).
export function readForm(fields, ruleSet) {
  const out = {};
  let first = null;
  fields.forEach((f) => {
    const input = $(f[0]);
    const v = /password$/.test(f[1]) ? input.value : input.value.trim();
    const bad = (ruleSet || rules)[f[1]](v);
    fieldError(input, bad);
    if (bad && !first) first = input;
    out[input.name] = v;
  });
  if (first) { say('v.fix', 'err'); first.focus(); return null; }
  return out;
}

// Runs fn once at a time for form: its buttons are disabled meanwhile. then() runs afterwards.
export async function submitting(form, fn, then) {
  if (form.getAttribute('aria-busy') === 'true') return;
  const btns = form.querySelectorAll('button');
  form.setAttribute('aria-busy', 'true');
  btns.forEach((b) => { b.disabled = true; });
  try { await fn(); } finally {
    form.removeAttribute('aria-busy');
    btns.forEach((b) => { b.disabled = false; });
    if (then) then();
  }
}

// ---- dates and times (always the mall's own zone) -----------------------------------------
const ZONES = { 'Asia/Jakarta': 'WIB', 'Asia/Pontianak': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' };

export function zoneAbbr(tz) { return ZONES[tz] || tz || ''; }

// {date: 'YYYY-MM-DD', time: 'HH:MM'} now in the zone tz.
export function todayIn(tz) {
  const parts = {};
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz || 'Asia/Jakarta', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date()).forEach((p) => { parts[p.type] = p.value; });
  } catch (e) {
    const d = new Date(Date.now() + 7 * 3600000);
    return { date: d.toISOString().slice(0, 10), time: d.toISOString().slice(11, 16) };
  }
  return { date: parts.year + '-' + parts.month + '-' + parts.day, time: parts.hour + ':' + parts.minute };
}

export function addDays(iso, n) {
  const d = new Date(iso + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

// 'Senin, 7 Desember 2026' (or short: 'Sen, 7 Des') in the chosen language.
export function fmtDate(iso, short) {
  const d = new Date(iso + 'T00:00:00Z');
  if (isNaN(d)) return iso;
  const o = short ? { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' }
    : { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' };
  try { return new Intl.DateTimeFormat(lang() === 'en' ? 'en-GB' : 'id-ID', o).format(d); } catch (e) { return iso; }
}

// '09:00–09:30 WIB'
export function fmtTime(start, end, tz) {
  return start + (end ? '–' + end : '') + ' ' + zoneAbbr(tz);
}

// ---- QR ------------------------------------------------------------------------------------
// An SVG from our own API, parsed rather than pasted: no scripts, no handlers, no outside links.
export function safeSvg(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (!root || root.nodeName.toLowerCase() !== 'svg' || doc.getElementsByTagName('parsererror').length) return null;
  root.querySelectorAll('script,foreignObject').forEach((n) => n.parentNode.removeChild(n));
  root.querySelectorAll('*').forEach((n) => {
    Array.prototype.slice.call(n.attributes).forEach((a) => {
      if (/^on/i.test(a.name) || (/href$/i.test(a.name) && !/^#/.test(a.value))) n.removeAttribute(a.name);
    });
  });
  if (!root.getAttribute('viewBox')) {
    const w = parseFloat(root.getAttribute('width')), h = parseFloat(root.getAttribute('height'));
    if (w && h) root.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
  }
  root.removeAttribute('width'); root.removeAttribute('height');
  return document.importNode(root, true);
}
