/* Antre counter page: staff log in, pick their counter (the picker shows who holds each one
   and which are on a break; picking opens it, leaving it frees it), then call, recall, serve,
   finish, mark no-shows and transfer tickets (counter-desk.js); and book for a citizen without
   email or phone, printing the code and QR (counter-booking.js). The entry module: session,
   router, menu, the picker. */
import { register, t, applyLang, langToggle, onLangChange } from './i18n.js';
import { configure, get, post } from './api.js';
import { $, el, clear, say, sayError, readForm, submitting, interacted } from './view.js';
import { hhmm } from './floor.js';
import { STRINGS } from './counter-strings.js';
import { C, go, setRouter, loadSession, saveSession, dropSession, rememberCounter, ensureCounters, loadCounters, ensureServices, forgetServices, counterById, serviceName, openCounter, leaveCounter } from './counter-state.js';
import { viewDesk, leaveDesk, initDesk } from './counter-desk.js';
import { viewBook, initBooking } from './counter-booking.js';

const VIEWS = ['login', 'pick', 'desk', 'book'];

function show(name) {
  VIEWS.forEach((v) => { $('view-' + v).hidden = v !== name; });
  document.querySelectorAll('#nav button').forEach((b) => b.removeAttribute('aria-current'));
  const tab = $('nav-' + name);
  if (tab) tab.setAttribute('aria-current', 'page');
  if (interacted()) $('h-' + name).focus();
}

function paintHeader() {
  const mall = C.me && C.me.mall_name ? C.me.mall_name : (C.me ? C.me.mall_id : '');
  const counter = counterById(C.counterId);
  $('where').textContent = !C.me ? '' : counter ? t('where.counter', { counter: counter.name, mall }) : t('where.mall', { mall });
  $('nav').hidden = !C.token;
  $('nav-desk').hidden = $('nav-book').hidden = !C.counterId;
  document.title = t('title') + (counter ? ' · ' + counter.name : '');
}

