/* Antre admin page: the "Jam buka" section: the weekly hours with their breaks (Friday prayer),
   and a date's own hours (e.g. 09:00-12:00 only on 24 December). Closing whole days is a
   closure (admin-closures.js), which also moves the bookings inside. */
import { t } from './i18n.js';
import { $, el, clear, say, readForm, submitting, fieldError, focus, addDays, fmtDate } from './view.js';
import { A, mallPath, enc, send, changed, today } from './admin-state.js';
import { field, formError, clearErrors, R, parseBreaks, breaksText, hoursText, table, none, confirmIn } from './admin-ui.js';

const DAYS = [0, 1, 2, 3, 4, 5, 6];
const id = (d, what) => 'wh-' + d + '-' + what;

function buildWeek() {
  const holder = $('week-days');
  holder.appendChild(el('p', { class: 'hint', id: 'wh-breaks-hint', 'data-i18n': 'hr.breaks.hint', text: t('hr.breaks.hint') }));
  DAYS.forEach((d) => {
    const on = el('input', { type: 'checkbox', id: id(d, 'on'), 'data-testid': 'day-open-' + d });
    const times = el('div', { class: 'day-row' }, [
      el('label', { class: 'check', for: id(d, 'on') }, [on, el('span', { 'data-i18n': 'hr.isopen', text: t('hr.isopen') })]),
      field({ id: id(d, 'open'), name: 'open', label: 'hr.open', type: 'time', field: 'weekly_hours.' + d, attrs: { 'data-testid': 'day-from-' + d } }),
      field({ id: id(d, 'close'), name: 'close', label: 'hr.close', type: 'time', field: 'weekly_hours.' + d + '.close', attrs: { 'data-testid': 'day-to-' + d } }),
      field({ id: id(d, 'breaks'), name: 'breaks', label: 'hr.breaks', field: 'weekly_hours.' + d + '.breaks',
        attrs: { autocomplete: 'off', 'data-testid': 'day-breaks-' + d, 'aria-describedby': 'wh-breaks-hint ' + id(d, 'breaks') + '-err' } })]);
    on.addEventListener('change', () => enableDay(d));
    holder.appendChild(el('fieldset', { class: 'day', 'data-testid': 'day-' + d }, [
      el('legend', { 'data-i18n': 'wd.' + d, text: t('wd.' + d) }),
      times]));
  });
}

function enableDay(d) {
  const on = $(id(d, 'on')).checked;
  ['open', 'close', 'breaks'].forEach((w) => { $(id(d, w)).disabled = !on; });
}

function fillWeek(m) {
  DAYS.forEach((d) => {
    const h = m.weekly_hours[String(d)];
    $(id(d, 'on')).checked = !!h;
    $(id(d, 'open')).value = h ? h.open : '08:00';
    $(id(d, 'close')).value = h ? h.close : '15:00';
    $(id(d, 'breaks')).value = h ? breaksText(h.breaks) : '';
    enableDay(d);
  });
  $('hr-holidays').checked = !!m.closed_on_holidays;
}

function onWeek(ev) {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  const open = DAYS.filter((d) => $(id(d, 'on')).checked);
  const v = readForm([].concat.apply([], open.map((d) => [[id(d, 'open'), 'time'], [id(d, 'close'), 'time'], [id(d, 'breaks'), 'breaks']])), R);
  if (!v) return;
  const week = {};
  for (const d of open) {
    const o = $(id(d, 'open')).value, c = $(id(d, 'close')).value;
    if (o >= c) { fieldError($(id(d, 'close')), 'v.order'); say('v.fix', 'err'); focus($(id(d, 'close'))); return; }
    week[String(d)] = { open: o, close: c, breaks: parseBreaks($(id(d, 'breaks')).value) };
  }
  submitting(form, async () => {
    try {
      changed(await send('PATCH', mallPath(), { weekly_hours: week, closed_on_holidays: $('hr-holidays').checked }));
      fillWeek(A.mall);
      say('hr.week.saved', 'ok');
    } catch (err) { formError(form, err); }
  });
}

// ---- a date's own hours ---------------------------------------------------------------------------
function paintSpecial() {
  const holder = $('special-list');
  clear(holder);
  const days = Object.keys(A.mall.special_hours).sort();
  if (!days.length) { holder.appendChild(none('hr.special.none')); return; }
  holder.appendChild(table(t('hr.special.list'), ['f.date', 'hr.hours', ''], days.map((d) => {
    const confirm = el('div', { class: 'confirm-holder', hidden: true });
    const del = el('button', { type: 'button', class: 'link-button danger-text', 'data-testid': 'special-delete',
      'aria-label': t('tbl.delete.label', { name: fmtDate(d) }), text: t('tbl.delete') });
    del.addEventListener('click', () => confirmIn(confirm, t('hr.special.delete.confirm', { date: fmtDate(d) }), 'tbl.delete.yes', async () => {
      changed(await send('DELETE', mallPath('/special-hours/' + enc(d))));
      say(['hr.special.deleted', { date: fmtDate(d) }], 'ok');
      paintSpecial();
    }));
    return { th: true, attrs: { 'data-testid': 'special-row', 'data-date': d }, cells: [fmtDate(d), hoursText(A.mall.special_hours[d]), el('div', { class: 'row-actions' }, [del, confirm])] };
  })));
}

function onSpecial(ev) {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  const v = readForm([['sp-date', 'date'], ['sp-open', 'time'], ['sp-close', 'time'], ['sp-breaks', 'breaks']], R);
  if (!v) return;
  if (v.open >= v.close) { fieldError($('sp-close'), 'v.order'); say('v.fix', 'err'); focus($('sp-close')); return; }
  submitting(form, async () => {
    try {
      changed(await send('PUT', mallPath('/special-hours/' + enc(v.date)), { open: v.open, close: v.close, breaks: parseBreaks(v.breaks) }));
      say(['hr.special.saved', { date: fmtDate(v.date), hours: hoursText(A.mall.special_hours[v.date]) }], 'ok');
      paintSpecial();
    } catch (err) { formError(form, err); }
  });
}

export async function enterHours(arg, again) {
  paintSpecial();
  if (again) return;
  clearErrors($('form-week'));
  clearErrors($('form-special'));
  fillWeek(A.mall);
  const date = $('sp-date');
  date.min = today();
  if (!date.value || date.value < today()) date.value = addDays(today(), 1);
}

export function initHours() {
  buildWeek();
  $('form-week').addEventListener('submit', onWeek);
  $('form-special').addEventListener('submit', onSpecial);
}
