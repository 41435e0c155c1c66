/* Antre kiosk page: the touch screen at the mall's entrance.
   A handheld scanner types the booking code and Enter into an input that always has the focus
   (or the kiosk's camera reads the QR); a citizen without a booking picks a service; either way
   a ticket comes out of the printer. The hall QR lets phones take a number too.
   First run (or #setup, or #key=... in the address): the kiosk key, kept in localStorage. */
import { register, t, lang, setLang, applyLang, langToggle, onLangChange } from './i18n.js';
import { configure, request, get, post } from './api.js';
import { $, clear, say, sayServer, current, fieldError, submitting } from './view.js';
import { load, save, hashParams, dropFromHash, walkinsPath, walkinClosedText, priorityChoice, renderServices, hallQr } from './floor.js';
import { STRINGS } from './kiosk-strings.js';
import { cameraAvailable, openCamera, cameraOpen, initCamera } from './kiosk-camera.js';
import { showTicket, stopTicket, printTicket, holdTicket, rerenderTicket } from './kiosk-ticket.js';
import { keypad } from './kiosk-keypad.js';

const KEY = 'antre.kiosk';
const VIEWS = ['setup', 'home', 'walkin', 'ticket'];
const MESSAGE_MS = 20000;     // a message for one citizen does not greet the next
const WALKIN_IDLE_MS = 60000; // an abandoned service list goes back to the start
const REFOCUS_MS = 120;

const stored = load(KEY) || {};
const K = {
  key: stored.key || null, paper: stored.paper === '58' ? '58' : '80',
  autoprint: stored.autoprint !== false, me: stored.me || null,
  view: null, busy: false, walkins: null, idleTimer: null, msgTimer: null, tabbing: false
};

function persist() { save(KEY, { key: K.key, paper: K.paper, autoprint: K.autoprint, me: K.me }); }

function show(name) {
  K.view = name;
  VIEWS.forEach((v) => { $('view-' + v).hidden = v !== name; });
  clearTimeout(K.idleTimer);
  if (name === 'walkin') idle();
  if (name === 'home') keepFocus(); else $('h-' + name).focus();
}

// ---- the code input keeps the focus: a scanner types into whatever has it ----------------------
// (a key of the keypad or a button reached with Tab keeps it: typing still lands in the input)
function keepFocus() {
  if (K.view !== 'home' || cameraOpen()) return;
  const a = document.activeElement;
  if (a && a !== $('code') && a.matches('input, select, textarea')) return;
  if (K.tabbing && a && a !== document.body) return;
  if (a !== $('code')) $('code').focus({ preventScroll: true });
}

// Says msg (a key or an error) for a while, then clears it if nothing else was said meanwhile.
function sayAWhile(msg, kind) {
  if (msg instanceof Error) sayServer(msg); else say(msg, kind);
  const said = current();
  clearTimeout(K.msgTimer);
  K.msgTimer = setTimeout(() => {  // the same message (perhaps said again in another language)
    const now = current();
    if (said && now && now.msg === said.msg) say('');
  }, MESSAGE_MS);
}

function paintMall() {
  $('mall-name').textContent = K.me ? K.me.mall_name : '';
  document.title = t('title') + (K.me ? ' · ' + K.me.mall_name : '');
}

// ---- setup: the kiosk key ------------------------------------------------------------------
function openSetup() {
  $('paper-' + K.paper).checked = true;
  $('setup-autoprint').checked = K.autoprint;
  show('setup');
}

function keyRefused() {
  K.key = null; K.me = null;
  persist();
  hall.stop();
  paintMall();
  openSetup();
  say('setup.bad', 'err');
}