async function route() {
  const name = (location.hash || '').replace(/^#\/?/, '');
  const entering = C.route !== name;
  if (C.route === 'desk' && name !== 'desk') leaveDesk();
  if (C.route === 'pick' && name !== 'pick') leavePick();
  C.route = name;
  if (C.flash) { say(C.flash.msg, C.flash.kind); C.flash = null; } else if (entering) say('');  // the last view's news
  if (!C.token) { if (name !== 'login') { go('#/login'); return; } }
  paintHeader();
  try {
    if (name === 'login') {
      if (C.token) { go('#/pick'); return; }
      show('login');
    } else if (name === 'pick') {
      show('pick');
      await viewPick();
    } else if (name === 'desk' || name === 'book') {
      await ensureCounters();
      if (!counterById(C.counterId)) { go('#/pick'); return; }
      paintHeader();
      show(name);
      if (name === 'desk') await viewDesk(entering); else await viewBook();
    } else go(C.counterId ? '#/desk' : '#/pick');
  } catch (err) { sayError(err); }
}

// ---- log in ------------------------------------------------------------------------------------
function onLogin(ev) {
  ev.preventDefault();
  const v = readForm([['login-email', 'email'], ['login-password', 'password']]);
  if (!v) return;
  submitting(ev.target, async () => {
    say('loading', 'info');
    try {
      const r = await post('v1/sessions', { email: v.email, password: v.password });
      C.token = r.token;
      const me = await get('v1/me', { auth: true });
      if ((me.role !== 'staff' && me.role !== 'admin') || !me.mall_id) {
        dropSession();
        say('login.notstaff', 'err');
        return;
      }
      const mall = await get('v1/malls/' + encodeURIComponent(me.mall_id)).catch(() => null);
      C.me = Object.assign({}, me, { mall_name: mall ? mall.name : me.mall_id });
      C.mall = mall;
      saveSession(r.expires_at);
      $('login-password').value = '';
      say('');
      go(C.counterId ? '#/desk' : '#/pick');
    } catch (err) {
      if (!C.me) C.token = null;
      sayError(err);
    }
  });
}

function sessionEnded() {
  leaveDesk();
  dropSession();
  C.flash = { msg: 'err.unauthorized', kind: 'err' };
  go('#/login');
}

// ---- pick a counter ------------------------------------------------------------------------------
const PICK_REFRESH_MS = 15000;
const K = { timer: null, takeover: null };

function counterState(c) {
  if (c.mine) return 'mine';
  if (c.staff_name) return 'taken';
  return 'free';
}

function stateText(c) {
  const since = c.opened_at ? hhmm(c.opened_at) : '';
  let text = c.mine ? t('pick.mine', { time: since }) : c.staff_name ? t('pick.taken', { name: c.staff_name, time: since }) : t('pick.free');
  if (c.on_break) text += ' · ' + t('pick.onbreak', { time: c.break_since ? hhmm(c.break_since) : '' });
  return text;
}

function paintPick(counters) {
  const list = $('counter-list');
  clear(list);
  counters.forEach((c) => {
    const state = counterState(c);
    list.appendChild(el('li', null, [el('button', {
      type: 'button', class: 'card pick-counter pk-' + state + (c.on_break ? ' pk-break' : '') + (c.counter_id === C.counterId ? ' chosen' : ''),
      'data-testid': 'counter', 'data-counter': c.counter_id, 'data-state': state,
      'data-break': c.on_break ? 'true' : 'false',
      'aria-current': c.counter_id === C.counterId ? 'true' : null,
      on: { click: () => choose(c) }
    }, [
      el('span', { class: 'title', text: c.name }),
      el('span', { class: 'pk-state', 'data-testid': 'counter-state', text: stateText(c) }),
      el('span', { class: 'meta', text: t('pick.services', { services: c.service_ids.map(serviceName).join(', ') }) })
    ])]));
  });
  paintTakeover();
}

function paintTakeover() {
  const c = K.takeover;
  $('takeover').hidden = !c;
  if (c) $('takeover-text').textContent = t('pick.takeover', { counter: c.name, name: c.staff_name });
}

// A counter someone else holds is taken over only after saying so (a shift change, or a
// colleague who left without leaving it); the others are opened at once.
function choose(c) {
  if (c.staff_name && !c.mine) {
    K.takeover = c;
    paintTakeover();
    $('takeover').focus();
    return;
  }
  pickCounter(c);
}

async function pickCounter(c) {
  K.takeover = null;
  paintTakeover();
  say('loading', 'info');
  try {
    const prev = C.counterId;
    if (prev && prev !== c.counter_id) await leaveCounter(prev);
    await openCounter(c.counter_id);
    rememberCounter(c.counter_id);
    C.counters = null;  // read again with this staff member on it
    say('');
    go('#/desk');
  } catch (err) { sayError(err); }
}

async function refreshPick() {
  try {
    const counters = await loadCounters();
    if (C.route === 'pick') paintPick(counters);
  } catch (err) { if (!err.handled) sayError(err); }
}

function schedulePick() {
  clearTimeout(K.timer);
  K.timer = setTimeout(async () => {
    if (C.route !== 'pick') return;
    if (!document.hidden) await refreshPick();
    schedulePick();
  }, PICK_REFRESH_MS);
}

function leavePick() { clearTimeout(K.timer); K.timer = null; K.takeover = null; }

async function viewPick() {
  const [counters] = await Promise.all([loadCounters(), ensureServices()]);
  paintPick(counters);
  schedulePick();
}

register(STRINGS);
configure({ auth: () => (C.token ? { Authorization: 'Bearer ' + C.token } : null), onUnauthorized: sessionEnded });
setRouter(route);
loadSession();
applyLang();
langToggle($('lang-toggle'));
onLangChange(() => { forgetServices(); route(); });  // service names come in the new language
initDesk();
initBooking();
$('form-login').addEventListener('submit', onLogin);
$('nav-desk').addEventListener('click', () => go('#/desk'));
$('nav-book').addEventListener('click', () => go('#/book'));
$('nav-pick').addEventListener('click', () => go('#/pick'));
$('nav-logout').addEventListener('click', async () => {
  await leaveDesk();  // a no-show under its undo bar is sent first
  await leaveCounter(C.counterId);
  dropSession();
  C.flash = { msg: 'logout.ok', kind: 'ok' };
  go('#/login');
});
$('takeover-yes').addEventListener('click', () => { if (K.takeover) pickCounter(K.takeover); });
$('takeover-no').addEventListener('click', () => {
  const c = K.takeover;
  K.takeover = null;
  paintTakeover();
  const card = c && document.querySelector('[data-testid="counter"][data-counter="' + c.counter_id + '"]');
  if (card) card.focus();
});
$('skip').addEventListener('click', (ev) => { ev.preventDefault(); $('main').focus(); });
window.addEventListener('hashchange', route);
route();
