/* Antre citizen page: date, free slots, and the book button. Booking and rescheduling share
   this screen (S.pick.mode is 'book' or 'reschedule'). */
import { t } from './i18n.js';
import { get, post, ApiError, idempotencyKey } from './api.js';
import { $, el, clear, say, sayError, loading, fieldError, todayIn, addDays, fmtDate, fmtTime, zoneAbbr } from './view.js';
import { S, go, needLogin } from './citizen-state.js';
import { mallById, serviceById, reqList } from './citizen-catalog.js';

const WINDOW_DAYS = 30;
const slotCache = {};   // "mall|service|date" -> {at, list}
const cacheKey = (p, date) => p.mall_id + '|' + p.service_id + '|' + date;

async function fetchSlots(p, date) {
  const r = await get('v1/malls/' + encodeURIComponent(p.mall_id) + '/services/' + encodeURIComponent(p.service_id) +
    '/slots?date=' + encodeURIComponent(date));
  const list = Array.isArray(r) ? r : (r && (r.items || r.slots)) || [];
  slotCache[cacheKey(p, date)] = { at: Date.now(), list };
  return list;
}

function bookable(slot, date, now) {
  if (!(slot.remaining > 0)) return false;
  return !(date === now.date && slot.start <= now.time);
}

export async function viewSlots(gen, p) {
  const mall = mallById(p.mall_id), svc = serviceById(p.mall_id, p.service_id);
  if (!mall || !svc) throw new ApiError('not_found', '', 404);
  const now = todayIn(mall.timezone), max = addDays(now.date, WINDOW_DAYS);
  const rs = p.mode === 'reschedule';
  $('h-slots').textContent = rs ? t('rs.title') + ': ' + svc.name : svc.name;
  $('slots-sub').textContent = (svc.agency_name ? svc.agency_name + ' · ' : '') + mall.name;
  const back = $('slots-back');
  back.href = rs ? '#/bookings' : '#/m/' + encodeURIComponent(p.mall_id);
  back.textContent = t(rs ? 'back.bookings' : 'back.services');
  const cur = $('slots-current');
  if (rs) {
    const b = S.booking[p.booking_id];
    cur.textContent = t('rs.current', { date: fmtDate(b.date), time: fmtTime(b.start, b.end, mall.timezone), code: b.code });
    cur.hidden = false;
  } else cur.hidden = true;
  $('slots-req').querySelector('summary').textContent = t('svc.req.n', { n: (svc.requirements || []).length });
  const rl = $('slots-req-list');
  clear(rl);
  rl.appendChild(reqList(svc.requirements));

  const d = $('date');
  d.min = now.date; d.max = max;
  d.value = p.date || '';
  $('date-hint').textContent = t('slots.datehint', { min: fmtDate(now.date, true), max: fmtDate(max, true) });
  fieldError(d, null);
  renderSlots(p, mall);
  if (p.date) loadSlots(gen, p, mall);
  scanDays(gen, p, mall, now);
}

function renderSlots(p, mall) {
  const ul = $('slot-list'), h = $('slots-heading');
  clear(ul);
  const entry = p.date && slotCache[cacheKey(p, p.date)];
  $('slots-empty').hidden = !(entry && entry.list.length === 0);
  h.hidden = !(entry && entry.list.length);
  if (entry) h.textContent = t('slots.for', { date: fmtDate(p.date) });
  const now = todayIn(mall.timezone);
  let still = false;
  (entry ? entry.list : []).forEach((s) => {
    const ok = bookable(s, p.date, now);
    const sel = ok && p.start === s.start;
    if (sel) still = true;
    const left = !(s.remaining > 0) ? t('slots.full') : !ok ? t('slots.past')
      : t(s.remaining === 1 ? 'slots.left1' : 'slots.left', { n: s.remaining });
    ul.appendChild(el('li', null, [
      el('button', {
        type: 'button', class: 'slot', 'data-testid': 'slot', 'data-start': s.start,
        'data-remaining': String(s.remaining), 'aria-pressed': sel ? 'true' : 'false', disabled: !ok,
        on: { click: () => { p.start = s.start; p.end = s.end; renderSlots(p, mall); $('book').focus(); } }
      }, [
        el('span', { class: 'time' }, [s.start + '–' + s.end + ' ', el('span', { class: 'tz', text: zoneAbbr(mall.timezone) })]),
        el('span', { class: 'left', text: left })
      ])
    ]));
  });
  if (!still) { p.start = null; p.end = null; }
  const pick = $('pick'), bookBtn = $('book');
  pick.hidden = !p.start;
  if (p.start) {
    $('pick-text').textContent = t('slots.pick', { date: fmtDate(p.date), time: fmtTime(p.start, p.end, mall.timezone) });
    bookBtn.textContent = p.mode === 'reschedule' ? t('rs.submit') : (S.token ? t('book.submit') : t('book.login'));
  }
}