function onSetup(ev) {
  ev.preventDefault();
  const input = $('setup-key'), key = input.value.trim();
  fieldError(input, key ? null : 'v.required');
  if (!key) { input.focus(); return; }
  submitting(ev.target, async () => {
    try {
      const me = await get('v1/kiosk/me', { headers: { 'X-Kiosk-Key': key } });
      Object.assign(K, { key, me, paper: $('paper-58').checked ? '58' : '80', autoprint: $('setup-autoprint').checked });
      persist();
      input.value = '';
      dropFromHash(['setup']);
      ready();
      sayAWhile(['setup.ok', { kiosk: me.label, mall: me.mall_name }], 'ok');
    } catch (err) {
      if (err.code === 'unauthorized') { fieldError(input, 'setup.bad'); input.focus(); } else sayServer(err);
    }
  });
}

// ---- start: who this kiosk is, then the scan screen ------------------------------------------
async function start() {
  if (!K.key) { openSetup(); return; }
  try {
    K.me = await get('v1/kiosk/me', { auth: true });
    persist();
  } catch (err) {
    if (err.handled) return;            // the key was refused: setup is showing
    if (!K.me) { sayServer(err); setTimeout(start, 15000); return; }
  }
  ready();
}

function ready() {
  paintMall();
  show('home');
  hall.start();
}

// ---- check-in --------------------------------------------------------------------------------
function onScan(ev) {
  ev.preventDefault();
  const code = $('code').value.trim();
  $('code').value = '';
  if (!code) { sayAWhile('home.empty', 'err'); keepFocus(); return; }
  // a ticket's number typed, or its printed QR scanned: a no-show coming back
  if (TICKET_NO.test(code) || code.indexOf('ticket#') >= 0) { offerBack(code, TICKET_NO.test(code) ? code.toUpperCase() : ''); return; }
  checkIn(code);
}

// ---- a no-show back in line (once, within the mall's grace time) -------------------------------
const TICKET_NO = /^[A-Za-z]\s*-?\s*\d{1,4}$/;

function offerBack(ref, number) {
  K.back = ref;
  $('back-text').textContent = t('back.offer', { number });
  $('back-offer').hidden = false;
  $('back-yes').focus();
}

function closeBack() { K.back = null; $('back-offer').hidden = true; }

async function putBack() {
  if (K.busy || !K.back) return;
  K.busy = true;
  try {
    const r = await request('POST', 'v1/kiosk/requeues', { body: { ticket: K.back }, auth: true, retries: 0, full: true });
    closeBack();
    ticket(r.data, false);
  } catch (err) {
    closeBack();
    sayAWhile(err);
  } finally {
    K.busy = false;
    keepFocus();
  }
}

async function checkIn(code) {
  if (K.busy) return;
  K.busy = true;
  say('home.checking', 'info');
  try {
    // The same code always answers the same ticket, so a lost answer may be asked again.
    const r = await request('POST', 'v1/kiosk/checkins', { body: { code }, auth: true, retries: 2, full: true });
    say('');
    if (r.data.status === 'no_show' && r.data.requeue_until) { offerBack(code, r.data.ticket_number); return; }
    ticket(r.data, r.status === 200);
  } catch (err) {
    sayAWhile(err);
  } finally {
    K.busy = false;
    keepFocus();
  }
}

function ticket(tk, again) {
  show('ticket');
  showTicket(tk, { again, paper: K.paper, autoprint: K.autoprint, onBack: goHome });
}

function goHome() {
  stopTicket();
  $('code').value = '';
  if (lang() !== 'id') setLang('id');  // the next citizen starts in Bahasa Indonesia
  show('home');
}

// ---- walk-ins ----------------------------------------------------------------------------------
const prio = priorityChoice('prio', 'priority');

function idle() {
  clearTimeout(K.idleTimer);
  if (K.view === 'walkin') K.idleTimer = setTimeout(goHome, WALKIN_IDLE_MS);
}

function paintWalkins() {
  const w = K.walkins;
  if (!w) return;
  const closed = w.services.length ? walkinClosedText(w) : t('wk.none');
  $('walkin-closed').textContent = closed;
  $('walkin-closed').hidden = !closed;
  renderServices($('walkin-list'), w.services, 'button', takeWalkin);
}

