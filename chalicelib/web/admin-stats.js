/* Antre admin page: the "Statistik" section. A date range (and optionally one service) gives the
   totals, two charts (bookings, check-ins, walk-ins and served per day as bars; waiting time mean and
   p90 per day as lines), the rows per service and day, and the same rows as a CSV download. */
import { t, lang } from './i18n.js';
import { request } from './api.js';
import { $, el, clear, say, readForm, fieldError, focus, addDays } from './view.js';
import { A, mallPath, aget, today, enc, serviceName } from './admin-state.js';
import { formError, clearErrors, R, table, none } from './admin-ui.js';
import { barChart, lineChart, fmtNum } from './admin-chart.js';

const S = { rows: null, from: null, to: null };
const COUNTS = ['bookings', 'checkins', 'walkins', 'served', 'no_shows', 'cancellations', 'rescheduled', 'moved_by_closure'];
const COLUMNS = ['bookings', 'moved', 'cancellations', 'rescheduled', 'moved_by_closure', 'checkins', 'walkins', 'served', 'no_shows'];
const MAX_DAYS = 366;

function dayLabel(iso) {
  try {
    return new Intl.DateTimeFormat(lang() === 'en' ? 'en-GB' : 'id-ID', { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(iso + 'T00:00:00Z'));
  } catch (e) { return iso.slice(5); }
}

function days(from, to) {
  const out = [];
  for (let d = from; d <= to && out.length <= MAX_DAYS; d = addDays(d, 1)) out.push(d);
  return out;
}

// One service's rows, or every service's summed per day: the waiting mean weighted by the
// tickets served, and the highest p90 of the day's services (the API gives no p90 across them).
function perDay(rows, dates) {
  const by = {};
  dates.forEach((d) => { by[d] = { n: 0, waitSum: 0, waitW: 0, waitMeans: [], p90: null }; COUNTS.forEach((c) => { by[d][c] = 0; }); });
  rows.forEach((r) => {
    const d = by[r.date];
    if (!d) return;
    COUNTS.forEach((c) => { d[c] += r[c] || 0; });
    if (r.wait_mean_minutes !== null && r.wait_mean_minutes !== undefined) {
      d.waitMeans.push(r.wait_mean_minutes);
      d.waitSum += r.wait_mean_minutes * r.served;
      d.waitW += r.served;
    }
    if (r.wait_p90_minutes !== null && r.wait_p90_minutes !== undefined) d.p90 = Math.max(d.p90 === null ? 0 : d.p90, r.wait_p90_minutes);
  });
  return dates.map((date) => {
    const d = by[date];
    const mean = d.waitW ? d.waitSum / d.waitW : (d.waitMeans.length ? d.waitMeans.reduce((a, b) => a + b, 0) / d.waitMeans.length : null);
    return Object.assign({ date, waitMean: mean, waitP90: d.p90 }, d);
  });
}

function paint() {
  const out = $('sx-out');
  clear(out);
  if (!S.rows) return;
  const service = $('sx-service').value;
  const rows = S.rows.filter((r) => !service || r.service_id === service);
  const dates = days(S.from, S.to), per = perDay(rows, dates), labels = dates.map(dayLabel);
  const range = dayLabel(S.from) + ' – ' + dayLabel(S.to);
  const scope = service ? serviceName(service) : t('sx.all');
  out.appendChild(el('h2', { id: 'h-sx-result', text: t('sx.result', { scope, range }) }));
  if (!rows.length) { out.appendChild(none('sx.empty')); return; }
  const total = (c) => rows.reduce((a, r) => a + (r[c] || 0), 0);
  out.appendChild(el('dl', { class: 'totals', 'data-testid': 'stats-totals' }, COUNTS.slice(0, 6).map((c) =>
    el('div', null, [el('dt', { text: t('sx.' + c) }), el('dd', { text: String(total(c)) })]))));
  out.appendChild(el('h3', { text: t('sx.chart.counts') }));
  out.appendChild(barChart({
    title: t('sx.chart.counts'), desc: t('sx.chart.counts.desc', { scope, range }), labels, testid: 'chart-counts',
    series: [['bookings', 'c1'], ['checkins', 'c2'], ['walkins', 'c5'], ['served', 'c3']].map((p) => ({ name: t('sx.' + p[0]), cls: p[1], values: per.map((d) => d[p[0]]) }))
  }));
  out.appendChild(el('h3', { text: t('sx.chart.wait') }));
  if (per.some((d) => d.waitMean !== null)) {
    out.appendChild(lineChart({
      title: t('sx.chart.wait'), desc: t('sx.chart.wait.desc', { scope, range }), labels, testid: 'chart-wait',
      series: [{ name: t('sx.wait_mean'), cls: 'c1', values: per.map((d) => d.waitMean) },
        { name: t(service ? 'sx.wait_p90' : 'sx.wait_p90.max'), cls: 'c4', values: per.map((d) => d.waitP90) }]
    }));
    if (!service) out.appendChild(el('p', { class: 'hint', text: t('sx.wait.note') }));
  } else out.appendChild(none('sx.nowait'));
  const m = (v) => (v === null || v === undefined ? '–' : fmtNum(v));
  paintHours(out, rows, scope, range, m);
  paintCounters(out, rows, scope, range, m);
  out.appendChild(el('h3', { text: t('sx.rows') }));
  const heads = ['f.date', 'sx.service'].concat(COLUMNS.map((c) => 'sx.' + c), ['sx.wait_mean', 'sx.wait_p90', 'sx.serve_mean', 'sx.serve_p90']);
  out.appendChild(table(t('sx.rows'), heads, rows.map((r) => ({
    th: true, attrs: { 'data-testid': 'stats-row' },
    cells: [dayLabel(r.date), r.service_name].concat(COLUMNS.map((c) => String(r[c] || 0)),
      [m(r.wait_mean_minutes), m(r.wait_p90_minutes), m(r.service_mean_minutes), m(r.service_p90_minutes)])
  })), { class: 'numbers' }));
}

// The range's arrivals, calls and mean wait by the mall's local hour (weighted by calls).
function paintHours(out, rows, scope, range, m) {
  const by = {};
  rows.forEach((r) => (r.hours || []).forEach((h) => {
    const d = by[h.hour] || (by[h.hour] = { arrivals: 0, calls: 0, wait: 0 });
    d.arrivals += h.arrivals; d.calls += h.calls;
    if (h.wait_mean_minutes !== null && h.wait_mean_minutes !== undefined) d.wait += h.wait_mean_minutes * h.calls;
  }));
  const hours = Object.keys(by).map(Number).sort((a, b) => a - b);
  out.appendChild(el('h3', { id: 'h-sx-hours', text: t('sx.chart.hours') }));
  if (!hours.length) { out.appendChild(none('sx.nohours')); return; }
  const first = hours[0], last = hours[hours.length - 1], all = [];
  for (let h = first; h <= last; h++) all.push(h);
  const labels = all.map((h) => String(h).padStart(2, '0') + ':00');
  const get = (h) => by[h] || { arrivals: 0, calls: 0, wait: 0 };
  const mean = (h) => (get(h).calls ? Math.round(get(h).wait / get(h).calls * 10) / 10 : null);
  out.appendChild(barChart({
    title: t('sx.chart.hours'), desc: t('sx.chart.hours.desc', { scope, range }), labels, testid: 'chart-hours',
    series: [{ name: t('sx.arrivals'), cls: 'c2', values: all.map((h) => get(h).arrivals) },
      { name: t('sx.calls'), cls: 'c3', values: all.map((h) => get(h).calls) }]
  }));
  if (all.some((h) => mean(h) !== null)) {
    out.appendChild(el('h3', { text: t('sx.chart.hourwait') }));
    out.appendChild(lineChart({
      title: t('sx.chart.hourwait'), desc: t('sx.chart.hourwait.desc', { scope, range }), labels, testid: 'chart-hour-wait',
      series: [{ name: t('sx.wait_mean'), cls: 'c1', values: all.map(mean) }]
    }));
  }
  out.appendChild(table(t('sx.chart.hours'), ['sx.hour', 'sx.arrivals', 'sx.calls', 'sx.wait_mean'], all.map((h, i) => ({
    th: true, attrs: { 'data-testid': 'stats-hour' }, cells: [labels[i], String(get(h).arrivals), String(get(h).calls), m(mean(h))]
  })), { class: 'numbers' }));
}

// Tickets served and the mean service time per counter over the range.
function paintCounters(out, rows, scope, range, m) {
  const by = {};
  rows.forEach((r) => (r.counters || []).forEach((c) => {
    const d = by[c.counter_id] || (by[c.counter_id] = { name: c.counter_name, served: 0, minutes: 0 });
    d.served += c.served;
    if (c.service_mean_minutes !== null && c.service_mean_minutes !== undefined) d.minutes += c.service_mean_minutes * c.served;
  }));
  const ids = Object.keys(by).sort((a, b) => by[a].name.localeCompare(by[b].name, undefined, { numeric: true }));
  out.appendChild(el('h3', { id: 'h-sx-counters', text: t('sx.chart.counters') }));
  if (!ids.length) { out.appendChild(none('sx.nocounters')); return; }
  const mean = (id) => (by[id].served ? Math.round(by[id].minutes / by[id].served * 10) / 10 : null);
  out.appendChild(barChart({
    title: t('sx.chart.counters'), desc: t('sx.chart.counters.desc', { scope, range }), labels: ids.map((id) => by[id].name), testid: 'chart-counters',
    series: [{ name: t('sx.served'), cls: 'c3', values: ids.map((id) => by[id].served) }]
  }));
  out.appendChild(table(t('sx.chart.counters'), ['sx.counter', 'sx.served', 'sx.serve_mean'], ids.map((id) => ({
    th: true, attrs: { 'data-testid': 'stats-counter' }, cells: [by[id].name, String(by[id].served), m(mean(id))]
  })), { class: 'numbers' }));
}

// The range from the form, checked; null (with the field marked) when it is not right.
function readRange(form) {
  clearErrors(form);
  const v = readForm([['sx-from', 'date'], ['sx-to', 'date']], R);
  if (!v) return null;
  if (v.to < v.from) { fieldError($('sx-to'), 'v.date_order'); say('v.fix', 'err'); focus($('sx-to')); return null; }
  if (days(v.from, v.to).length > MAX_DAYS) { fieldError($('sx-to'), 'v.range'); say('v.fix', 'err'); focus($('sx-to')); return null; }
  return v;
}

const query = (v) => '/stats?from=' + enc(v.from) + '&to=' + enc(v.to);

async function show(form) {
  const v = readRange(form);
  if (!v) return;
  say('loading', 'info');
  try {
    const rows = await aget(mallPath(query(v)));
    Object.assign(S, { rows, from: v.from, to: v.to });
    say('');
    paint();
  } catch (err) { formError(form, err); }
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  document.body.removeChild(a);
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

const fileName = (v, ext) => 'antre-' + (lang() === 'en' ? 'stats' : 'statistik') + '-' + A.mallId + '-' + v.from + '_' + v.to + '.' + ext;

async function csv() {
  const form = $('form-stats'), v = readRange(form);
  if (!v) return;
  try {
    // headers in the page's language; ; and decimal commas for Indonesian-locale Excel
    const sep = $('sx-semicolon').checked ? '&delimiter=semicolon' : '';
    const text = await request('GET', mallPath(query(v) + '&format=csv&lang=' + lang() + sep), { auth: true, text: true, headers: { Accept: 'text/csv' } });
    // fetch's text() drops the byte order mark that tells Excel the file is UTF-8: put it back
    save(new Blob(['\ufeff' + text.replace(/^\ufeff/, '')], { type: 'text/csv;charset=utf-8' }), fileName(v, 'csv'));
    say('sx.csv.ok', 'ok');
  } catch (err) { formError(form, err); }
}

async function xlsx() {
  const form = $('form-stats'), v = readRange(form);
  if (!v) return;
  try {
    // a workbook is binary: API Gateway sends it as a file only when Accept names its type
    const blob = await request('GET', mallPath(query(v) + '&format=xlsx&lang=' + lang()), { auth: true, blob: true, headers: { Accept: XLSX } });
    save(blob, fileName(v, 'xlsx'));
    say('sx.xlsx.ok', 'ok');
  } catch (err) { formError(form, err); }
}

export async function enterStats(arg, again) {
  const sel = $('sx-service'), keep = sel.value;
  clear(sel);
  sel.appendChild(el('option', { value: '', text: t('sx.all') }));
  A.mall.services.forEach((s) => sel.appendChild(el('option', { value: s.service_id, text: s.name })));
  sel.value = keep && A.mall.services.some((s) => s.service_id === keep) ? keep : '';
  if (!again) {
    clearErrors($('form-stats'));
    if (!$('sx-to').value) $('sx-to').value = today();
    if (!$('sx-from').value) $('sx-from').value = addDays(today(), -6);
  }
  paint();
}

export function initStats() {
  $('form-stats').addEventListener('submit', (ev) => { ev.preventDefault(); show(ev.target); });
  $('sx-csv').addEventListener('click', csv);
  $('sx-xlsx').addEventListener('click', xlsx);
  $('sx-service').addEventListener('change', paint);
}
