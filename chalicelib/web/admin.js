/* Antre admin page (/admin): a mall admin (or the city's super admin) runs a mall: overview,
   services, hours, capacity, closures, staff, kiosks, statistics, the satisfaction survey (SKM),
   audit log and failed mail.
   The entry module: session, mall choice, router, menu. Each section is a module of its own. */
import { register, t, applyLang, langToggle, onLangChange } from './i18n.js';
import { configure, post } from './api.js';
import { $, el, clear, say, sayError, readForm, submitting, interacted } from './view.js';
import { STRINGS } from './admin-strings.js';
import { A, go, setRouter, loadSession, saveSession, dropSession, chooseMall, ensureMalls, ensureMall, aget, isSuper } from './admin-state.js';
import { showView, formError, formSay, clearErrors, forgetSecrets } from './admin-ui.js';
import { enterOverview, enterSettings, initOverview } from './admin-overview.js';
import { enterServices } from './admin-catalog.js';
import { enterAgency, enterService, enterCounter, initEdit } from './admin-edit.js';
import { enterHours, initHours } from './admin-hours.js';
import { enterCapacity, initCapacity } from './admin-capacity.js';
import { enterClosures, enterClosure, leaveClosure, initClosures } from './admin-closures.js';
import { enterStaff, enterKiosks, initPeople } from './admin-people.js';
import { enterStats, initStats } from './admin-stats.js';
import { enterSkm, initSkm } from './admin-skm.js';
import { enterAudit, enterMail, initLog } from './admin-log.js';

// name → the menu entry it belongs to, what shows it, and what stops its timers.
const SCREENS = {
  overview: { nav: 'overview', enter: enterOverview },
  settings: { nav: 'overview', enter: enterSettings },
  services: { nav: 'services', enter: enterServices },
  agency: { nav: 'services', enter: enterAgency },
  service: { nav: 'services', enter: enterService },
  counter: { nav: 'services', enter: enterCounter },
  retired: { nav: 'services', enter: async (arg) => (await import('./admin-retired.js')).enterRetired(arg) },
  hours: { nav: 'hours', enter: enterHours },
  capacity: { nav: 'capacity', enter: enterCapacity },
  closures: { nav: 'closures', enter: enterClosures },
  closure: { nav: 'closures', enter: enterClosure, leave: leaveClosure },
  staff: { nav: 'staff', enter: enterStaff },
  kiosks: { nav: 'kiosks', enter: enterKiosks },
  stats: { nav: 'stats', enter: enterStats },
  skm: { nav: 'skm', enter: enterSkm },
  audit: { nav: 'audit', enter: enterAudit },
  mail: { nav: 'mail', enter: enterMail }
};