async function loadWalkins() {
  try {
    K.walkins = await get(walkinsPath(K.me.mall_id));
    if (K.view === 'walkin') paintWalkins();
  } catch (err) { sayAWhile(err); }
}

function openWalkin() {
  prio.reset();
  clear($('walkin-list'));
  say('');
  show('walkin');
  loadWalkins();
}

async function takeWalkin(service) {
  if (K.busy) return;
  K.busy = true;
  say('wi.taking', 'info');
  try {
    const tk = await post('v1/kiosk/walkins', { service_id: service.service_id, priority: prio.value() }, { auth: true });
    say('');
    ticket(tk, false);
  } catch (err) {
    sayAWhile(err);
    loadWalkins();
  } finally { K.busy = false; }
}

// ---- the hall QR: a walk-in ticket on one's own phone ---------------------------------------
const hall = hallQr({
  fetch: () => post('v1/kiosk/walkin-token', undefined, { auth: true, retries: 1 }),
  box: $('hall'), holder: $('hall-qr'), label: () => t('hall.scan')
});

// ---- wiring --------------------------------------------------------------------------------------
function rerender() {
  paintMall();
  if (K.view === 'walkin') paintWalkins();
  if (K.view === 'ticket') rerenderTicket();
  hall.relabel();
}

register(STRINGS);
configure({ auth: () => (K.key ? { 'X-Kiosk-Key': K.key } : null), onUnauthorized: keyRefused });
applyLang();
langToggle($('lang-toggle'));
onLangChange(rerender);
$('walkin-prio').appendChild(prio.fieldset);
initCamera();

$('form-setup').addEventListener('submit', onSetup);
$('form-scan').addEventListener('submit', onScan);
$('back-yes').addEventListener('click', putBack);
$('back-no').addEventListener('click', () => { closeBack(); keepFocus(); });
$('code').addEventListener('blur', () => setTimeout(keepFocus, REFOCUS_MS));
keypad({ box: $('keypad'), input: $('code'), back: $('key-back'), wipe: $('key-clear') });
$('to-walkin').addEventListener('click', openWalkin);
$('walkin-back').addEventListener('click', () => show('home'));
$('ticket-print').addEventListener('click', () => { holdTicket(); printTicket(); });
$('ticket-done').addEventListener('click', goHome);
$('camera-open').addEventListener('click', () => openCamera(
  (code) => { show('home'); checkIn(code); },
  () => sayAWhile('cam.denied', 'err'),
  keepFocus));
['pointerdown', 'keydown'].forEach((ev) => document.addEventListener(ev, (e) => {
  if (ev === 'pointerdown') K.tabbing = false; else if (e.key === 'Tab') K.tabbing = true;
  idle();
  if (K.view === 'ticket') holdTicket();
}, true));
// A scan while the last ticket or an abandoned service list is showing starts a new check-in.
document.addEventListener('keydown', (ev) => {
  const typing = ev.target && ev.target.matches && ev.target.matches('input[type=text], input[type=password]');
  if ((K.view === 'ticket' || K.view === 'walkin') && !typing && /^[A-Za-z0-9]$/.test(ev.key) &&
      !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
    if (K.view === 'ticket') goHome(); else show('home');
  }
  // on the start screen with a key or button focused: the scanner's characters go to the input
  if (K.view === 'home' && !typing && /^[A-Za-z0-9-]$/.test(ev.key) && !ev.ctrlKey && !ev.metaKey && !ev.altKey) {
    $('code').focus({ preventScroll: true });
  }
}, true);
window.addEventListener('hashchange', () => { if (hashParams()._ === 'setup') openSetup(); });
cameraAvailable().then((yes) => { $('k-tools').hidden = !yes; });

const p = hashParams();
if (p.key) { K.key = p.key; K.me = null; persist(); dropFromHash(['key']); }
if (p._ === 'setup') openSetup(); else start();
