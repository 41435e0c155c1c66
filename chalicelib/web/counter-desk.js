/* Antre counter page: the desk. The current ticket big, the buttons its state allows, the
   waiting count and the next numbers, refreshed every few seconds. */
import { t } from './i18n.js';
import { get, post, serverNow } from './api.js';
import { $, el, clear, say, sayServer } from './view.js';
import { statusText, hhmm } from './floor.js';
import { C, go, countRecall, counterById, ensureServices, serviceName } from './counter-state.js';

const REFRESH_MS = 5000;
const D = { state: null, timer: null, busy: false, gen: 0, failed: false };

const counterPath = () => 'v1/staff/counters/' + encodeURIComponent(C.counterId);
const ticketPath = (id, action) => 'v1/staff/tickets/' + encodeURIComponent(id) + '/' + action;

// Which buttons a ticket's state allows.
const ALLOWED = {
  none: ['call'],
  called: ['recall', 'start', 'noshow', 'transfer'],
  serving: ['finish', 'transfer']
};
const BUTTONS = ['call', 'recall', 'start', 'finish', 'noshow', 'transfer'];

function paintCurrent(cur) {
  $('cur-number').textContent = cur ? cur.ticket_number : '—';
  $('cur-service').textContent = cur ? cur.service_name : t('desk.none');
  const st = $('cur-status');
  clear(st);
  if (cur) st.appendChild(el('span', { class: 'badge tst-' + cur.status, 'data-testid': 'current-status', 'data-status': cur.status, text: statusText(cur.status) }));
  const more = [];
  if (cur) {
    if (cur.called_at) more.push(t('desk.calledat', { time: hhmm(cur.called_at) }));
    const n = C.recalls[cur.ticket_id] || 0;
    if (n) more.push(t('desk.recalls', { n }));
    more.push(t(cur.kind === 'walkin' ? 'desk.walkin' : 'desk.booking'));
    if (cur.priority) more.push(t('desk.priority'));
  }
  $('cur-more').textContent = more.join(' · ');
  $('cur').className = 'c-current' + (cur ? ' st-' + cur.status : '');
}

function paintButtons() {
  const cur = D.state && D.state.current;
  const allowed = D.state ? ALLOWED[cur ? cur.status : 'none'] || [] : [];
  BUTTONS.forEach((b) => { $('act-' + b).disabled = D.busy || allowed.indexOf(b) < 0; });
  const sel = $('transfer-service'), from = cur ? cur.service_id : '';
  if (sel.getAttribute('data-from') !== from || !sel.options.length) {  // rebuilt only when needed: it may be open
    const keep = sel.value;
    clear(sel);
    sel.appendChild(el('option', { value: '', text: t('act.transfer.pick') }));  // no default target
    (C.services || []).filter((s) => s.service_id !== from).forEach((s) => {
      sel.appendChild(el('option', { value: s.service_id, text: s.name + ' · ' + s.agency_name }));
    });
    if (keep && keep !== from) sel.value = keep;
    sel.setAttribute('data-from', from);
  }
  sel.disabled = $('act-transfer').disabled;
}

function paintQueue(st) {
  $('wait-count').textContent = t('desk.waiting', { n: st.waiting });
  const next = $('next-list');
  clear(next);
  st.next.forEach((n) => next.appendChild(el('li', { text: n })));
  if (!st.next.length) next.appendChild(el('li', { class: 'none', text: t('desk.nonext') }));
  const by = $('by-service');
  clear(by);
  Object.keys(st.waiting_by_service || {}).forEach((sid) => {
    by.appendChild(el('li', { text: t('desk.byservice', { service: serviceName(sid), n: st.waiting_by_service[sid] }) }));
  });
  const now = serverNow();  // the app's clock (DEMO_NOW too), shown in the browser's zone
  $('updated').textContent = t('desk.updated', { time: String(now.getHours()).padStart(2, '0') + ':' + String(now.getMinutes()).padStart(2, '0') + ':' + String(now.getSeconds()).padStart(2, '0') });
}

function paint() {
  const counter = counterById(C.counterId);
  $('h-desk').textContent = counter ? counter.name : '';
  if (!D.state) { paintButtons(); return; }
  paintCurrent(D.state.current);
  paintButtons();
  paintQueue(D.state);
}

async function refresh() {
  const gen = ++D.gen;
  try {
    const st = await get(counterPath(), { auth: true, retries: 0 });
    if (gen !== D.gen || C.route !== 'desk') return;
    D.state = st;
    C.today = st.date;
    if (D.failed) { D.failed = false; say(''); }
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

export async function viewDesk() {
  await ensureServices();
  paint();
  await refresh();
  schedule();
}

export function leaveDesk() { clearTimeout(D.timer); D.timer = null; D.gen++; }

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
    await refresh();
    paintButtons();
    const a = document.activeElement;
    if (!a || a === document.body || a.disabled) {
      const next = BUTTONS.map((b) => $('act-' + b)).find((b) => !b.disabled);
      if (next) next.focus();
    }
  }
}

const NUMBER = (tk) => ({ number: tk.ticket_number });

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
  $('act-noshow').addEventListener('click', () => act(async (cur) => {
    const tk = await post(ticketPath(cur.ticket_id, 'no-show'), undefined, { auth: true });
    return [['desk.noshowed', NUMBER(tk)], 'ok'];
  }));
  $('form-transfer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const to = $('transfer-service').value;
    if (!to) return;
    act(async (cur) => {
      const tk = await post(ticketPath(cur.ticket_id, 'transfer'), { service_id: to }, { auth: true });
      return [['desk.transferred', { number: tk.ticket_number, service: tk.service_name }], 'ok'];
    });
  });
  document.addEventListener('visibilitychange', () => { if (!document.hidden && C.route === 'desk') refresh(); });
}