async function loadSlots(gen, p, mall, quiet) {
  const date = p.date;
  if (!quiet) loading(true);
  try {
    await fetchSlots(p, date);
    if (gen !== S.gen || p.date !== date) return;
    if (!quiet) loading(false);
    renderSlots(p, mall);
  } catch (err) {
    if (gen === S.gen) sayError(err);
  }
}

function onDateChange() {
  const p = S.pick, mall = p && mallById(p.mall_id);
  if (!mall) return;
  const d = $('date'), v = d.value;
  const now = todayIn(mall.timezone), max = addDays(now.date, WINDOW_DAYS);
  if (!v || v < now.date || v > max) {
    p.date = null; p.start = null; p.end = null;
    markChips(p);
    renderSlots(p, mall);
    fieldError(d, null, v ? t('v.date', { min: fmtDate(now.date, true), max: fmtDate(max, true) }) : '');
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
  const box = $('quick'), chips = $('quick-days'), note = $('quick-scan');
  clear(chips); box.hidden = true; note.hidden = false;
  note.textContent = t('slots.scanning');
  let found = [], day = 0;
  const LIMIT = 14, WANT = 4;
  async function worker() {
    while (day < LIMIT && found.length < WANT) {
      const date = addDays(now.date, day++);
      const c = slotCache[cacheKey(p, date)];
      let list;
      try { list = c && Date.now() - c.at < 60000 ? c.list : await fetchSlots(p, date); } catch (e) { return; }
      if (gen !== S.gen) return;
      const seats = list.filter((s) => bookable(s, date, now)).reduce((a, s) => a + s.remaining, 0);
      if (seats > 0) found.push({ date, seats });
    }
  }
  await Promise.all([worker(), worker()]);
  if (gen !== S.gen) return;
  found.sort((a, b) => (a.date < b.date ? -1 : 1));
  found = found.slice(0, WANT);
  note.hidden = found.length > 0;
  note.textContent = t('slots.noquick');
  found.forEach((f) => {
    chips.appendChild(el('button', {
      type: 'button', class: 'chip', 'data-date': f.date, 'data-testid': 'quick-day',
      on: { click: () => { fieldError($('date'), null); selectDate(p, mall, f.date); } }
    }, [el('span', { text: fmtDate(f.date, true) }), el('span', { class: 'small', text: t('slots.seats', { n: f.seats }) })]));
  });
  box.hidden = !found.length;
  markChips(p);
}

function markChips(p) {
  document.querySelectorAll('#quick-days .chip').forEach((c) => {
    c.setAttribute('aria-pressed', c.getAttribute('data-date') === p.date ? 'true' : 'false');
  });
}

async function onBook() {
  const p = S.pick, btn = $('book');
  if (!p || !p.start || btn.disabled) return;
  if (!S.token) { needLogin(location.hash); return; }
  const mall = mallById(p.mall_id);
  btn.disabled = true;
  const label = btn.textContent;
  btn.textContent = t('book.sending');
  say('book.sending', 'info');
  try {
    let b;
    if (p.mode === 'reschedule') {
      b = await post('v1/bookings/' + encodeURIComponent(p.booking_id) + '/reschedule',
        { date: p.date, start: p.start }, { auth: true });
      S.flash = { msg: 'rs.ok', kind: 'ok' };
      S.justBooked = null;
    } else {
      const body = { mall_id: p.mall_id, service_id: p.service_id, date: p.date, start: p.start };
      const sig = JSON.stringify(body);
      // One key per attempt; pressing again after a lost answer (or busy) resends the same key.
      // No automatic retry here: one press, one request, as the page has always done.
      if (!S.attempt || S.attempt.body !== sig) S.attempt = { key: idempotencyKey(), body: sig };
      b = await post('v1/bookings', body, { auth: true, idempotencyKey: S.attempt.key, retries: 0 });
      S.attempt = null;
      S.justBooked = b.booking_id;
    }
    S.booking[b.booking_id] = b;
    S.bookings = null;
    S.pick = null;
    delete slotCache[cacheKey(p, p.date)];
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

export function initSlots() {
  $('date').addEventListener('change', onDateChange);
  $('book').addEventListener('click', onBook);
}
