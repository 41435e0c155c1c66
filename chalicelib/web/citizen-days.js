/* Antre citizen page: the whole booking window at a glance (free seats per day, one request
   per 62 days), the next days with seats, and where a full or closed day leads: the nearest
   days with seats before and after it, when new days open, walk-ins, and the waitlist. */
import { t } from './i18n.js';
import { get, post } from './api.js';
import { $, el, clear, say, sayServer, serverText, fmtDate, addDays, zoneAbbr } from './view.js';
import { S, go, needLogin, inLang } from './citizen-state.js';
import { serviceById } from './citizen-catalog.js';

const TTL = 60000;
const SPAN = 62;        // days one summary request may cover
const cache = {};       // "lang|mall|service" -> {at, data: {today, window_end, days}}
const key = (p) => inLang(p.mall_id + '|' + p.service_id);
const svcPath = (p) => 'v1/malls/' + encodeURIComponent(p.mall_id) + '/services/' + encodeURIComponent(p.service_id);

// Every day from today to the last bookable one; a window longer than 62 days takes more requests.
export async function loadDays(p, place, fresh) {
  const k = key(p), c = cache[k];
  if (c && !fresh && Date.now() - c.at < TTL) return c.data;
  const last = addDays(place.today, place.max_days_ahead), parts = [];
  for (let from = place.today; from <= last; from = addDays(from, SPAN)) {
    const to = addDays(from, SPAN - 1) < last ? addDays(from, SPAN - 1) : last;
    parts.push(get(svcPath(p) + '/days?from=' + from + '&to=' + to));
  }
  const got = await Promise.all(parts);
  const data = { today: got[0].today, window_end: got[0].window_end, next_opening: got[0].next_opening, days: [] };
  got.forEach((g) => { data.days = data.days.concat(g.days || []); });
  cache[k] = { at: Date.now(), data };
  return data;
}

export function forgetDays(p) { delete cache[key(p)]; }

const hasSeats = (d) => d.status === 'open' && d.remaining > 0;

function chip(d, onPick, testid) {
  return el('button', {
    type: 'button', class: 'chip', 'data-date': d.date, 'data-testid': testid,
    on: { click: () => onPick(d.date) }
  }, [el('span', { text: fmtDate(d.date, true) }), el('span', { class: 'small', text: t('slots.seats', { n: d.remaining }) })]);
}

// "Next days with seats": the first four of the window.
export function renderQuick(p, data, onPick) {
  const box = $('quick'), chips = $('quick-days'), note = $('quick-scan');
  clear(chips);
  const free = data ? data.days.filter(hasSeats).slice(0, 4) : [];
  free.forEach((d) => chips.appendChild(chip(d, onPick, 'quick-day')));
  box.hidden = !free.length;
  note.hidden = !!free.length;
  note.textContent = data ? t('slots.noquick', { date: fmtDate(data.window_end, true) }) : t('slots.scanning');
  markChips(p);
}

export function markChips(p) {
  document.querySelectorAll('#view-slots .chip').forEach((c) => {
    c.setAttribute('aria-pressed', c.getAttribute('data-date') === p.date ? 'true' : 'false');
  });
}

/* What the chosen day leads to. kind: 'full' (every slot taken), 'none' (no slot: closed,
   past, not yet open), or null (the day has seats: nothing to say). hooks: {pick(date), reload()}. */