function show(name, nav, again) {
  showView(name);
  document.querySelectorAll('#nav a').forEach((a) => {
    if (a.getAttribute('data-nav') === nav) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  if (!again && interacted()) { const h = $('h-' + name); if (h) h.focus(); }
}

function paintHeader() {
  const mall = A.mall && A.mall.mall_id === A.mallId ? A.mall.name : '';
  $('where').textContent = A.token ? (mall ? t('where', { mall }) : t('where.none')) : '';
  $('nav').hidden = !A.token || !A.mallId;
  $('nav').setAttribute('aria-label', t('nav.label'));
  $('nav-pick').hidden = !(isSuper() || (A.malls && A.malls.length > 1));
  document.title = t('title') + (mall ? ' · ' + mall : '');
}

let lastHash = null;

async function route(again) {
  const hash = location.hash || '';
  const parts = hash.replace(/^#\/?/, '').split('/');
  const name = parts[0];
  let arg = null;
  try { arg = parts.length > 1 ? decodeURIComponent(parts.slice(1).join('/')) : null; } catch (e) { arg = null; }
  if (!again && lastHash !== hash) {
    const prev = SCREENS[A.route];
    if (prev && prev.leave) prev.leave();
    forgetSecrets();
    say('');
  }
  lastHash = hash;
  A.route = name;
  const gen = A.gen = (A.gen || 0) + 1;  // a later route wins: an older one stops after its await
  if (A.flash) { say(A.flash.msg, A.flash.kind); A.flash = null; }
  paintHeader();
  try {
    if (!A.token) {
      if (name !== 'login') { go('#/login'); return; }
      show('login', null, again);
      return;
    }
    if (name === 'login') { go(A.mallId ? '#/overview' : '#/pick'); return; }
    if (name === 'pick') { show('pick', 'pick', again); await viewPick(); if (gen === A.gen) paintHeader(); return; }
    if (!A.mallId) { go('#/pick'); return; }
    const screen = SCREENS[name];
    if (!screen) { go('#/overview'); return; }
    await ensureMall(!again);  // fresh on every visit: another admin may have changed it
    if (gen !== A.gen) return;
    paintHeader();
    show(name, screen.nav, again);
    await screen.enter(arg, again);
  } catch (err) {
    if (gen !== A.gen) return;
    if (err.code === 'not_found' && !A.mall) { chooseMall(null); go('#/pick'); return; }
    sayError(err);
  }
}

// ---- log in --------------------------------------------------------------------------------------
function onLogin(ev) {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  const v = readForm([['login-email', 'email'], ['login-password', 'password']]);
  if (!v) return;
  submitting(form, async () => {
    say('loading', 'info');
    try {
      const r = await post('v1/sessions', { email: v.email, password: v.password });
      A.token = r.token;
      A.expires = r.expires_at || null;
      const me = await aget('v1/me');
      if (me.role !== 'admin' && me.role !== 'super') {
        dropSession();
        say('');
        formSay(form, t('login.notadmin'));
        return;
      }
      A.me = { account_id: me.account_id, name: me.name, email: me.email, role: me.role, mall_id: me.mall_id };
      const malls = await ensureMalls();
      chooseMall(malls.length === 1 ? malls[0].mall_id : null);
      saveSession();
      $('login-password').value = '';
      say('');
      go(A.mallId ? '#/overview' : '#/pick');
    } catch (err) {
      if (!A.me) { A.token = null; }
      formError(form, err);
    }
  });
}

function sessionEnded() {
  const prev = SCREENS[A.route];
  if (prev && prev.leave) prev.leave();
  dropSession();
  A.flash = { msg: 'err.unauthorized', kind: 'err' };
  go('#/login');
}

// ---- pick a mall (a super admin manages every mall) ------------------------------------------------
async function viewPick() {
  const malls = await ensureMalls();
  const list = $('mall-list');
  clear(list);
  malls.forEach((m) => {
    list.appendChild(el('li', null, [el('button', {
      type: 'button', class: 'card pick-mall' + (m.mall_id === A.mallId ? ' chosen' : ''),
      'data-testid': 'mall', 'data-mall': m.mall_id, 'aria-current': m.mall_id === A.mallId ? 'true' : null,
      on: { click: () => { chooseMall(m.mall_id); go('#/overview'); } }
    }, [el('span', { class: 'title', text: m.name }), el('span', { class: 'meta', text: m.city + ' · ' + m.mall_id })])]));
  });
  if (!malls.length) list.appendChild(el('li', { class: 'muted', text: t('pick.none') }));
}

register(STRINGS);
configure({ auth: () => (A.token ? { Authorization: 'Bearer ' + A.token } : null), onUnauthorized: sessionEnded });
setRouter(() => route(false));
loadSession();
applyLang();
langToggle($('lang-toggle'));
onLangChange(() => route(true));
initOverview();
initEdit();
initHours();
initCapacity();
initClosures();
initPeople();
initStats();
initSkm();
initLog();
$('form-login').addEventListener('submit', onLogin);
$('nav-logout').addEventListener('click', () => {
  const prev = SCREENS[A.route];
  if (prev && prev.leave) prev.leave();
  dropSession();
  A.flash = { msg: 'logout.ok', kind: 'ok' };
  go('#/login');
});
$('skip').addEventListener('click', (ev) => { ev.preventDefault(); $('main').focus(); });
window.addEventListener('hashchange', () => route(false));
route(false);
