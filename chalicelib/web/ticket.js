/* Antre ticket page: a queue number followed on a cheap phone (ticket#<ticket_id>, from the
   QR printed on the ticket). Polls every 10 s until the ticket is done; follows a transfer to
   the new ticket by itself. Tiny on purpose: one small request per poll, nothing else; once
   the ticket is done, the satisfaction survey's module is loaded (ticket-survey.js). */
import { register, t, applyLang, langToggle, onLangChange } from './i18n.js';
import { configure, get, serverNow } from './api.js';
import { $, el, clear, say } from './view.js';
import { ticketPath, statusText, waitText, slotText } from './floor.js';
import { STRINGS } from './ticket-strings.js';

const POLL_MS = 10000;
const HIDDEN_POLL_MS = 30000;   // a phone in a pocket asks less often
const FINAL = ['done', 'no_show'];
const P = { id: null, tk: null, timer: null, moved: false, errored: false, gen: 0, at: null };

const idFromHash = () => decodeURIComponent((location.hash || '').replace(/^#\/?/, '').split('&')[0] || '');

function paint() {
  const tk = P.tk;
  if (!tk) return;
  $('view-ticket').hidden = false;
  $('mall-name').textContent = tk.mall_name;
  $('number').textContent = tk.ticket_number;
  $('service').textContent = tk.service_name;
  const st = $('state');
  st.textContent = statusText(tk.status);
  st.className = 'badge tst-' + tk.status;
  st.setAttribute('data-status', tk.status);
  const goto = $('goto'), at = tk.counter_name;
  const showGoto = (tk.status === 'called' || tk.status === 'serving') && at;
  goto.hidden = !showGoto;
  goto.textContent = !showGoto ? '' : tk.status === 'called' ? t('tp.called') + ' ' + t('tk.goto', { counter: at }) : t('tp.serving', { counter: at });
  const facts = $('facts');
  clear(facts);
  if (tk.status === 'waiting') {
    [[t('tk.slotlabel'), slotText(tk)], [t('tk.ahead'), String(tk.people_ahead)],
     [t('tk.wait'), waitText(tk)]].forEach((r) => {
      if (r[1]) facts.appendChild(el('div', null, [el('dt', { text: r[0] }), el('dd', { text: r[1] })]));
    });
  }
  const nudged = tk.status === 'waiting' && tk.nudge;
  $('nudge').hidden = !nudged;
  $('nudge').textContent = nudged ? t('tp.nudge', { number: tk.ticket_number }) : '';
  const note = { waiting: 'tp.waiting', done: 'tp.done', no_show: 'tp.no_show' }[tk.status];
  const back = tk.status === 'no_show' && tk.requeue_until;
  $('note').textContent = back ? t('tp.no_show') + ' ' + t('tp.requeue', { time: tk.requeue_until.slice(11, 16) })
    : note ? t(note) : '';
  $('updated').textContent = P.at ? t('tp.updated', { time: P.at }) : '';
  $('refresh').hidden = FINAL.indexOf(tk.status) >= 0;
  document.title = nudged ? t('tp.nudge.title', { number: tk.ticket_number })
    : tk.ticket_number + ' · ' + statusText(tk.status);
  if (tk.status === 'done') survey(tk.ticket_id);
}

// the satisfaction survey, loaded only once a ticket is done (the first load stays light)
let surveyLoaded = null;
function survey(ticketId) {
  if (!surveyLoaded) surveyLoaded = import('./ticket-survey.js');
  surveyLoaded.then((m) => m.showSurvey(ticketId)).catch((err) => say(err, 'err'));
}

// told once per ticket (this phone remembers it): vibration where the phone allows, a short
// tone where the browser lets a page play one (no sound file: the page stays light)
function tellOnce(tk) {
  const key = 'antre-nudged-' + tk.ticket_id;
  try { if (localStorage.getItem(key)) return; localStorage.setItem(key, '1'); } catch (e) { /* private mode */ }
  if (navigator.vibrate) navigator.vibrate([300, 120, 300, 120, 300]);
  try {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    const ctx = new Ctx(), tone = ctx.createOscillator(), gain = ctx.createGain();
    tone.frequency.value = 880; gain.gain.value = 0.2;
    tone.connect(gain); gain.connect(ctx.destination);
    tone.start(); tone.stop(ctx.currentTime + 0.6);
  } catch (e) { /* no sound without a gesture: the banner and title still say it */ }
}

function stamp() {
  const d = serverNow(), two = (n) => String(n).padStart(2, '0');
  return two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
}

async function poll() {
  clearTimeout(P.timer);
  const gen = ++P.gen;
  if (!P.id) { say('tp.noid', 'err'); return; }
  try {
    const tk = await get(ticketPath(P.id));
    if (gen !== P.gen) return;
    if (tk.status === 'transferred' && tk.transferred_to) {  // follow the citizen to the new queue
      P.id = tk.transferred_to;
      P.moved = true;
      try { history.replaceState(null, '', '#' + encodeURIComponent(P.id)); } catch (e) { /* ignore */ }
      poll();
      return;
    }
    const was = P.tk && P.tk.status;
    P.tk = tk;
    P.at = stamp();
    if (P.errored) { P.errored = false; say(''); }
    if (P.moved) { P.moved = false; say(['tp.moved', { service: tk.service_name, number: tk.ticket_number }], 'info'); }
    else if (tk.status === 'called' && was && was !== 'called' && navigator.vibrate) navigator.vibrate([400, 150, 400]);
    if (tk.status === 'waiting' && tk.nudge) tellOnce(tk);
    paint();
    if (FINAL.indexOf(tk.status) >= 0) return;
  } catch (err) {
    if (gen !== P.gen) return;
    if (err.code === 'not_found') { say('tp.notfound', 'err'); return; }
    P.errored = true;
    say(err, 'err');  // the network dropped: keep trying
  }
  P.timer = setTimeout(poll, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
}

register(STRINGS);
configure({ auth: () => null });
applyLang();
langToggle($('lang-toggle'));
onLangChange(() => { paint(); if (P.id) poll(); });  // the service's name comes in the new language
$('refresh').addEventListener('click', poll);
document.addEventListener('visibilitychange', () => { if (!document.hidden && P.tk && FINAL.indexOf(P.tk.status) < 0) poll(); });
window.addEventListener('hashchange', () => {
  const id = idFromHash();
  if (id && id !== P.id) { P.id = id; P.tk = null; say(''); poll(); }
});
P.id = idFromHash();
poll();