export function renderHelp(p, kind, hooks) {
  const onPick = hooks.pick;
  const box = $('day-help');
  clear(box);
  box.hidden = !kind;
  // The nearest days before and after the chosen one replace the window's first free days.
  $('view-slots').classList.toggle('has-help', !!kind);
  if (!kind) return;
  const data = cache[key(p)] && cache[key(p)].data;
  const place = S.place[inLang(p.mall_id)] && S.place[inLang(p.mall_id)].data;
  const svc = serviceById(p.mall_id, p.service_id);
  const day = data && data.days.filter((d) => d.date === p.date)[0];
  const date = fmtDate(p.date);
  box.setAttribute('data-kind', kind);

  let title = t('day.full', { date });
  if (kind === 'none') {
    if (day && day.status === 'closed') title = t('day.closed', { date, reason: day.reason || t('place.shut') });
    else if (day && day.status === 'not_yet') title = t('day.notyet', { date, opens: fmtDate(day.opens_on) });
    else title = t('day.none', { date });
  }
  box.appendChild(el('h2', { id: 'day-help-h', text: title }));

  if (data) {
    const free = data.days.filter(hasSeats);
    const before = free.filter((d) => d.date < p.date).slice(-2);
    const after = free.filter((d) => d.date > p.date).slice(0, 3);
    [['day.before', before, 'near-before'], ['day.after', after, 'near-after']].forEach((g) => {
      if (!g[1].length) return;
      const id = g[2] + '-label';
      box.appendChild(el('p', { class: 'qlabel', id, text: t(g[0], { date: fmtDate(p.date, true) }) }));
      box.appendChild(el('div', { class: 'chips', role: 'group', 'aria-labelledby': id },
        g[1].map((d) => chip(d, onPick, g[2]))));
    });
    if (!before.length && !after.length) box.appendChild(el('p', { text: t('day.nofree', { date: fmtDate(data.window_end) }) }));
    // The window moves at midnight, mall time: the day after its end opens tomorrow.
    // Named by the server: the first day after the window the mall is open (never a Sunday).
    const nx = data.next_opening;
    if (nx) {
      const tomorrow = addDays(data.today, 1);
      const opens = nx.opens_on <= tomorrow ? t('day.tomorrow', { date: fmtDate(tomorrow, true) })
        : fmtDate(nx.opens_on, true);
      box.appendChild(el('p', { 'data-testid': 'new-days', text: t('day.newdays', {
        zone: zoneAbbr(place ? place.timezone : ''), next: fmtDate(nx.date), opens }) }));
    }
  }
  // Walk-ins are for a day the mall opens: a full one, or today once its slots have passed.
  const opens = kind === 'full' || !day || day.status === 'open' || day.status === 'full';
  if (svc && svc.walkin_quota > 0 && opens) {
    const w = el('p', { 'data-testid': 'walkin-quota', text: t('day.walkin', { n: svc.walkin_quota }) });
    box.appendChild(w);
    if (place && p.date === place.today) walkinsLeft(p, w, svc.walkin_quota);
  }
  if (kind === 'full' && p.mode === 'book') {
    box.appendChild(el('p', { text: t('day.wait') }));
    box.appendChild(el('button', { type: 'button', class: 'primary', 'data-testid': 'join-wait',
      on: { click: (ev) => joinWait(p, ev.currentTarget, hooks) }, text: t('day.wait.btn') }));
  }
  markChips(p);
}

// Today's walk-in tickets left, from the hall's own count (kept for 30 seconds).
let walkins = { mall: null, at: 0, data: null };
async function walkinsLeft(p, node, quota) {
  try {
    if (walkins.mall !== p.mall_id || Date.now() - walkins.at > 30000) {
      walkins = { mall: p.mall_id, at: Date.now(), data: get('v1/malls/' + encodeURIComponent(p.mall_id) + '/walkins') };
    }
    const r = await walkins.data;
    const s = (r.services || []).filter((x) => x.service_id === p.service_id)[0];
    if (s && node.isConnected) node.textContent += ' ' + t('day.walkin.today', { left: s.remaining, n: s.quota || quota });
  } catch (e) { walkins.at = 0; /* the quota a day is said already */ }
}

async function joinWait(p, btn, hooks) {
  if (!S.token) { needLogin(location.hash); return; }
  btn.disabled = true;
  say('loading', 'info');
  try {
    const w = await post('v1/waitlist', { mall_id: p.mall_id, service_id: p.service_id, date: p.date }, { auth: true });
    S.waits = null;
    S.flash = { msg: ['wl.joined', { n: w.position }], kind: 'ok' };
    go('#/w/' + encodeURIComponent(w.waitlist_id));
  } catch (err) {
    btn.disabled = false;
    if (err.code === 'already_waiting') say({ raw: serverText(err) }, 'err', ['#/bookings', 'wl.see']);
    else sayServer(err);
    if (err.code === 'seats_available') {
      forgetDays(p);
      hooks.reload();
    }
  }
}
