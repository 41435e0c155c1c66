/* Antre call display: the TV in the hall (display#kota-bogor or display?mall=kota-bogor).
   Polls the display route every 2 s with If-None-Match (304 while nothing changed); shows
   who is being served where, the last calls and a clock; each new call flashes and is
   announced (display-voice.js). With #kota-bogor&key=<display key> it shows the hall QR too:
   the TV's own key (the admin page makes it, kind "display"), which only mints that QR; a
   kiosk's key is refused by v1/display/walkin-token and then forgotten here. */
import { register, t, lang, applyLang, langToggle, onLangChange } from './i18n.js';
import { configure, get, post, getIfChanged, serverNow } from './api.js';
import { $, el, clear, say } from './view.js';
import { load, save, hashParams, dropFromHash, hhmm, hallQr } from './floor.js';
import { STRINGS } from './display-strings.js';
import { announce, announcementText, enableSound, watchVoice } from './display-voice.js';

const POLL_MS = 2000;
const FLASH_MS = 8000;
const MAX_BURST = 6;   // after an outage, announce the latest few calls, not a backlog
const OFFLINE_AFTER = 3;
const KEY = 'antre.display.key';
const SOUND_KEY = 'antre.display.sound';  // sound was turned on here: turn it on again after a reload

const params = hashParams();
const D = {
  mall: params._ || params.m || params.mall || new URLSearchParams(location.search).get('mall') || '',
  key: params.key || load(KEY), tz: 'Asia/Jakarta',
  etag: null, data: null, seen: null, hero: null, flashing: null, failures: 0
};

// ---- painting ----------------------------------------------------------------------------------
function paintHero() {
  const c = D.hero;
  $('hero-number').textContent = c ? c.ticket_number : '—';
  $('hero-counter').textContent = c ? c.counter : '';
  const serving = c && D.data && D.data.now_serving.find((s) => s.counter_id === c.counter_id && s.ticket_number === c.ticket_number);
  $('hero-service').textContent = serving ? serving.service_name : '';
  $('hero').classList.toggle('flash', !!c && D.flashing === c.id);
}

function paint() {
  const d = D.data;
  if (!d) return;
  $('mall-name').textContent = d.mall_name;
  document.title = t('title') + ' · ' + d.mall_name;
  const rows = $('serving');
  clear(rows);
  d.now_serving.forEach((s) => {
    const now = D.flashing && D.hero && D.hero.counter_id === s.counter_id && D.hero.ticket_number === s.ticket_number;
    rows.appendChild(el('li', { class: 'tv-row st-' + s.status + (now ? ' now' : ''), 'data-testid': 'serving-row', 'data-counter': s.counter_id }, [
      el('span', { class: 'tv-row-num', text: s.ticket_number }),
      el('span', { class: 'tv-row-ctr', text: s.counter }),
      el('span', { class: 'tv-row-svc', text: s.service_name })
    ]));
  });
  (d.on_break || []).forEach((b) => {
    rows.appendChild(el('li', { class: 'tv-row st-break', 'data-testid': 'break-row', 'data-counter': b.counter_id }, [
      el('span', { class: 'tv-row-num', text: '—' }),
      el('span', { class: 'tv-row-ctr', text: b.counter }),
      el('span', { class: 'tv-row-svc', text: t('tv.break') })
    ]));
  });
  $('serving-none').hidden = d.now_serving.length > 0 || (d.on_break || []).length > 0;
  const calls = $('recent');
  clear(calls);
  (d.earlier || []).forEach((c) => {
    calls.appendChild(el('li', { 'data-testid': 'recent-call' }, [
      el('span', { class: 'tv-call-num', text: c.ticket_number }),
      el('span', { class: 'tv-call-ctr', text: c.counter }),
      el('span', { class: 'tv-call-time', text: hhmm(c.called_at) })
    ]));
  });
  const next = $('next');
  clear(next);
  (d.next || []).forEach((n) => next.appendChild(el('li', { 'data-testid': 'next-number', text: n })));
  $('next-box').hidden = !(d.next || []).length;
  paintHero();
}

