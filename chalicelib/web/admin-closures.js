/* Antre admin page: the "Penutupan" section. Close the mall (or one service) for days, after a
   preview (what the closure would do, from the server's dry run of the job) and a confirmation;
   reopen a finished closure or end it early; follow the job that moves every booking inside (polled every 2 s) to its report:
   affected, moved, cancelled, failed; the closures so far; and the year's cuti bersama days
   closed in one action. */
import { t, lang } from './i18n.js';
import { $, el, clear, say, sayError, readForm, fieldError, focus, fmtDate, addDays } from './view.js';
import { A, go, mallPath, enc, aget, send, ensureMall, today, serviceName } from './admin-state.js';
import { formError, clearErrors, R, bounds, table, none, confirmIn, fmtInstant, badge } from './admin-ui.js';

const POLL_MS = 2000;
const K = { id: null, timer: null, last: null, gen: 0 };

const scopeText = (c) => (c.service_id ? t('cl.scope.service', { service: serviceName(c.service_id) }) : t('cl.scope.mall'));
const scopeIn = (c) => (c.service_id ? t('cl.scope.service.in', { service: serviceName(c.service_id) }) : t('cl.scope.mall.in'));
const rangeText = (from, to) => (from === to ? fmtDate(from) : t('cl.range', { from: fmtDate(from, true), to: fmtDate(to, true) }));
const handled = (c) => c.moved + c.cancelled + c.failed;
const statusBadge = (c) => badge('cls-' + (c.state || c.status), 'cl.state.' + (c.state || c.status));
const holidayText = (c) => (c.holidays || []).map((h) => t('cl.holiday', { date: fmtDate(h.date, true), name: lang() === 'en' ? h.name_en : h.name })).join('; ');
const stillClosed = (c) => (c.reopened_from ? addDays(c.reopened_from, -1) : c.to);
const canReopen = (c) => c.status !== 'running' && stillClosed(c) >= today() && stillClosed(c) >= c.from;

function resultText(c) {
  if (c.status === 'running') return t('cl.result.running', { n: handled(c), affected: c.affected });
  const done = t('cl.result', { moved: c.moved, cancelled: c.cancelled, failed: c.failed });
  return c.not_emailed ? done + ', ' + t('cl.result.phone', { n: c.not_emailed }) : done;
}

// ---- the list --------------------------------------------------------------------------------------
async function loadList() {
  const gen = A.gen;
  const list = await aget(mallPath('/closures'));
  if (gen !== A.gen) return;
  const holder = $('closure-list');
  clear(holder);
  if (!list.length) { holder.appendChild(none('cl.none')); return; }
  holder.appendChild(table(t('cl.list'), ['f.date', 'cl.scope', 'cl.reason', 'cl.status', 'cl.result.head', ''], list.map((c) => {
    const b = statusBadge(c);
    b.setAttribute('data-status', c.state || c.status);
    return {
      th: true, attrs: { 'data-testid': 'closure-row', 'data-id': c.closure_id },
      cells: [rangeText(c.from, c.to), scopeText(c),
        el('span', null, [c.reason, c.holidays && c.holidays.length ? el('span', { class: 'sub', 'data-testid': 'closure-holidays', text: holidayText(c) }) : null]),
        el('span', null, [b, c.reopened_from && c.state === 'ended_early' ? el('span', { class: 'sub', text: t('cl.open_from', { date: fmtDate(c.reopened_from, true) }) }) : null]),
        resultText(c),
        el('a', { href: '#/closure/' + enc(c.closure_id), 'aria-label': t('cl.open.label', { range: rangeText(c.from, c.to) }), text: t('cl.open') })]
    };
  })));
}

function fillServices() {
  const sel = $('cl-service'), keep = sel.value;
  clear(sel);
  sel.appendChild(el('option', { value: '', text: t('cl.scope.mall') }));
  A.mall.services.forEach((s) => sel.appendChild(el('option', { value: s.service_id, text: s.name })));
  sel.value = keep && A.mall.services.some((s) => s.service_id === keep) ? keep : '';
}

