/* Antre kiosk page: the ticket after a check-in or a walk-in, on screen and on thermal paper
   (58 or 80 mm), printed by itself if the kiosk is set so, then back to the start screen.

   The paper copy is its own node (#print-area, laid out off screen), so its height can be
   measured and the printed page cut to the ticket's length: `@page p58 { size: 58mm <height> }`
   goes into a constructed stylesheet (CSP allows it, unlike an inline <style>); floor.css's
   fixed-length named pages p58 and p80 are the fallback. */
import { t } from './i18n.js';
import { $, el, clear, fmtDate } from './view.js';
import { get } from './api.js';
import { ticketQr, ticketPath, waitText, slotText, hhmm } from './floor.js';

const BACK_SECONDS = 15;
const QR_WAIT_MS = 4000;    // print without the QR rather than keep the citizen waiting
const PX_PER_MM = 96 / 25.4;

const T = { tk: null, again: false, qr: null, paper: '80', timer: null, left: 0, onBack: null, gen: 0 };
let pageSheet = null;

function facts(tk) {
  const rows = [[t('tk.service'), tk.service_name]];
  if (tk.status === 'waiting') {
    const slot = slotText(tk);
    if (slot) rows.push([t('tk.slotlabel'), slot]);
    rows.push([t('tk.ahead'), String(tk.people_ahead)]);
    const wait = waitText(tk);
    if (wait) rows.push([t('tk.wait'), wait]);
  }
  return el('dl', { class: 'tk-facts' }, rows.map((r) =>
    el('div', null, [el('dt', { text: r[0] }), el('dd', { text: r[1] })])));
}

// The ticket as printed (and, larger, as shown): number big, service, people ahead, wait, QR.
function ticketNode(tk, qr, screen) {
  const when = fmtDate(tk.date) + ' · ' + hhmm(tk.issued_at);
  return el('div', { class: 'tk' + (screen ? ' tk-screen' : '') }, [
    el('p', { class: 'tk-mall', text: tk.mall_name }),
    el('p', { class: 'tk-label', text: t('tk.number') }),
    el('p', { class: 'tk-num', 'data-testid': screen ? 'ticket-number' : 'print-number', text: tk.ticket_number }),
    tk.priority ? el('p', { class: 'tk-prio', text: t('tk.priority') }) : null,
    facts(tk),
    qr ? el('div', { class: 'tk-qr' }, [qr]) : null,
    qr ? el('p', { class: 'tk-follow', text: t('tkt.follow') }) : null,
    el('p', { class: 'tk-when', text: t('tkt.issued') + ' ' + when + ' · ' + t(tk.kind === 'walkin' ? 'tkt.walkin' : 'tkt.booking') })
  ]);
}

function render() {
  const tk = T.tk;
  if (!tk) return;
  const screen = $('ticket-screen'), paper = $('print-area');
  clear(screen); clear(paper);
  if (T.again) screen.appendChild(el('p', { class: 'msg info', text: t('tkt.again') }));
  const qr = T.qr ? T.qr.cloneNode(true) : null;
  if (qr) qr.setAttribute('aria-label', t('tkt.follow'));
  screen.appendChild(ticketNode(tk, qr, true));
  screen.appendChild(el('p', { class: 'k-take', text: t('tkt.take') }));
  paper.className = 'paper p' + T.paper;
  paper.appendChild(ticketNode(tk, T.qr ? T.qr.cloneNode(true) : null, false));
  paintBack();
}

// Cuts the printed page to the ticket's own length on the chosen paper width.
function sizePage() {
  const height = Math.ceil($('print-area').offsetHeight / PX_PER_MM) + 8;
  const css = '@page p' + T.paper + ' { size: ' + T.paper + 'mm ' + Math.max(height, 40) + 'mm; margin: 0; }';
  try {
    if (!pageSheet) {
      pageSheet = new CSSStyleSheet();
      document.adoptedStyleSheets = document.adoptedStyleSheets.concat([pageSheet]);
    }
    pageSheet.replaceSync(css);
  } catch (e) { /* no constructed stylesheets: floor.css's named page for the paper applies */ }
}

export function printTicket() {
  if (!T.tk) return;
  sizePage();
  try { window.print(); } catch (e) { /* no printer: the ticket stays on screen */ }
}

function paintBack() { $('ticket-back').textContent = t('tkt.back', { n: T.left }); }

function tick() {
  T.left -= 1;
  if (T.left <= 0) { const back = T.onBack; stopTicket(); if (back) back(); return; }
  paintBack();
}

// Gives the citizen the full time again (they are still reading or printing).
export function holdTicket() { if (T.tk) { T.left = BACK_SECONDS; paintBack(); } }

// opts: {again (the code was checked in before), paper ('58'|'80'), autoprint, onBack}
export async function showTicket(tk, opts) {
  stopTicket();
  const gen = ++T.gen;
  Object.assign(T, { tk, again: !!opts.again, qr: null, paper: opts.paper === '58' ? '58' : '80', onBack: opts.onBack, left: BACK_SECONDS });
  render();
  T.timer = setInterval(tick, 1000);
  // The QR, and the wait estimate the check-in and walk-in answers leave out (the ticket's
  // own route has it), before printing; neither may keep the citizen waiting long.
  const within = (promise) => Promise.race([promise.catch(() => null),
    new Promise((resolve) => setTimeout(() => resolve(null), QR_WAIT_MS))]);
  const [qr, now] = await Promise.all([within(ticketQr(tk.ticket_id)), within(get(ticketPath(tk.ticket_id)))]);
  if (gen !== T.gen) return;
  T.qr = qr;
  if (now && now.status === 'waiting' && tk.estimated_wait_minutes == null) {
    T.tk = Object.assign({}, tk, { people_ahead: now.people_ahead, estimated_wait_minutes: now.estimated_wait_minutes });
  }
  if (qr || T.tk !== tk) render();
  if (opts.autoprint) printTicket();
}

export function stopTicket() {
  T.gen++;
  if (T.timer) clearInterval(T.timer);
  T.timer = null; T.tk = null; T.qr = null;
  clear($('ticket-screen')); clear($('print-area'));
}

// A language switch while the ticket shows: its labels at once, the service's name as the
// server writes it in the new language (the answer the ticket came with is in the old one).
export async function rerenderTicket() {
  render();
  if (!T.tk) return;
  const gen = T.gen, id = T.tk.ticket_id;
  try {
    const now = await get(ticketPath(id));
    if (gen !== T.gen || !T.tk || T.tk.ticket_id !== id) return;
    T.tk = Object.assign({}, T.tk, { service_name: now.service_name });
    render();
  } catch (e) { /* the old name stays */ }
}