// ---- what is new since the last poll ---------------------------------------------------------------
function take(d) {
  D.data = d;
  const oldestFirst = d.recent.slice().reverse();
  if (!D.seen) {  // the first load: show the last call, announce nothing
    D.seen = new Set(oldestFirst.map((c) => c.id));
    D.hero = d.recent[0] || null;
    paint();
    return;
  }
  const fresh = oldestFirst.filter((c) => !D.seen.has(c.id));
  D.seen = new Set(oldestFirst.map((c) => c.id));
  paint();
  fresh.slice(-MAX_BURST).forEach((c) => announce({
    text: announcementText(c),
    onStart: () => { D.hero = c; D.flashing = c.id; paint(); },
    onEnd: () => setTimeout(() => { if (D.flashing === c.id) { D.flashing = null; paint(); } }, FLASH_MS)
  }));
}

async function poll() {
  try {
    const r = await getIfChanged('v1/malls/' + encodeURIComponent(D.mall) + '/display', D.etag, { retries: 0 });
    if (D.failures >= OFFLINE_AFTER) say('');
    D.failures = 0;
    if (!r.notModified) { D.etag = r.etag; take(r.data); }
  } catch (err) {
    D.failures += 1;
    if (err.code === 'not_found') say('tv.nomall', 'err');
    else if (D.failures >= OFFLINE_AFTER) say('tv.offline', 'err');
  }
  setTimeout(poll, POLL_MS);
}

// ---- the clock, in the mall's own zone ------------------------------------------------------------
function tick() {
  const now = serverNow(), locale = lang() === 'en' ? 'en-GB' : 'id-ID';
  try {
    $('clock').textContent = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: D.tz }).format(now);
    $('today').textContent = new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: D.tz }).format(now);
  } catch (e) { $('clock').textContent = now.toTimeString().slice(0, 5); }
}

// ---- sound: one gesture, remembered; re-armed by itself where the browser allows ------------------
function soundOn() {
  $('sound').hidden = true;
  document.removeEventListener('click', unlock, true);
  document.removeEventListener('keydown', unlock, true);
}

function unlock() {
  enableSound();
  save(SOUND_KEY, true);
  soundOn();
}

// After a reload: a TV started with --autoplay-policy=no-user-gesture-required plays at once;
// any other browser waits for a gesture, so the button comes back.
async function rearm() {
  if (!load(SOUND_KEY)) return;
  $('sound').hidden = true;  // no flash of the button while the browser is asked
  if (await enableSound()) soundOn(); else $('sound').hidden = false;
}

register(STRINGS);
configure({ auth: () => null });
applyLang();
langToggle($('lang-toggle'));
onLangChange(() => { D.etag = null; paint(); tick(); hall.relabel(); });
document.addEventListener('click', unlock, true);
document.addEventListener('keydown', unlock, true);
rearm();
watchVoice((yes) => { $('voice-warn').hidden = yes; });

if (params.key) { save(KEY, params.key); dropFromHash(['key']); }
const hall = hallQr({
  fetch: () => post('v1/display/walkin-token', undefined, { headers: { 'X-Display-Key': D.key }, retries: 1 }),
  box: $('hall'), holder: $('hall-qr'), label: () => t('tv.hall.scan'),
  onRefused: () => { D.key = null; save(KEY, null); }
});

if (!D.mall) say('tv.nomall', 'err');
else {
  get('v1/malls/' + encodeURIComponent(D.mall)).then((m) => {
    D.tz = m.timezone || D.tz;
    if (!D.data) $('mall-name').textContent = m.name;
    tick();
  }).catch(() => {});
  poll();
  if (D.key) hall.start();
}
tick();
setInterval(tick, 1000);
