/* Antre counter page: the desk. The current ticket big, the buttons its state allows, the
   queue with each ticket's wait and kind, refreshed every few seconds. The two steps that
   cannot be taken back are never one click: a no-show waits a few seconds under an undo bar
   before it is sent, a transfer names its target and asks to confirm. A break stops calls. */
import { t, lang } from './i18n.js';
import { get, post, serverNow } from './api.js';
import { $, el, clear, say, sayServer } from './view.js';
import { statusText, hhmm } from './floor.js';
import { C, go, countRecall, counterById, ensureServices, serviceName, openCounter } from './counter-state.js';

const REFRESH_MS = 5000;
export const UNDO_SECONDS = 5;
const D = { state: null, timer: null, busy: false, gen: 0, view: 0, failed: false };
// The no-show waiting under the undo bar: {ticketId, number, left, timer, tick}
const P = { job: null };
// The transfer waiting for its confirmation: {ticketId, to}
const T = { ask: null };

const counterPath = () => 'v1/staff/counters/' + encodeURIComponent(C.counterId);
const ticketPath = (id, action) => 'v1/staff/tickets/' + encodeURIComponent(id) + '/' + action;

// Which buttons a ticket's state allows.
const ALLOWED = {
  none: ['call', 'break'],
  called: ['recall', 'start', 'noshow', 'transfer'],
  serving: ['finish', 'transfer']
};
const BUTTONS = ['call', 'recall', 'start', 'finish', 'noshow', 'transfer', 'break'];

const recallsOf = (cur) => (cur ? Math.max(cur.recalls || 0, C.recalls[cur.ticket_id] || 0) : 0);
const recallsNeeded = () => (D.state && D.state.recalls_before_no_show) || 0;

function paintCurrent(cur) {
  $('cur-number').textContent = cur ? cur.ticket_number : '—';
  $('cur-service').textContent = cur ? cur.service_name : t('desk.none');
  const st = $('cur-status');
  clear(st);
  if (cur) st.appendChild(el('span', { class: 'badge tst-' + cur.status, 'data-testid': 'current-status', 'data-status': cur.status, text: statusText(cur.status) }));
  const more = [];
  if (cur) {
    if (cur.called_at) more.push(t('desk.calledat', { time: hhmm(cur.called_at) }));
    const n = recallsOf(cur);
    if (n) more.push(t('desk.recalls', { n }));
    more.push(t(cur.kind === 'walkin' ? 'desk.walkin' : 'desk.booking'));
    if (cur.slot_start) more.push(t('q.slot', { time: hhmm(cur.slot_start) }));
    if (cur.priority) more.push(t('desk.priority'));
  }
  $('cur-more').textContent = more.join(' · ');
  $('cur').className = 'c-current' + (cur ? ' st-' + cur.status : '');
}

function paintStaff(st) {
  const line = $('desk-staff');
  const since = st.opened_at ? hhmm(st.opened_at) : '';
  if (st.mine) line.textContent = since ? t('desk.staff.mine', { time: since }) : t('desk.staff.mine.now');
  else if (st.staff_name) line.textContent = t('desk.staff.other', { name: st.staff_name, time: since });
  else line.textContent = t('desk.staff.none');
  line.className = 'c-staff' + (st.staff_name && !st.mine ? ' other' : '');
  line.setAttribute('data-mine', st.mine ? 'true' : 'false');
  const note = $('break-note');
  note.hidden = !st.on_break;
  note.textContent = st.on_break ? t('desk.break.note', { time: st.break_since ? hhmm(st.break_since) : '' }) : '';
  const btn = $('act-break');
  btn.textContent = t(st.on_break ? 'act.break.end' : 'act.break.start');
  btn.className = (st.on_break ? 'primary' : 'secondary') + ' c-break-btn';
}

function fillTransferTargets(sel, from) {
  const key = from + '|' + lang() + '|' + (C.services ? C.services.length : 0);
  if (sel.getAttribute('data-key') === key && sel.options.length) return;  // it may be open
  const keep = sel.value;
  clear(sel);
  sel.appendChild(el('option', { value: '', text: t('act.transfer.pick') }));  // no default target
  (C.services || []).filter((s) => s.service_id !== from).forEach((s) => {
    sel.appendChild(el('option', { value: s.service_id, text: s.name + ' · ' + s.agency_name }));
  });
  sel.value = keep && keep !== from ? keep : '';
  if (sel.value !== keep) sel.value = '';
  sel.setAttribute('data-key', key);
}

