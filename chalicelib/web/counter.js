/* Antre counter page: staff log in, pick their counter, then call, recall, serve, finish,
   mark no-shows and transfer tickets (counter-desk.js); and book for a citizen without email or
   phone, printing the code and QR (counter-booking.js). The entry module: session, router, menu. */
import { register, t, applyLang, langToggle, onLangChange } from './i18n.js';
import { configure, get, post } from './api.js';
import { $, el, clear, say, sayError, readForm, submitting, interacted } from './view.js';
import { STRINGS } from './counter-strings.js';
import { C, go, setRouter, loadSession, saveSession, dropSession, rememberCounter, ensureCounters, ensureServices, counterById, serviceName } from './counter-state.js';
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
  if (C.route === 'desk' && name !== 'desk') leaveDesk();
  C.route = name;
  if (C.flash) { say(C.flash.msg, C.flash.kind); C.flash = null; }
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
      if (name === 'desk') await viewDesk(); else await viewBook();
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
async function viewPick() {
  const [counters] = await Promise.all([ensureCounters(), ensureServices()]);
  const list = $('counter-list');
  clear(list);
  counters.forEach((c) => {
    list.appendChild(el('li', null, [el('button', {
      type: 'button', class: 'card pick-counter' + (c.counter_id === C.counterId ? ' chosen' : ''),
      'data-testid': 'counter', 'data-counter': c.counter_id,
      'aria-current': c.counter_id === C.counterId ? 'true' : null,
      on: { click: () => { rememberCounter(c.counter_id); say(''); go('#/desk'); } }
    }, [
      el('span', { class: 'title', text: c.name }),
      el('span', { class: 'meta', text: t('pick.services', { services: c.service_ids.map(serviceName).join(', ') }) })
    ])]));
  });
}

register(STRINGS);
configure({ auth: () => (C.token ? { Authorization: 'Bearer ' + C.token } : null), onUnauthorized: sessionEnded });
setRouter(route);
loadSession();
applyLang();
langToggle($('lang-toggle'));
onLangChange(() => route());
initDesk();
initBooking();
$('form-login').addEventListener('submit', onLogin);
$('nav-desk').addEventListener('click', () => go('#/desk'));
$('nav-book').addEventListener('click', () => go('#/book'));
$('nav-pick').addEventListener('click', () => go('#/pick'));
$('nav-logout').addEventListener('click', () => {
  leaveDesk();
  dropSession();
  C.flash = { msg: 'logout.ok', kind: 'ok' };
  go('#/login');
});
$('skip').addEventListener('click', (ev) => { ev.preventDefault(); $('main').focus(); });
window.addEventListener('hashchange', route);
route();
