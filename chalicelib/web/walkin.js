/* Antre phone walk-in page: walkin#m=<mall_id>&t=<token>, opened by scanning the QR on the
   hall's screen. Choose a service, take a number, and land on the ticket's own page. The
   ticket is remembered, so a reload shows it instead of taking another; an expired QR says
   to scan the one on the screen again. Priority numbers are given at the kiosk or by staff,
   never from a phone. The page keeps an id of this phone (the answer's cookie holds it too):
   the server gives one ticket per phone and QR. */
import { register, t, applyLang, langToggle, onLangChange } from './i18n.js';
import { configure, get, post } from './api.js';
import { $, say, sayServer, submitting } from './view.js';
import { load, save, hashParams, ticketPath, walkinsPath, walkinClosedText, renderServices } from './floor.js';
import { STRINGS } from './walkin-strings.js';

const STORE = 'antre.walkin';
const PHONE = 'antre.walkin.phone';
const FINAL = ['done', 'no_show'];
const p = hashParams();
const W = { mall: p.m || '', token: p.t || '', data: null, taken: null };

// This phone's id for the hall QR: random, kept in the browser, sent with each walk-in.
function phoneId() {
  let id = load(PHONE);
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
    const bytes = new Uint8Array(18);
    crypto.getRandomValues(bytes);
    id = btoa(String.fromCharCode.apply(null, bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    save(PHONE, id);
  }
  return id;
}

const ticketUrl = (id) => 'ticket#' + encodeURIComponent(id);

function show(name) {
  ['pick', 'taken'].forEach((v) => { $('view-' + v).hidden = v !== name; });
}

function paint() {
  if (W.taken) {
    $('taken-number').textContent = W.taken.ticket_number;
    $('taken-text').textContent = t('wp.taken', { number: W.taken.ticket_number, service: W.taken.service_name });
    $('taken-open').setAttribute('href', ticketUrl(W.taken.ticket_id));
    $('mall-name').textContent = W.taken.mall_name;
    return;
  }
  const w = W.data;
  if (!w) return;
  const closed = w.services.length ? walkinClosedText(w) : t('wk.none');
  $('closed').textContent = closed;
  $('closed').hidden = !closed;
  const keep = document.querySelector('#services input:checked');
  renderServices($('services'), w.services, 'radio');
  if (keep) { const again = $(keep.id); if (again && !again.disabled) again.checked = true; }
}

// The ticket this phone took today, if it is still in the queue.
async function keptTicket(today) {
  const kept = load(STORE);
  if (!kept || kept.mall_id !== W.mall || kept.date !== today) return null;
  try {
    const tk = await get(ticketPath(kept.ticket_id));
    return FINAL.indexOf(tk.status) < 0 ? tk : null;
  } catch (err) { return null; }
}

async function start() {
  if (!W.mall) { say('wp.notoken', 'err'); return; }
  get('v1/malls/' + encodeURIComponent(W.mall)).then((m) => {
    if (!W.taken) $('mall-name').textContent = m.name;
  }).catch(() => {});
  try {
    W.data = await get(walkinsPath(W.mall));
    W.taken = await keptTicket(W.data.date);
  } catch (err) { sayServer(err); return; }
  show(W.taken ? 'taken' : 'pick');
  if (!W.taken && !W.token) say('wp.notoken', 'err');
  paint();
}

function onTake(ev) {
  ev.preventDefault();
  const chosen = document.querySelector('#services input:checked');
  const first = document.querySelector('#services input:not(:disabled)');
  const err = $('services-err');
  err.textContent = chosen ? '' : t('wp.pick');
  err.setAttribute('data-i18n', 'wp.pick');
  err.hidden = !!chosen;
  if (!chosen) { if (first) first.focus(); return; }
  if (!W.token) { say('wp.notoken', 'err'); return; }
  submitting(ev.target, async () => {
    say('wp.taking', 'info');
    try {
      const tk = await post('v1/walkins', { token: W.token, service_id: chosen.value, phone: phoneId() });
      save(STORE, { ticket_id: tk.ticket_id, mall_id: tk.mall_id, date: tk.date });
      location.href = ticketUrl(tk.ticket_id);
    } catch (err) {
      sayServer(err);
      if (err.code === 'walkin_quota_full' || err.code === 'service_closed') {
        W.data = await get(walkinsPath(W.mall)).catch(() => W.data);
        paint();
      }
    }
  });
}

register(STRINGS);
configure({ auth: () => null });
applyLang();
langToggle($('lang-toggle'));
onLangChange(paint);
$('form-walkin').addEventListener('submit', onTake);
start();
