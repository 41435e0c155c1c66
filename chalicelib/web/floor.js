/* Antre: what the pages of the mall floor share (kiosk, counter, TV display, ticket, phone
   walk-in): settings kept in the browser, parameters in the address's fragment, a ticket in
   words, QR images from the API, the walk-in service list and the priority choice. */
import { t } from './i18n.js';
import { get } from './api.js';
import { el, clear, safeSvg } from './view.js';

// ---- settings kept in the browser -----------------------------------------------------------
function box(kind) {
  try { return kind === 'session' ? window.sessionStorage : window.localStorage; } catch (e) { return null; }
}

export function load(key, kind) {
  const s = box(kind);
  if (!s) return null;
  try { const raw = s.getItem(key); return raw ? JSON.parse(raw) : null; } catch (e) { return null; }
}

export function save(key, value, kind) {
  const s = box(kind);
  if (!s) return;
  try { if (value === null || value === undefined) s.removeItem(key); else s.setItem(key, JSON.stringify(value)); } catch (e) { /* full or private */ }
}

// ---- the address's fragment -----------------------------------------------------------------
// '#kota-bogor' → {_: 'kota-bogor'}; '#m=kota-bogor&t=...' → {m, t}; both may mix: '#kota-bogor&key=x'.
export function hashParams() {
  const out = {};
  (location.hash || '').replace(/^#/, '').split('&').forEach((part) => {
    if (!part) return;
    const i = part.indexOf('=');
    let k = i < 0 ? '_' : part.slice(0, i), v = i < 0 ? part : part.slice(i + 1);
    try { k = decodeURIComponent(k); v = decodeURIComponent(v); } catch (e) { return; }
    out[k] = v;
  });
  return out;
}

// Rewrites the fragment without `names` (a secret key must not stay in the address bar or history).
export function dropFromHash(names) {
  const kept = (location.hash || '').replace(/^#/, '').split('&').filter((part) => {
    const k = part.split('=')[0];
    return part && names.indexOf(k) < 0;
  });
  const url = location.pathname + location.search + (kept.length ? '#' + kept.join('&') : '');
  try { history.replaceState(null, '', url); } catch (e) { /* file: or sandboxed */ }
}

// ---- tickets --------------------------------------------------------------------------------
export const ticketPath = (id) => 'v1/tickets/' + encodeURIComponent(id);

export function statusText(status) { return t('tst.' + status); }

// '± 12–18 menit', 'Sebentar lagi', "no counter serves this now", or '' with no estimate.
export function waitText(tk) {
  if (tk.no_counter_open) return t('tk.nocounter');
  const m = tk.estimated_wait_minutes, hi = tk.estimated_wait_max_minutes;
  if (m === null || m === undefined) return '';
  if (m <= 0) return t('tk.soon');
  return hi && hi > m ? t('tk.range', { a: m, b: hi }) : t('tk.minutes', { n: m });
}

// A booked citizen who came early: 'Anda dipanggil mulai ± 09:30 (jadwal Anda)', or ''.
export function slotText(tk) {
  return tk.waits_for_slot && tk.slot_start ? t('tk.slot', { time: hhmm(tk.slot_start) }) : '';
}

// 'HH:MM' of an ISO instant, as the server wrote it (already in the mall's zone).
export function hhmm(iso) {
  const m = /T(\d\d:\d\d)/.exec(iso || '');
  return m ? m[1] : '';
}

// An SVG node from an SVG document's text, or null.
export function svgNode(text) {
  try { return text ? safeSvg(text) : null; } catch (e) { return null; }
}

// The QR printed on a ticket (it opens the ticket's page on a phone), as an SVG node.
export async function ticketQr(id) {
  return svgNode(await get(ticketPath(id) + '/qr.svg', { text: true }));
}

