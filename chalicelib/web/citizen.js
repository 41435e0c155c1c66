/* Antre citizen page: find a free time at a public service mall, book it, show the QR, manage
   bookings and waitlists, recover an account.
   The entry module: strings, API set-up, header and navigation, and the hash router.
   Plain ES modules, no build step, no framework: it must load fast on cheap phones.
   index.html already shows the first screen (what Antre is, the mall list's heading) before
   this runs; routing then shows the view the address asks for. */
import { register, t, applyLang, langToggle, onLangChange } from './i18n.js';
import { configure } from './api.js';
import { $, say, sayError, interacted } from './view.js';
import { STRINGS } from './citizen-strings.js';
import { S, go, needLogin, setRouter, loadSession, dropSession, sessionEnded, renderNav, renderWho } from './citizen-state.js';
import { initAccount, cooldowns } from './citizen-account.js';
import { ensureMalls, ensureServices, namesFor, viewMalls, viewServices, initCatalog } from './citizen-catalog.js';
import { viewSlots, initSlots } from './citizen-slots.js';
import { ensureBooking, viewBooking, viewBookings } from './citizen-bookings.js';
import { viewWait } from './citizen-waitlist.js';

const VIEWS = ['login', 'forgot', 'reset', 'register', 'verify', 'malls', 'services', 'slots', 'booking',
  'bookings', 'wait', 'account'];
const NEED_AUTH = { bookings: 1, b: 1, r: 1, w: 1, account: 1 };

// The menu button of each view (aria-current marks where the person is).
const NAV_OF = { malls: 'nav-book', services: 'nav-book', slots: 'nav-book', bookings: 'nav-bookings',
  booking: 'nav-bookings', wait: 'nav-bookings', account: 'nav-account', login: 'nav-login' };

function show(name, focus) {
  VIEWS.forEach((v) => { $('view-' + v).hidden = v !== name; });
  document.querySelectorAll('#nav button').forEach((b) => {
    if (b.id === NAV_OF[name]) b.setAttribute('aria-current', 'page'); else b.removeAttribute('aria-current');
  });
  if (focus) { const h = $('h-' + name); if (h) h.focus({ preventScroll: false }); }
}

// rerender: the same route again (language switch): keep the message and the focus.
async function route(rerender) {
  const hash = location.hash || '';
  if (hash && hash.indexOf('#/') !== 0) return;
  const parts = hash.replace(/^#\/?/, '').split('/').map((x) => {
    try { return decodeURIComponent(x); } catch (e) { return ''; }
  });
  const gen = ++S.gen;
  const same = S.route === hash;
  S.route = hash;
  if (!rerender) {
    if (S.flash) { say(S.flash.msg, S.flash.kind); S.flash = null; } else if (!same) say('');
    if (!same) S.confirming = null;
  }
  const focus = interacted() && !rerender && !same;
  if (NEED_AUTH[parts[0]] && !S.token) { needLogin(hash); return; }
  try {
    switch (parts[0]) {
      case 'login': show('login', focus); break;
      case 'forgot': show('forgot', focus); break;
      case 'reset': show('reset', focus); cooldowns(); break;
      case 'register': show('register', focus); break;
      case 'verify': show('verify', focus); cooldowns(); break;
      case 'm':
        if (parts[2] === 's' && parts[3]) {
          show('slots', focus);
          await ensureMalls(); await ensureServices(parts[1]);
          if (gen !== S.gen) return;
          const p = S.pick;
          if (!p || p.mode !== 'book' || p.mall_id !== parts[1] || p.service_id !== parts[3]) {
            S.pick = { mode: 'book', mall_id: parts[1], service_id: parts[3], date: null, start: null };
          }
          await viewSlots(gen, S.pick);
        } else {
          show('services', focus);
          if (!same) $('service-filter').value = '';
          await viewServices(gen, parts[1]);
        }
        break;
      case 'r': {
        show('slots', focus);
        const bk = await ensureBooking(parts[1]);
        await namesFor([bk]);
        if (gen !== S.gen) return;
        if (!S.pick || S.pick.mode !== 'reschedule' || S.pick.booking_id !== bk.booking_id) {
          S.pick = { mode: 'reschedule', booking_id: bk.booking_id, mall_id: bk.mall_id, service_id: bk.service_id, date: null, start: null };
        }
        await viewSlots(gen, S.pick);
        break;
      }
      case 'b': show('booking', focus); await viewBooking(gen, parts[1]); break;
      case 'w': show('wait', focus); await viewWait(gen, parts[1]); break;
      case 'bookings': show('bookings', focus); await viewBookings(gen); break;
      case 'account': show('account', focus); await (await profile()).viewAccount(gen); privacy(); break;
      case 'malls': show('malls', focus); await viewMalls(gen); break;
      default:
        go('#/malls');
    }
  } catch (err) {
    if (gen === S.gen) sayError(err);
  }
}

function paintTitle() { document.title = 'Antre – ' + t('brand.sub'); }

register(STRINGS);
configure({
  auth: () => (S.token ? { Authorization: 'Bearer ' + S.token } : null),
  onUnauthorized: sessionEnded
});
setRouter(route);
loadSession();
applyLang();
paintTitle();
langToggle($('lang-toggle'));
renderNav();
// Names, requirements and closed days come from the server in the reader's language: the
// caches are kept per language, so the same route again fetches them in the new one.
// The account screen's modules (settings, phone proof; the personal-data section) load when
// it opens, not with the first screen.
let profileLoaded = null;
function profile() {
  if (!profileLoaded) {
    profileLoaded = import('./citizen-profile.js').then((m) => { m.initProfile(); return m; });
  }
  return profileLoaded;
}
let privacyLoaded = null;
function privacy() {
  if (!privacyLoaded) privacyLoaded = import('./citizen-privacy.js').then((m) => m.initPrivacy());
  return privacyLoaded;
}

onLangChange(() => { paintTitle(); renderWho(); route(true); });

$('nav-book').addEventListener('click', () => go('#/malls'));
$('nav-bookings').addEventListener('click', () => go('#/bookings'));
$('nav-account').addEventListener('click', () => go('#/account'));
$('nav-login').addEventListener('click', () => { S.returnTo = null; go('#/login'); });
$('nav-logout').addEventListener('click', () => {
  dropSession();
  S.flash = { msg: 'logout.ok', kind: 'ok' };
  go('#/login');
});
$('skip').addEventListener('click', (ev) => { ev.preventDefault(); $('main').focus(); });
initAccount();
initCatalog();
initSlots();
window.addEventListener('hashchange', () => route());
route();