function paintButtons() {
  const cur = D.state && D.state.current;
  const onBreak = !!(D.state && D.state.on_break);
  let allowed = D.state ? (ALLOWED[cur ? cur.status : 'none'] || []).slice() : [];
  if (onBreak) allowed = allowed.filter((b) => b !== 'call').concat(['break']);
  const stopped = D.busy || !!P.job || !!T.ask;
  BUTTONS.forEach((b) => { $('act-' + b).disabled = stopped || allowed.indexOf(b) < 0; });
  // no-show only after the recalls the mall asks for (the server holds the same rule)
  const needed = recallsNeeded(), done = recallsOf(cur);
  const early = !!cur && cur.status === 'called' && done < needed;
  if (early) $('act-noshow').disabled = true;
  const hint = $('noshow-hint');
  if (!cur || cur.status !== 'called') hint.textContent = t('noshow.hint.none');
  else if (early) hint.textContent = t('noshow.hint.recall', { left: needed - done, needed });
  else hint.textContent = t('noshow.hint.undo', { n: UNDO_SECONDS });
  // the transfer: an explicit target, the button waits for it
  const sel = $('transfer-service');
  fillTransferTargets(sel, cur ? cur.service_id : '');
  const canMove = allowed.indexOf('transfer') >= 0 && !stopped;
  sel.disabled = !canMove;
  $('act-transfer').disabled = !canMove || !sel.value;
  // why call-next waits
  const note = $('call-note');
  if (onBreak) note.textContent = t('call.note.break');
  else if (cur) note.textContent = t('call.note.busy', { number: cur.ticket_number });
  else note.textContent = '';
  note.hidden = !note.textContent;
}

function waitedText(min) {
  if (min < 1) return t('q.waited.now');
  if (min < 60) return t('q.waited.min', { n: min });
  return t('q.waited.hours', { h: Math.floor(min / 60), m: min % 60 });
}

function queueRow(q) {
  const tags = [];
  if (q.priority) tags.push(el('span', { class: 'tag tag-prio', 'data-testid': 'queue-kind', text: t('q.priority') }));
  if (q.kind === 'walkin') tags.push(el('span', { class: 'tag tag-walkin', 'data-testid': 'queue-kind', text: t('q.walkin') }));
  else tags.push(el('span', { class: 'tag tag-booking', 'data-testid': 'queue-kind', text: q.slot_start ? t('q.booking.slot', { time: q.slot_start }) : t('q.booking') }));
  return el('tr', { 'data-testid': 'queue-item', 'data-number': q.ticket_number, 'data-kind': q.priority ? 'priority' : q.kind }, [
    el('th', { scope: 'row', class: 'c-qt-num', text: q.ticket_number }),
    el('td', { class: 'c-qt-svc' }, [el('span', { class: 'c-qt-name', text: q.service_name }), el('span', { class: 'c-qt-tags' }, tags)]),
    el('td', { class: 'c-qt-wait', 'data-testid': 'queue-waited', text: waitedText(q.waited_minutes || 0) })
  ]);
}

function paintQueue(st) {
  $('wait-count').textContent = t('desk.waiting', { n: st.waiting });
  const body = $('next-list');
  clear(body);
  const queue = st.queue || [];
  queue.forEach((q) => body.appendChild(queueRow(q)));
  if (!queue.length) body.appendChild(el('tr', { class: 'none' }, [el('td', { colspan: '3', text: t('desk.nonext') })]));
  const more = st.waiting - queue.length;
  $('queue-more').hidden = more <= 0;
  $('queue-more').textContent = more > 0 ? t('q.more', { n: more }) : '';
  const by = $('by-service');
  clear(by);
  Object.keys(st.waiting_by_service || {}).forEach((sid) => {
    by.appendChild(el('li', { text: t('desk.byservice', { service: serviceName(sid), n: st.waiting_by_service[sid] }) }));
  });
  const now = serverNow();  // the app's clock (DEMO_NOW too), shown in the browser's zone
  $('updated').textContent = t('desk.updated', { time: String(now.getHours()).padStart(2, '0') + ':' + String(now.getMinutes()).padStart(2, '0') + ':' + String(now.getSeconds()).padStart(2, '0') });
}

function paintUndo() {
  const job = P.job;
  $('undo').hidden = !job;
  if (!job) { $('undo-text').textContent = ''; return; }  // said afresh next time
  const text = t('undo.noshow', { number: job.number, n: UNDO_SECONDS });
  if ($('undo-text').textContent !== text) $('undo-text').textContent = text;
  $('undo-left').textContent = t('undo.left', { n: job.left });
}

