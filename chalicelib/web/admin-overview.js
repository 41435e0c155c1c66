/* Antre admin page: the overview (the mall at a glance, what needs attention, the days ahead
   that are closed or have their own hours) and the form for the mall's data and booking rules. */
import { t } from './i18n.js';
import { $, el, clear, say, readForm, submitting, fmtDate, zoneAbbr } from './view.js';
import { A, go, mallPath, aget, send, changed, today } from './admin-state.js';
import { field, formError, clearErrors, R, bounds, hoursText, weekday } from './admin-ui.js';

// ---- the overview ------------------------------------------------------------------------------
function facts(m) {
  const online = m.services.filter((s) => s.online).length;
  return [
    ['ov.name', m.name], ['ov.city', m.city], ['ov.address', m.address],
    ['ov.zone', zoneAbbr(m.timezone) + ' (' + m.timezone + ')'],
    ['ov.today', fmtDate(today())],
    ['ov.catalog', t('ov.catalog.text', { a: m.agencies.length, s: m.services.length, o: online, c: m.counters.length })],
    ['ov.capacity', m.capacity_percent + '%'],
    ['ov.window', t('ov.window.text', { lead: m.min_lead_minutes, days: m.max_days_ahead })],
    ['ov.checkin', t('ov.checkin.text', { early: m.checkin_early_minutes, late: m.checkin_late_minutes })],
    ['ov.version', String(m.version)]
  ];
}

function dl(holder, rows) {
  clear(holder);
  rows.forEach((r) => holder.appendChild(el('div', null, [el('dt', { text: t(r[0]) }), el('dd', { text: r[1] })])));
}

// Closed days, closed services and special hours from today on, by date.
function daysAhead(m) {
  const items = [];
  m.closed_days.forEach((d) => items.push([d, t('ov.closed')]));
  m.closed_service_days.forEach((p) => {
    const s = m.services.find((x) => x.service_id === p[0]);
    items.push([p[1], t('ov.closed.service', { service: s ? s.name : p[0] })]);
  });
  Object.keys(m.special_hours).forEach((d) => items.push([d, t('ov.special', { hours: hoursText(m.special_hours[d]) })]));
  return items.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function paintAttention(closures, failed) {
  const box = $('ov-attention');
  clear(box);
  const items = [];
  (closures || []).filter((c) => c.status === 'running').forEach((c) => {
    items.push(el('li', null, [el('a', { href: '#/closure/' + encodeURIComponent(c.closure_id), text: t('ov.att.closure', { from: fmtDate(c.from, true), to: fmtDate(c.to, true) }) })]));
  });
  if (failed && failed.length) items.push(el('li', null, [el('a', { href: '#/mail', text: t('ov.att.mail', { n: failed.length }) })]));
  if (A.conflicts) items.push(el('li', null, [el('a', { href: '#/capacity', text: t('ov.att.conflicts', { n: A.conflicts.length }) })]));
  if (!closures && !failed) return;
  if (!items.length) { box.appendChild(el('p', { class: 'msg ok', text: t('ov.att.none') })); return; }
  box.appendChild(el('div', { class: 'warn' }, [el('h2', { text: t('ov.att.title') }), el('ul', null, items)]));
}

export async function enterOverview() {
  const gen = A.gen, m = A.mall;
  dl($('ov-facts'), facts(m));
  const week = [];
  for (let d = 0; d < 7; d++) week.push([weekday(d), hoursText(m.weekly_hours[String(d)])]);
  const wk = $('ov-week');
  clear(wk);
  week.forEach((r) => wk.appendChild(el('div', null, [el('dt', { text: r[0] }), el('dd', { text: r[1] })])));
  const soon = $('ov-soon');
  clear(soon);
  const ahead = daysAhead(m);
  ahead.slice(0, 30).forEach((i) => soon.appendChild(el('li', null, [el('strong', { text: fmtDate(i[0], true) }), ' · ' + i[1]])));
  if (!ahead.length) soon.appendChild(el('li', { class: 'muted', text: t('ov.soon.none') }));
  const [closures, failed] = await Promise.all([
    aget(mallPath('/closures')).catch(() => null), aget(mallPath('/mail/failed')).catch(() => null)]);
  if (gen === A.gen) paintAttention(closures, failed);
}

// ---- the mall's data and booking rules ---------------------------------------------------------------
// [name, label, kind, min, max, hint]
const SETTINGS = [
  ['name', 'set.name', 'text', 1, 100], ['city', 'set.city', 'text', 1, 60], ['address', 'set.address', 'text', 0, 300],
  ['min_lead_minutes', 'set.min_lead', 'int', 0, 1440, 'set.min_lead.hint'],
  ['max_days_ahead', 'set.max_days', 'int', 1, 90, 'set.max_days.hint'],
  ['checkin_early_minutes', 'set.early', 'int', 0, 720, 'set.early.hint'],
  ['checkin_late_minutes', 'set.late', 'int', 0, 240, 'set.late.hint'],
  ['recalls_before_no_show', 'set.recalls', 'int', 0, 10, 'set.recalls.hint'],
  ['no_show_after_minutes', 'set.noshow', 'int', 1, 120, 'set.noshow.hint'],
  ['requeue_grace_minutes', 'set.requeue', 'int', 0, 240, 'set.requeue.hint'],
  ['nudge_minutes', 'set.nudge_min', 'int', 0, 60, 'set.nudge_min.hint'],
  ['nudge_position', 'set.nudge_pos', 'int', 0, 20, 'set.nudge_pos.hint'],
  ['rebook_horizon_days', 'set.horizon', 'int', 1, 60, 'set.horizon.hint']
];
const sid = (name) => 'set-' + name.replace(/_/g, '-');

export async function enterSettings(arg, again) {
  if (again) return;
  clearErrors($('form-settings'));
  SETTINGS.forEach((s) => { $(sid(s[0])).value = A.mall[s[0]] === undefined || A.mall[s[0]] === null ? '' : String(A.mall[s[0]]); });
}

function onSettings(ev) {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  const v = readForm(SETTINGS.map((s) => [sid(s[0]), s[2] === 'int' ? 'int' : (s[3] ? 'required' : 'any')]), R);
  if (!v || !bounds(form)) return;
  const body = {};
  SETTINGS.forEach((s) => {
    const value = s[2] === 'int' ? parseInt(v[s[0]], 10) : v[s[0]];
    if (value !== A.mall[s[0]]) body[s[0]] = value;
  });
  if (!Object.keys(body).length) { say('set.nochange', 'info'); return; }
  submitting(form, async () => {
    try {
      changed(await send('PATCH', mallPath(), body));
      A.flash = { msg: 'set.saved', kind: 'ok' };
      go('#/overview');
    } catch (err) { formError(form, err); }
  });
}

export function initOverview() {
  const holder = $('settings-fields');
  SETTINGS.forEach((s) => holder.appendChild(field({
    id: sid(s[0]), name: s[0], label: s[1], hint: s[5], cls: s[2] === 'int' ? 'num' : null,
    type: s[2] === 'int' ? 'number' : 'text',
    attrs: s[2] === 'int' ? { min: s[3], max: s[4], inputmode: 'numeric', class: 'short' } : { maxlength: s[4], autocomplete: 'off' }
  })));
  $('form-settings').addEventListener('submit', onSettings);
}
