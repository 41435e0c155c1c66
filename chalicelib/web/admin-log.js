/* Antre admin page: the "Riwayat" section (the audit log, newest first: who, what, when, and
   before → after) and the "Email gagal" section (mail that failed every attempt, sent again
   on request). */
import { t, has } from './i18n.js';
import { $, el, clear, say, sayServer } from './view.js';
import { A, mallPath, enc, aget, send } from './admin-state.js';
import { table, none, fmtInstant, rowError, rowSay } from './admin-ui.js';

const STEP = 50, MAX = 500, LONG = 120;
const L = { limit: STEP, rows: null, actors: null, mall: null };

// ---- the audit log -----------------------------------------------------------------------------------
function value(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return t(v ? 'au.yes' : 'au.no');
  const words = (x) => (x !== null && typeof x === 'object' ? JSON.stringify(x) : String(x));
  const s = Array.isArray(v) ? (v.length ? v.map(words).join(', ') : '—') : words(v);
  return s.length > LONG ? s.slice(0, LONG - 1) + '…' : s;
}

// A changed field by its label on the admin page's forms ("Kapasitas per slot"), else its key.
const field = (k) => (has('au.k.' + k) ? t('au.k.' + k) : k);

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// The change as lines: "capacity: 4 → 2" for every key that changed.
function change(before, after) {
  const li = (k, text) => el('li', null, [k ? el('span', { class: 'key', text: field(k) + ': ' }) : null, text]);
  if (isObj(before) || isObj(after)) {
    const b = isObj(before) ? before : {}, a = isObj(after) ? after : {};
    const keys = Object.keys(b).concat(Object.keys(a).filter((k) => !(k in b)));
    const lines = keys.filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k])).map((k) => {
      if (!isObj(before)) return li(k, value(a[k]));
      if (!isObj(after)) return li(k, value(b[k]));
      return li(k, value(b[k]) + ' → ' + value(a[k]));
    });
    const head = !isObj(before) ? t('au.created') : !isObj(after) ? t('au.removed') : null;
    return el('div', null, [head ? el('p', { class: 'small muted', text: head }) : null, el('ul', { class: 'diff' }, lines)]);
  }
  return el('p', { text: value(before) + ' → ' + value(after) });
}

function actor(id) {
  if (A.me && id === A.me.account_id) return t('au.you');
  if (/^system:/.test(id || '')) return t('au.system');
  return (L.actors && L.actors[id]) || id;
}

function paintAudit() {
  const holder = $('audit-list');
  clear(holder);
  if (!L.rows) return;
  if (!L.rows.length) { holder.appendChild(none('au.none')); return; }
  holder.appendChild(table(t('au.title'), ['au.at', 'au.actor', 'au.action', 'au.target', 'au.change'], L.rows.map((e) => ({
    th: true, attrs: { 'data-testid': 'audit-row', 'data-action': e.action },
    cells: [fmtInstant(e.at, A.mall.timezone), actor(e.actor), has('au.a.' + e.action) ? t('au.a.' + e.action) : e.action,
      e.target, change(e.before, e.after)]
  })), { class: 'audit' }));
  $('audit-more').hidden = L.rows.length < L.limit || L.limit >= MAX;
}

async function loadAudit() {
  const gen = A.gen;
  if (!L.actors || L.mall !== A.mallId) {
    L.actors = {};
    L.mall = A.mallId;
    try { (await aget(mallPath('/staff'))).forEach((s) => { L.actors[s.account_id] = s.name + ' (' + s.email + ')'; }); } catch (e) { /* ids then */ }
  }
  const rows = await aget(mallPath('/audit?limit=' + L.limit));
  if (gen !== A.gen) return;
  L.rows = rows;
  paintAudit();
}

export async function enterAudit(arg, again) {
  if (again) { paintAudit(); return; }
  L.limit = STEP;
  L.actors = null;
  await loadAudit();
}

// ---- failed mail -------------------------------------------------------------------------------------
async function retry(button, m) {
  button.disabled = true;
  try {
    const r = await send('POST', mallPath('/mail/' + enc(m.mail_id) + '/retry'));
    if (r.status === 'sent') say(['ml.sent', { to: r.to }], 'ok'); else say(['ml.still', { error: r.last_error || '' }], 'err');
    await loadMail();
  } catch (err) { button.disabled = false; rowSay(button, err); }
}

async function loadMail() {
  const gen = A.gen;
  const list = await aget(mallPath('/mail/failed'));
  if (gen !== A.gen) return;
  const holder = $('mail-list');
  clear(holder);
  if (!list.length) { holder.appendChild(none('ml.none')); return; }
  holder.appendChild(table(t('ml.title'), ['ml.created', 'ml.kind', 'ml.to', 'ml.attempts', 'ml.error', ''], list.map((m) => ({
    th: true, attrs: { 'data-testid': 'mail-row', 'data-id': m.mail_id },
    cells: [fmtInstant(m.created_at, A.mall.timezone), has('ml.k.' + m.kind) ? t('ml.k.' + m.kind) : m.kind, m.to, String(m.attempts), m.last_error || '—',
      el('div', { class: 'row-actions' }, [el('button', { type: 'button', class: 'secondary small-button', 'data-testid': 'mail-retry',
        'aria-label': t('ml.retry.label', { to: m.to }), text: t('ml.retry'), on: { click: (ev) => retry(ev.currentTarget, m) } }), rowError()])]
  }))));
}

export async function enterMail() { await loadMail(); }

export function initLog() {
  $('audit-more').addEventListener('click', async () => {
    L.limit = Math.min(L.limit + STEP, MAX);
    try { await loadAudit(); } catch (err) { sayServer(err); }
  });
}