function paintConfirm() {
  const box = $('transfer-confirm');
  box.hidden = !T.ask;
  $('form-transfer').hidden = !!T.ask;  // the question names the target; it takes the form's place
  if (!T.ask) return;
  $('transfer-confirm-text').textContent = t('transfer.confirm', {
    number: T.ask.number, from: T.ask.fromName, to: serviceName(T.ask.to) });
}

function paint() {
  const counter = counterById(C.counterId);
  $('h-desk').textContent = counter ? counter.name : '';
  if (D.state) {
    paintCurrent(D.state.current);
    paintStaff(D.state);
    paintQueue(D.state);
  } else {
    paintCurrent(null);
    $('desk-staff').textContent = '';
    $('desk-staff').setAttribute('data-mine', 'false');
    $('break-note').hidden = true;
    clear($('next-list'));
    $('wait-count').textContent = '';
  }
  paintButtons();
  paintUndo();
  paintConfirm();
}

// The day's no-shows still within the mall's grace time: each may be put back in line once
// (behind those waiting then), here or at the kiosk.
function paintBack(list) {
  const ul = $('back-list');
  clear(ul);
  $('h-back').hidden = !list.length;
  list.forEach((n) => {
    const put = el('button', { type: 'button', class: 'secondary', 'data-testid': 'requeue-' + n.ticket_number, text: t('desk.back.put') });
    put.addEventListener('click', () => act(async () => {
      const tk = await post(ticketPath(n.ticket_id, 'requeue'), undefined, { auth: true });
      return [['desk.back.done', NUMBER(tk)], 'ok'];
    }));
    ul.appendChild(el('li', null, [el('strong', { text: n.ticket_number }), ' ' + n.service_name + ' · ' +
      t('desk.back.until', { time: hhmm(n.requeue_until) }) + ' ', put]));
  });
}

async function refresh() {
  const gen = ++D.gen;
  try {
    const st = await get(counterPath(), { auth: true, retries: 0 });
    const back = await get('v1/staff/no-shows', { auth: true, retries: 0 });
    if (gen !== D.gen || C.route !== 'desk') return;
    paintBack(back);
    D.state = st;
    C.today = st.date;
    if (D.failed) { D.failed = false; say(''); }
    const cur = st.current;
    if (T.ask && (!cur || cur.ticket_id !== T.ask.ticketId)) T.ask = null;  // it moved on meanwhile
    paint();
  } catch (err) {
    if (gen !== D.gen || err.handled) return;
    if (err.code === 'not_found') { go('#/pick'); return; }
    D.failed = true;
    sayServer(err);
  }
}

function schedule() {
  clearTimeout(D.timer);
  D.timer = setTimeout(async () => {
    if (C.route !== 'desk') return;
    if (!document.hidden && !D.busy) await refresh();
    schedule();
  }, REFRESH_MS);
}

// entering: the desk was just chosen (not a repaint after a language switch). A counter
// nobody holds is opened for this staff member; one another member holds is not taken
// silently: the picker asks.
export async function viewDesk(entering) {
  D.view++;
  await ensureServices();
  paint();
  await refresh();
  if (entering && D.state && !D.state.mine) {
    if (D.state.staff_name) {
      C.flash = { msg: ['pick.held', { counter: D.state.name, name: D.state.staff_name }], kind: 'warn' };
      go('#/pick');
      return;
    }
    try { await openCounter(C.counterId); await refresh(); } catch (err) { sayServer(err); }
  }
  schedule();
}

// Leaving the desk (another view, another counter): a no-show under its undo bar is sent
// now, as staff meant it; the answer is awaited, so that logging out can follow.
export async function leaveDesk() {
  clearTimeout(D.timer); D.timer = null; D.gen++;
  const gen = D.view;
  T.ask = null;
  await commitPending();
  if (gen === D.view) { D.state = null; paint(); }  // another counter or login next: none of this one shows
}

// Runs one staff action; then the desk is read again. fn answers the message to say.
async function act(fn) {
  if (D.busy || !D.state) return;
  D.busy = true;
  paintButtons();
  try {
    const msg = await fn(D.state.current);
    if (msg) say(msg[0], msg[1]);
  } catch (err) {
    sayServer(err);
  } finally {
    D.busy = false;
    if (C.route === 'desk') {
      await refresh();
      paintButtons();
      const a = document.activeElement;
      if (!a || a === document.body || a.disabled) {
        const next = BUTTONS.map((b) => $('act-' + b)).find((b) => !b.disabled);
        if (next) next.focus();
      }
    }
  }
}

const NUMBER = (tk) => ({ number: tk.ticket_number });