export async function enterClosures(arg, again) {
  fillServices();
  $('cb-submit').textContent = t('cb.submit', { year: $('cb-year').value || today().slice(0, 4) });
  if (!again) {
    ['form-close', 'form-cuti'].forEach((f) => clearErrors($(f)));
    ['close-confirm', 'cuti-confirm'].forEach((c) => { clear($(c)); $(c).hidden = true; });
    K.asking = null;
    const from = $('cl-from'), to = $('cl-to');
    from.min = to.min = today();
    if (!from.value || from.value < today()) from.value = addDays(today(), 1);
    if (!to.value || to.value < from.value) to.value = from.value;
    if (!$('cb-year').value) $('cb-year').value = today().slice(0, 4);
    $('cb-submit').textContent = t('cb.submit', { year: $('cb-year').value });
  } else if (K.asking && !$('close-confirm').hidden) askToClose(K.asking.form, K.asking.body, K.asking.seen);
  await loadList();
}

async function onClose(ev) {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  const v = readForm([['cl-from', 'date'], ['cl-to', 'date'], ['cl-reason', 'required']], R);
  if (!v) return;
  const bad = v.from < today() ? ['cl-from', 'v.past'] : v.to < v.from ? ['cl-to', 'v.date_order'] : null;
  if (bad) { fieldError($(bad[0]), bad[1]); say('v.fix', 'err'); focus($(bad[0])); return; }
  const body = { from: v.from, to: v.to, reason: v.reason };
  // the scope: one service, or (empty) the whole mall; readForm reads only checked fields
  const service = $('cl-service').value;
  if (service) body.service_id = service;
  const holder = $('close-confirm');
  let seen;
  try {
    seen = await send('POST', mallPath('/closures/preview'), body);
  } catch (err) {
    clear(holder);
    holder.hidden = true;
    formError(form, err);
    return;
  }
  askToClose(form, body, seen);
}

// The confirmation with the preview; painted again in the other language when it is switched.
function askToClose(form, body, seen) {
  const holder = $('close-confirm');
  K.asking = { form, body, seen };
  confirmIn(holder, t('cl.confirm', { scope: scopeIn(body), range: rangeText(body.from, body.to) }), 'cl.yes', async () => {
    try {
      const c = await send('POST', mallPath('/closures'), body);
      K.asking = null;
      clear(holder);
      holder.hidden = true;
      await ensureMall(true);  // its closed days
      A.flash = { msg: 'cl.started', kind: 'ok' };
      go('#/closure/' + enc(c.closure_id));
    } catch (err) {
      if (err.code !== 'validation_error' && err.code !== 'closure_overlaps') throw err;
      clear(holder);
      holder.hidden = true;
      formError(form, err);
    }
  }, 'close-confirm', previewList(seen));
}

// What the closure would do, as the server's dry run of its job decided it.
function previewList(p) {
  const items = [t('pv.affected', { n: p.affected })];
  if (p.moved) {
    items.push(el('span', null, [t('pv.moved', { n: p.moved }),
      el('ul', null, p.moved_to.map((d) => el('li', { text: t('pv.to', { date: fmtDate(d.date, true), n: d.bookings }) })))]));
  }
  items.push(t('pv.cancelled', { n: p.cancelled }));
  if (p.not_emailed) items.push(el('strong', { text: t('pv.phone', { n: p.not_emailed }) }));
  (p.holidays || []).forEach((h) => items.push(t('pv.holiday', { date: fmtDate(h.date, true), name: lang() === 'en' ? h.name_en : h.name })));
  return el('div', { 'data-testid': 'close-preview' }, [
    el('h3', { text: t('pv.title') }),
    el('ul', { class: 'preview' }, items.map((x) => el('li', null, [x])))]);
}

