/* Antre citizen page: the waitlist of full days: the citizen's entries (waiting, with their
   place in line; a seat offered, with the time left to take it), taking the offered seat,
   leaving; one entry at #/w/<waitlist_id> (the link of the offer email). */
import { t } from './i18n.js';
import { get, post, ApiError } from './api.js';
import { $, el, clear, say, sayServer, loading, current, focus, fmtDate, zoneAbbr } from './view.js';
import { S, go, confirmBox, inLang } from './citizen-state.js';
import { mallById, serviceById, namesFor } from './citizen-catalog.js';

const wlPath = (id) => 'v1/waitlist/' + encodeURIComponent(id);

export async function loadWaits() {
  const r = await get('v1/waitlist', { auth: true });
  S.waits = Array.isArray(r) ? r : (r && r.items) || [];
  // An offer's deadline on this phone's clock, from the seconds the server says are left:
  // a cheap phone's clock may be minutes off, its elapsed time is not.
  const now = Date.now();
  S.waits.forEach((w) => {
    if (w.offer) w.offer.deadline = typeof w.offer.seconds_left === 'number'
      ? now + w.offer.seconds_left * 1000 : Date.parse(w.offer.expires_at);
  });
  return S.waits;
}

function badge(st) {
  return el('span', { class: 'badge wl-' + st, 'data-testid': 'wait-status', 'data-status': st, text: t('wl.st.' + st) });
}

// ---- the countdown of offers: one timer for whatever offers the visible view shows --------
let timer = null, refresh = null;
const lapsed = {};

function mmss(s) { const m = Math.floor(s / 60), r = s % 60; return m + ':' + (r < 10 ? '0' : '') + r; }

function tick() {
  let shown = 0;
  document.querySelectorAll('[data-expires]').forEach((n) => {
    const view = n.closest('.view');
    if (view && view.hidden) return;
    shown++;
    const left = Math.max(0, Math.round((Number(n.getAttribute('data-expires')) - Date.now()) / 1000));
    n.textContent = left > 0 ? t('wl.countdown', { time: mmss(left) }) : t('wl.lapsed');
    const id = n.getAttribute('data-for');
    if (!left && !lapsed[id] && refresh) { lapsed[id] = 1; setTimeout(refresh, 1500); }
  });
  if (!shown && timer) { clearInterval(timer); timer = null; }
}

// Renders entries into ul; again() fetches them afresh (after an offer lapsed or was refused).
export function renderWaits(ul, list, again) {
  clear(ul);
  refresh = again;
  list.forEach((w) => ul.appendChild(entryItem(w, () => renderWaits(ul, list, again), again)));
  if (ul.querySelector('[data-expires]')) {
    tick();
    if (!timer) timer = setInterval(tick, 1000);
  }
}

function entryItem(w, rerender, again) {
  const mall = mallById(w.mall_id), svc = serviceById(w.mall_id, w.service_id);
  const tz = zoneAbbr(mall ? mall.timezone : '');
  const kids = [
    el('div', { class: 'row' }, [el('span', { class: 'meta', text: t('wl.label') }), badge(w.status)]),
    el('h3', { class: 'title', text: svc ? svc.name : w.service_id }),
    el('p', { class: 'meta', text: (mall ? mall.name : w.mall_id) }),
    el('p', { class: 'when', text: fmtDate(w.date) })
  ];
  const acts = [];
  if (w.status === 'waiting') {
    kids.push(el('p', { 'data-testid': 'wait-position', 'data-position': String(w.position || ''),
      text: w.position ? t('wl.position', { n: w.position }) : t('wl.st.waiting') }));
    const place = S.place[inLang(w.mall_id)], hold = place && place.data.waitlist_hold_minutes;
    kids.push(el('p', { class: 'small muted', text: hold ? t('wl.how.n', { n: hold }) : t('wl.how') }));
  }
  if (w.status === 'offered' && w.offer) {
    kids.push(el('p', { class: 'offer', 'data-testid': 'offer', text: t('wl.offer', {
      time: w.offer.start + ' ' + tz, until: String(w.offer.expires_at).slice(11, 16) + ' ' + tz }) }));
    kids.push(el('p', { class: 'countdown', 'data-expires': String(w.offer.deadline), 'data-for': w.waitlist_id, 'data-testid': 'countdown' }));
    acts.push(el('button', { type: 'button', class: 'primary', 'data-testid': 'accept-offer',
      on: { click: (ev) => accept(w, ev.currentTarget, again) }, text: t('wl.accept') }));
  }
  if (w.status === 'accepted' && w.booking_id) {
    acts.push(el('a', { class: 'button secondary', href: '#/b/' + encodeURIComponent(w.booking_id), text: t('wl.showbooking') }));
  }
  if (w.status === 'waiting' || w.status === 'offered') {
    if (S.confirming === 'w-' + w.waitlist_id) {
      kids.push(confirmBox('w-' + w.waitlist_id, 'leave', t('wl.leave.q'), t('wl.leave.yes'),
        (btn) => leave(w, btn, rerender),
        () => { S.confirming = null; rerender(); }));
    } else {
      acts.push(el('button', { type: 'button', class: 'danger-outline', 'data-testid': 'leave-wait',
        on: { click: () => { S.confirming = 'w-' + w.waitlist_id; rerender(); focus(document.querySelector('[data-id="' + w.waitlist_id + '"] [data-testid="confirm-leave"]')); } },
        text: t('wl.leave') }));
    }
  }
  if (acts.length) kids.push(el('div', { class: 'actions' }, acts));
  return el('li', { class: 'card' + (w.status === 'offered' ? ' hot' : ''), 'data-testid': 'wait-item',
    'data-id': w.waitlist_id, 'data-status': w.status }, kids);
}

async function accept(w, btn, again) {
  btn.disabled = true;
  say('loading', 'info');
  try {
    const b = await post(wlPath(w.waitlist_id) + '/accept', undefined, { auth: true });
    S.booking[b.booking_id] = b;
    S.bookings = null; S.waits = null;
    S.justBooked = b.booking_id;
    go('#/b/' + encodeURIComponent(b.booking_id));
  } catch (err) {
    btn.disabled = false;
    sayServer(err);
    if (err.code === 'offer_expired') again();
  }
}

async function leave(w, btn, rerender) {
  btn.disabled = true;
  say('loading', 'info');
  try {
    const r = await post(wlPath(w.waitlist_id) + '/leave', undefined, { auth: true });
    w.status = (r && r.status) || 'left';
    w.position = null; w.offer = null;
    S.confirming = null;
    rerender();
    say('wl.leftok', 'ok');
  } catch (err) {
    btn.disabled = false;
    sayServer(err);
  }
}

// #/w/<waitlist_id>: one entry.
export async function viewWait(gen, id) {
  if (!S.waits && !current()) loading(true);
  const list = await loadWaits();
  const w = list.filter((x) => x.waitlist_id === id)[0];
  if (!w) throw new ApiError('not_found', '', 404);
  await namesFor([w]);
  if (gen !== S.gen) return;
  loading(false);
  renderWaits($('wait-one'), [w], () => viewWait(S.gen, id));
}
