/* Antre citizen page: date, free slots, and the book button. Booking and rescheduling share
   this screen (S.pick.mode is 'book' or 'reschedule'). The dates are the mall's: its "today"
   and its booking window come from the server, never from the phone's clock. */
import { t } from './i18n.js';
import { get, post, ApiError, idempotencyKey } from './api.js';
import { $, el, clear, say, sayError, sayServer, loading, fieldError, addDays, fmtDate, fmtTime, zoneAbbr } from './view.js';
import { S, go, needLogin } from './citizen-state.js';
import { mallById, serviceById, reqList, ensurePlace } from './citizen-catalog.js';
import { loadDays, forgetDays, renderQuick, renderHelp, markChips } from './citizen-days.js';

const slotCache = {};   // "mall|service|date" -> {at, list}
const cacheKey = (p, date) => p.mall_id + '|' + p.service_id + '|' + date;
// The server's own words say more than ours for these (why a slot cannot be booked, until when
// booking is paused, how many bookings are active).
const SERVER_WORDS = { booking_paused: 1, slot_unavailable: 1, booking_limit_reached: 1, forbidden: 1 };

async function fetchSlots(p, date) {
  const r = await get('v1/malls/' + encodeURIComponent(p.mall_id) + '/services/' + encodeURIComponent(p.service_id) +
    '/slots?date=' + encodeURIComponent(date));
  const list = Array.isArray(r) ? r : (r && (r.items || r.slots)) || [];
  slotCache[cacheKey(p, date)] = { at: Date.now(), list };
  return list;
}

const windowOf = (place) => ({ min: place.today, max: addDays(place.today, place.max_days_ahead) });

function hooks(p, mall) {
  return {
    pick: (date) => { fieldError($('date'), null); selectDate(p, mall, date); },
    reload: () => { loadSlots(S.gen, p, mall, true); showDays(S.gen, p, true); }
  };
}

export async function viewSlots(gen, p) {
  const mall = mallById(p.mall_id), svc = serviceById(p.mall_id, p.service_id);
  if (!mall || !svc) throw new ApiError('not_found', '', 404);
  const place = await ensurePlace(p.mall_id);
  if (gen !== S.gen) return;
  const w = windowOf(place);
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
  // this mall's pause (each mall has its own no-show policy)
  const pauses = S.me && S.me.booking_pauses;
  const here = pauses ? pauses.filter((x) => x.mall_id === p.mall_id)[0] : null;
  const until = pauses ? (here ? here.until : null) : S.me && S.me.booking_paused_until;
  $('paused').hidden = !(until && until >= place.today && !rs);
  if (until) $('paused').textContent = t('paused.until', { date: fmtDate(until) });
  $('slots-req').querySelector('summary').textContent = t('svc.req.n', { n: (svc.requirements || []).length });
  const rl = $('slots-req-list');
  clear(rl);
  rl.appendChild(reqList(svc.requirements));

  const d = $('date');
  d.min = w.min; d.max = w.max;
  if (p.date && (p.date < w.min || p.date > w.max)) p.date = null;
  d.value = p.date || '';
  $('date-hint').textContent = t('slots.datehint', { n: place.max_days_ahead, min: fmtDate(w.min, true), max: fmtDate(w.max, true) });
  fieldError(d, null);
  renderSlots(p, mall);
  if (p.date) loadSlots(gen, p, mall);
  showDays(gen, p, false);
}

// The window's free days: the quick chips, and what a full day leads to.
async function showDays(gen, p, fresh) {
  const mall = mallById(p.mall_id);
  let data = null;
  renderQuick(p, null, hooks(p, mall).pick);
  try { data = await loadDays(p, await ensurePlace(p.mall_id), fresh); } catch (e) { /* the date field still works */ }
  if (gen !== S.gen) return;
  renderQuick(p, data, hooks(p, mall).pick);
  if (!data) $('quick-scan').hidden = true;
  renderSlots(p, mall);
}

function dayKind(entry) {
  if (!entry) return null;
  if (!entry.list.length) return 'none';
  return entry.list.some((s) => s.remaining > 0) ? null : 'full';
}

function renderSlots(p, mall) {
  const ul = $('slot-list'), h = $('slots-heading');
  clear(ul);
  const entry = p.date && slotCache[cacheKey(p, p.date)];
  h.hidden = !(entry && entry.list.length);
  if (entry) h.textContent = t('slots.for', { date: fmtDate(p.date) });
  let still = false;
  (entry ? entry.list : []).forEach((s) => {
    const ok = s.remaining > 0;
    const sel = ok && p.start === s.start;
    if (sel) still = true;
    const left = !ok ? t('slots.full') : t(s.remaining === 1 ? 'slots.left1' : 'slots.left', { n: s.remaining });
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
  renderHelp(p, dayKind(entry), hooks(p, mall));
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
  if (!v || v < d.min || v > d.max) {
    p.date = null; p.start = null; p.end = null;
    markChips(p);
    renderSlots(p, mall);
    fieldError(d, null, v ? t('v.date', { min: fmtDate(d.min, true), max: fmtDate(d.max, true) }) : '');
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
    forgetDays(p);
    go('#/b/' + encodeURIComponent(b.booking_id));
  } catch (err) {
    if (err.code !== 'network' && err.code !== 'busy' && err.code !== 'server') S.attempt = null;
    if (SERVER_WORDS[err.code]) sayServer(err); else sayError(err);
    if (mall && (err.code === 'slot_full' || err.code === 'slot_unavailable')) {
      loadSlots(S.gen, p, mall, true);
      showDays(S.gen, p, true);
    }
  } finally {
    btn.disabled = false;
    btn.textContent = label;
  }
}

export function initSlots() {
  $('date').addEventListener('change', onDateChange);
  $('book').addEventListener('click', onBook);
}