function onCuti(ev) {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  const v = readForm([['cb-year', 'int']], R);
  if (!v || !bounds(form)) return;
  const year = parseInt(v.year, 10), holder = $('cuti-confirm');
  confirmIn(holder, t('cb.confirm', { year }), 'cb.yes', async () => {
    const made = await send('POST', mallPath('/closures/cuti-bersama'), { year });
    clear(holder);
    holder.hidden = true;
    say(made.length ? ['cb.done', { n: made.length, year }] : ['cb.nothing', { year }], made.length ? 'ok' : 'info');
    await ensureMall(true);
    await loadList();
  }, 'cuti-confirm');
}

// ---- one closure's progress and report ----------------------------------------------------------------
function paintReport(c) {
  const dl = $('cr-facts');
  clear(dl);
  const st = statusBadge(c);
  st.setAttribute('data-testid', 'closure-status');
  st.setAttribute('data-status', c.state || c.status);
  [['f.date', rangeText(c.from, c.to)], ['cl.scope', scopeText(c)], ['cl.reason', c.reason],
    c.holidays && c.holidays.length ? ['cl.holidays', holidayText(c)] : null, ['cl.status', st],
    c.reopened_from ? ['cr.reopened_from', fmtDate(c.reopened_from)] : null,
    ['cr.created', fmtInstant(c.created_at, A.mall.timezone)], c.finished_at ? ['cr.finished_at', fmtInstant(c.finished_at, A.mall.timezone)] : null,
    ['cr.id', el('code', { 'data-testid': 'closure-id', text: c.closure_id })]].forEach((r) => {
    if (r) dl.appendChild(el('div', null, [el('dt', { text: t(r[0]) }), el('dd', null, [r[1]])]));
  });
  $('cr-state').textContent = t({ running: 'cr.running', failed: 'cr.failedjob' }[c.status] || 'cr.done');
  const bar = $('cr-bar');
  bar.max = Math.max(c.affected, 1);
  if (c.status === 'running' && !c.affected) bar.removeAttribute('value'); else bar.value = c.status === 'done' && !c.affected ? 1 : handled(c);
  $('cr-affected').textContent = c.status === 'running' && !c.affected ? '…' : c.affected;  // not counted yet
  $('cr-moved').textContent = c.moved;
  $('cr-cancelled').textContent = c.cancelled;
  $('cr-failed').textContent = c.failed;
  $('cr-not-emailed').textContent = c.not_emailed || 0;
  paintReopen(c);
  paintToPhone(c);
  const failed = $('cr-failed-list');
  clear(failed);
  if (c.failed_bookings && c.failed_bookings.length) {
    failed.appendChild(el('div', { class: 'warn', 'data-testid': 'closure-failed-list' }, [
      el('h2', { text: t('cr.failed.title') }), el('p', { text: t('cr.failed.lead') }),
      el('ul', null, c.failed_bookings.map((b) => el('li', null, [el('code', { text: b })])))]));
  }
}

// Reopen a finished closure, or end it early: its days offer their slots again from the chosen
// day; the bookings it moved stay moved and nobody is emailed.
function paintReopen(c) {
  const holder = $('cr-reopen');
  if (!canReopen(c)) { clear(holder); holder.hidden = true; holder.dataset.key = ''; return; }
  const key = [c.closure_id, c.reopened_from || '', lang()].join(' ');
  if (!holder.hidden && holder.dataset.key === key) return;  // painted (its confirmation may be open)
  clear(holder);
  holder.hidden = false;
  holder.dataset.key = key;
  const first = c.from > today() ? c.from : today();
  const input = el('input', { id: 'cr-reopen-from', type: 'date', min: first, max: stillClosed(c), value: first, 'data-testid': 'reopen-from', 'aria-describedby': 'cr-reopen-hint' });
  const button = el('button', { type: 'button', class: 'secondary', 'data-testid': 'reopen-submit', text: t('ro.submit') });
  const confirm = el('div', { hidden: true });
  holder.appendChild(el('div', { class: 'box' }, [
    el('h2', { text: t('ro.title') }), el('p', { id: 'cr-reopen-hint', class: 'hint', text: t('ro.lead') }),
    el('div', { class: 'field' }, [el('label', { for: 'cr-reopen-from', text: t('ro.from') }), input]),
    button, confirm]));
  button.addEventListener('click', () => {
    const from = input.value || first;
    confirmIn(confirm, t('ro.confirm', { date: fmtDate(from), range: rangeText(from, stillClosed(c)) }), 'ro.yes', async () => {
      const done = await send('POST', 'v1/admin/closures/' + enc(c.closure_id) + '/reopen', { from });
      await ensureMall(true);
      K.last = done;
      paintReport(done);
      say('ro.done', 'ok');  // the date is in the report (a preformatted one would not follow a language switch)
    }, 'reopen-confirm');
  });
}