// ---- the hall QR: a walk-in ticket on one's own phone --------------------------------------
// Shows the QR from POST v1/kiosk/walkin-token in o.holder (o.box unhidden) and renews it as
// the answer asks. o: {fetch: () => Promise<token answer>, box, holder, label: () => text,
// onRefused(err)}. An old QR is hidden rather than shown once it can only disappoint.
export function hallQr(o) {
  const H = { timer: null, expires: 0 };
  async function refresh() {
    clearTimeout(H.timer);
    let wait = 30;
    try {
      const q = await o.fetch();
      const node = svgNode(q.qr_svg);
      if (node) {
        node.setAttribute('aria-label', o.label());
        clear(o.holder);
        o.holder.appendChild(node);
        o.box.hidden = false;
      }
      wait = q.refresh_seconds || 60;
      H.expires = Date.now() + 3 * wait * 1000;
    } catch (err) {
      if (err.code === 'unauthorized') { o.box.hidden = true; if (o.onRefused) o.onRefused(err); return; }
      if (Date.now() > H.expires) o.box.hidden = true;
    }
    H.timer = setTimeout(refresh, wait * 1000);
  }
  return {
    start: refresh,
    stop: () => { clearTimeout(H.timer); o.box.hidden = true; },
    relabel: () => { const svg = o.holder.querySelector('svg'); if (svg) svg.setAttribute('aria-label', o.label()); }
  };
}

// ---- walk-ins -------------------------------------------------------------------------------
export const walkinsPath = (mall) => 'v1/malls/' + encodeURIComponent(mall) + '/walkins';

// Why no walk-in ticket can be taken now ('' when they can).
export function walkinClosedText(w) {
  if (w.open_now) return '';
  return w.opens && w.closes ? t('wk.closed', { opens: w.opens, closes: w.closes }) : t('wk.closed_day');
}

// 'Sisa 12 nomor · 3 orang menunggu', or that the quota is used up.
export function quotaText(s) {
  if (s.remaining <= 0) return t('wk.full');
  return t('wk.left', { n: s.remaining }) + ' · ' + t('wk.waiting', { n: s.waiting });
}

const PRIORITIES = ['none', 'elderly', 'disabled', 'pregnant'];

// A radio group: not a priority, elderly, disabled, pregnant. Returns {fieldset, value(), reset()}.
export function priorityChoice(name, testid) {
  const fs = el('fieldset', { class: 'choices prio', 'data-testid': testid });
  const legend = el('legend', { 'data-i18n': 'prio.legend', text: t('prio.legend') });
  fs.appendChild(legend);
  PRIORITIES.forEach((p, i) => {
    const id = name + '-' + p;
    fs.appendChild(el('div', { class: 'choice' }, [
      el('input', { type: 'radio', id, name, value: p, checked: i === 0, 'data-testid': testid + '-' + p }),
      el('label', { for: id, 'data-i18n': 'prio.' + p, text: t('prio.' + p) })
    ]));
  });
  return {
    fieldset: fs,
    value: () => { const c = fs.querySelector('input:checked'); return !!c && c.value !== 'none'; },
    reset: () => { fs.querySelector('input').checked = true; }
  };
}

// The services as buttons (kiosk) or radios (phone); full ones are disabled.
export function renderServices(list, services, mode, onPick) {
  clear(list);
  services.forEach((s) => {
    const full = s.remaining <= 0;
    const text = [el('span', { class: 'svc-name', text: s.name }),
      el('span', { class: 'svc-agency', text: s.agency_name }),
      el('span', { class: 'svc-left' + (full ? ' full' : ''), text: quotaText(s) })];
    if (mode === 'button') {
      list.appendChild(el('li', null, [el('button', {
        type: 'button', class: 'svc', disabled: full, 'data-service': s.service_id, 'data-testid': 'walkin-service',
        on: { click: () => onPick(s) }
      }, text)]));
    } else {
      const id = 'svc-' + s.service_id;
      list.appendChild(el('li', { class: 'choice svc-radio' }, [
        el('input', { type: 'radio', name: 'service', id, value: s.service_id, disabled: full, 'data-testid': 'walkin-service' }),
        el('label', { for: id }, text)]));
    }
  });
}
