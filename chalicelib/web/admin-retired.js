/* Antre admin page: the bookings a service still holds (a retired one's above all): each can be
   moved to another date and time or cancelled; the citizen is emailed either way, and an
   untouched booking simply stays. */
import { t } from './i18n.js';
import { $, el, clear, say, fmtDate } from './view.js';
import { mallPath, enc, send, aget, serviceById } from './admin-state.js';
import { table, none, confirmIn, rowError, rowSay } from './admin-ui.js';

let shown = null;

function moveForm(b) {
  const date = el('input', { type: 'date', value: b.date, 'aria-label': t('rb.date'), 'data-testid': 'rb-date' });
  const start = el('input', { type: 'time', value: b.start, step: '60', 'aria-label': t('rb.time'), 'data-testid': 'rb-time' });
  const move = el('button', { type: 'button', class: 'secondary', 'data-testid': 'rb-move', text: t('rb.move') });
  const holder = el('div', { class: 'confirm-holder', hidden: true });
  const cancel = el('button', { type: 'button', class: 'link-button danger-text', 'data-testid': 'rb-cancel', text: t('rb.cancel') });
  move.addEventListener('click', async () => {
    move.disabled = true;
    try {
      await send('POST', mallPath('/bookings/' + enc(b.code) + '/reschedule'), { date: date.value, start: start.value });
      say(['rb.moved', { code: b.code }], 'ok');
      await paint();
    } catch (err) { rowSay(move, err); } finally { move.disabled = false; }
  });
  cancel.addEventListener('click', () => confirmIn(holder, t('rb.cancel.confirm', { code: b.code }), 'rb.cancel.yes', async () => {
    await send('POST', mallPath('/bookings/' + enc(b.code) + '/cancel'));
    say(['rb.cancelled', { code: b.code }], 'ok');
    await paint();
  }, 'rb-confirm'));
  return el('div', { class: 'row-actions' }, [date, start, move, cancel, holder, rowError()]);
}

async function paint() {
  const service = serviceById(shown);
  $('h-retired').textContent = t('rb.title', { service: service ? service.name : shown });
  $('rb-lead').textContent = t(service && service.retired ? 'rb.lead.retired' : 'rb.lead');
  const holder = $('rb-table');
  const list = await aget(mallPath('/services/' + enc(shown) + '/bookings'));
  clear(holder);
  if (!list.length) { holder.appendChild(none('rb.none')); return; }
  holder.appendChild(table(t('rb.list'), ['rb.code', 'rb.when', 'rb.holder', ''], list.map((b) => ({
    th: true, attrs: { 'data-testid': 'rb-row', 'data-code': b.code },
    cells: [b.code, fmtDate(b.date, true) + ' ' + b.start + '–' + b.end, b.holder_name || t(b.assisted ? 'rb.assisted' : 'rb.own'), moveForm(b)]
  }))));
}

export async function enterRetired(serviceId) { shown = serviceId; await paint(); }