// The citizens staff booked for at the desk, who have no email: the report names them with the
// phone they gave, so someone calls them (read once the job is done, painted in either language).
async function paintToPhone(c) {
  const holder = $('cr-phone-list');
  if (!c.not_emailed) { clear(holder); return; }
  if (c.status === 'running') return;
  const key = c.closure_id + ':' + c.not_emailed;
  if (!K.people || K.people.key !== key) {
    let list;
    try { list = await aget('v1/admin/closures/' + enc(c.closure_id) + '/to-phone'); } catch (err) { sayError(err); return; }
    K.people = { key, list };
  }
  if (K.id !== c.closure_id) return;
  const people = K.people.list;
  clear(holder);
  const what = (p) => (p.status === 'cancelled' ? t('cr.phone.cancelled') : t('cr.phone.moved', { when: fmtDate(p.date, true) + ', ' + p.start }));
  holder.appendChild(el('div', { class: 'warn', 'data-testid': 'closure-phone-list' }, [
    el('h2', { text: t('cr.phone.title', { n: people.length }) }), el('p', { text: t('cr.phone.lead') }),
    table(t('cr.phone.title', { n: people.length }), ['cr.phone.name', 'cr.phone.phone', 'cr.phone.what', 'cr.phone.code'], people.map((p) => ({
      th: true, attrs: { 'data-testid': 'phone-row' },
      cells: [el('span', null, [p.name, p.nik_last4 ? el('span', { class: 'sub', text: 'NIK …' + p.nik_last4 }) : null]),
        p.phone ? el('a', { href: 'tel:' + p.phone, text: p.phone }) : t('cr.phone.none'),
        el('span', null, [what(p), el('span', { class: 'sub', text: p.service_name })]), el('code', { text: p.code })]
    })))]));
}

async function poll() {
  clearTimeout(K.timer);
  const id = K.id, gen = ++K.gen;
  let wait = POLL_MS;
  try {
    const c = await aget('v1/admin/closures/' + enc(id), { retries: 0 });
    if (gen !== K.gen || K.id !== id) return;
    const was = K.last && K.last.closure_id === id ? K.last.status : null;
    K.last = c;
    paintReport(c);
    if (c.status !== 'running') {
      if (was === 'running') say('cr.finished', 'ok');
      return;
    }
  } catch (err) {
    if (gen !== K.gen || K.id !== id || err.handled) return;
    sayError(err);
    if (err.code === 'not_found' || err.code === 'forbidden') return;
    wait = POLL_MS * 2;
  }
  K.timer = setTimeout(poll, wait);
}

export async function enterClosure(arg, again) {
  if (again && K.last && K.last.closure_id === arg) { paintReport(K.last); return; }
  if (K.id !== arg) { K.last = null; clear($('cr-facts')); clear($('cr-failed-list')); $('cr-state').textContent = t('loading'); }
  K.id = arg;
  await poll();
}

export function leaveClosure() {
  clearTimeout(K.timer);
  K.id = null;
  K.gen++;
}

export function initClosures() {
  $('form-close').addEventListener('submit', onClose);
  $('form-cuti').addEventListener('submit', onCuti);
  $('cb-year').addEventListener('input', () => { $('cb-submit').textContent = t('cb.submit', { year: $('cb-year').value }); });
}