// ---- no-show: a few seconds under an undo bar, then sent --------------------------------------
function stopTimers(job) { clearTimeout(job.timer); clearInterval(job.tick); }

function askNoShow() {
  const cur = D.state && D.state.current;
  if (!cur || P.job || D.busy) return;
  const job = { ticketId: cur.ticket_id, number: cur.ticket_number, left: UNDO_SECONDS };
  job.timer = setTimeout(() => { commitPending(); }, UNDO_SECONDS * 1000);
  job.tick = setInterval(() => { job.left = Math.max(job.left - 1, 0); paintUndo(); }, 1000);
  P.job = job;
  say('');
  paint();
  $('undo-btn').focus();
}

function undoNoShow() {
  const job = P.job;
  if (!job) return;
  stopTimers(job);
  P.job = null;
  paint();
  say(['undo.done', { number: job.number }], 'ok');
  const back = ['noshow', 'recall', 'start'].map((b) => $('act-' + b)).find((b) => !b.disabled);
  if (back) back.focus();
}

async function commitPending() {
  const job = P.job;
  if (!job) return;
  stopTimers(job);
  P.job = null;
  paintUndo();
  while (D.busy) await new Promise((r) => setTimeout(r, 100));  // an action still answering
  await act(async () => {
    const tk = await post(ticketPath(job.ticketId, 'no-show'), undefined, { auth: true });
    return [['desk.noshowed', NUMBER(tk)], 'ok'];
  });
}

// ---- transfer: an explicit target, then a confirmation ---------------------------------------
function askTransfer(ev) {
  ev.preventDefault();
  const cur = D.state && D.state.current;
  const to = $('transfer-service').value;
  if (!cur || !to || D.busy || P.job) return;
  T.ask = { ticketId: cur.ticket_id, number: cur.ticket_number, fromName: cur.service_name, to };
  paint();
  $('transfer-confirm').focus();
}

function confirmTransfer() {
  const ask = T.ask;
  T.ask = null;
  paintConfirm();
  const cur = D.state && D.state.current;
  if (!ask || !cur || cur.ticket_id !== ask.ticketId) { paintButtons(); return; }
  $('transfer-service').value = '';
  act(async () => {
    const tk = await post(ticketPath(ask.ticketId, 'transfer'), { service_id: ask.to }, { auth: true });
    return [['desk.transferred', { number: tk.ticket_number, service: tk.service_name }], 'ok'];
  });
}

function cancelTransfer() {
  T.ask = null;
  paint();
  $('transfer-service').focus();
}

export function initDesk() {
  $('act-call').addEventListener('click', () => act(async () => {
    const r = await post(counterPath() + '/call-next', undefined, { auth: true });
    return r.ticket ? [['desk.called', NUMBER(r.ticket)], 'ok'] : ['desk.nobody', 'info'];
  }));
  $('act-recall').addEventListener('click', () => act(async (cur) => {
    const tk = await post(ticketPath(cur.ticket_id, 'recall'), undefined, { auth: true });
    countRecall(tk.ticket_id);
    return [['desk.recalled', NUMBER(tk)], 'ok'];
  }));
  $('act-start').addEventListener('click', () => act(async (cur) => {
    const tk = await post(ticketPath(cur.ticket_id, 'start'), undefined, { auth: true });
    return [['desk.started', NUMBER(tk)], 'ok'];
  }));
  $('act-finish').addEventListener('click', () => act(async (cur) => {
    const tk = await post(ticketPath(cur.ticket_id, 'finish'), undefined, { auth: true });
    return [['desk.finished', NUMBER(tk)], 'ok'];
  }));
  $('act-break').addEventListener('click', () => act(async () => {
    const on = !D.state.on_break;
    await post(counterPath() + '/break', { on }, { auth: true });
    return [on ? 'desk.break.started' : 'desk.break.ended', 'ok'];
  }));
  $('act-noshow').addEventListener('click', askNoShow);
  $('undo-btn').addEventListener('click', undoNoShow);
  $('form-transfer').addEventListener('submit', askTransfer);
  $('transfer-service').addEventListener('change', paintButtons);
  $('transfer-yes').addEventListener('click', confirmTransfer);
  $('transfer-no').addEventListener('click', cancelTransfer);
  document.addEventListener('keydown', (ev) => {  // Escape takes back what waits to be sent
    if (ev.key !== 'Escape' || C.route !== 'desk') return;
    if (P.job) { ev.preventDefault(); undoNoShow(); } else if (T.ask) { ev.preventDefault(); cancelTransfer(); }
  });
  document.addEventListener('visibilitychange', () => { if (!document.hidden && C.route === 'desk') refresh(); });
}
