/* Antre admin page: the "SKM" section. A date range gives the satisfaction index (IKM) of the
   mall, each agency and each service with its grade, respondents against the Krejcie-Morgan
   minimum for the citizens served, each element's mean, a chart of the services' indices and
   the latest comments (PermenPANRB 14/2017; the arithmetic is the server's, domain/skm.py). */
import { t, lang } from './i18n.js';
import { $, el, clear, say, readForm, fieldError, focus, addDays } from './view.js';
import { A, mallPath, aget, today, enc } from './admin-state.js';
import { formError, clearErrors, R, table, none } from './admin-ui.js';
import { barChart } from './admin-chart.js';

const S = { report: null };

function dayLabel(iso) {
  try {
    return new Intl.DateTimeFormat(lang() === 'en' ? 'en-GB' : 'id-ID', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(iso + 'T00:00:00Z'));
  } catch (e) { return iso; }
}

// two decimals, as the index is published (82,41 in Indonesian, 82.41 in English)
const num = (v) => (v === null || v === undefined ? t('sk.none')
  : new Intl.NumberFormat(lang() === 'en' ? 'en-GB' : 'id-ID', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v));
const grade = (g) => (g.grade ? g.grade + ' (' + g.grade_name + ')' : t('sk.none'));
const enough = (g) => (g.enough ? t('sk.enough') : t('sk.short', { n: Math.max(g.minimum_respondents - g.respondents, 0) }));

function paint() {
  const out = $('sk-out');
  clear(out);
  const r = S.report;
  if (!r) return;
  const range = dayLabel(r.from) + ' – ' + dayLabel(r.to);
  out.appendChild(el('h2', { id: 'h-sk-result', text: t('sk.result', { range }) }));
  const m = r.mall;
  out.appendChild(el('dl', { class: 'totals', 'data-testid': 'skm-totals' }, [
    ['sk.mall', num(m.ikm)], ['sk.grade', grade(m)], ['sk.respondents', String(m.respondents)],
    ['sk.minimum', String(m.minimum_respondents) + ' · ' + enough(m)], ['sk.served', String(m.served)]
  ].map((p) => el('div', null, [el('dt', { text: t(p[0]) }), el('dd', { text: p[1] })]))));
  if (!m.respondents) out.appendChild(none('sk.empty'));

  const rated = r.services.filter((s) => s.respondents);
  if (rated.length) {
    out.appendChild(el('h3', { text: t('sk.chart') }));
    out.appendChild(barChart({
      title: t('sk.chart'), desc: t('sk.chart.desc', { range }), labels: rated.map((s) => s.service_name), testid: 'chart-skm',
      max: 100, series: [{ name: t('sk.ikm'), cls: 'c3', values: rated.map((s) => s.ikm) }]
    }));
  }
  const heads = ['sk.ikm', 'sk.grade', 'sk.respondents', 'sk.minimum', 'sk.served'];
  const cells = (g) => [num(g.ikm), grade(g), String(g.respondents), String(g.minimum_respondents) + ' · ' + enough(g), String(g.served)];
  out.appendChild(el('h3', { text: t('sk.services') }));
  out.appendChild(table(t('sk.services'), ['sk.service'].concat(heads), r.services.map((s) => ({
    th: true, attrs: { 'data-testid': 'skm-service' }, cells: [s.service_name].concat(cells(s)) })), { class: 'skm' }));
  out.appendChild(el('h3', { text: t('sk.agencies') }));
  out.appendChild(table(t('sk.agencies'), ['sk.agency'].concat(heads), r.agencies.map((a) => ({
    th: true, attrs: { 'data-testid': 'skm-agency' }, cells: [a.agency_name].concat(cells(a)) })), { class: 'skm' }));

  out.appendChild(el('h3', { text: t('sk.elements') }));
  const cols = [{ name: t('sk.mall'), g: m }].concat(rated.map((s) => ({ name: s.service_name, g: s })));
  const head = el('tr', null, [el('th', { scope: 'col', text: t('sk.element') })].concat(cols.map((c) => el('th', { scope: 'col', text: c.name }))));
  const body = r.elements.map((e, i) => el('tr', { 'data-testid': 'skm-element' }, [el('th', { scope: 'row', text: t('sk.element.n', { n: i + 1 }) + ' ' + e.question })]
    .concat(cols.map((c) => el('td', { text: num(c.g.elements[i].mean) })))));
  out.appendChild(el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('sk.elements') }, [
    el('table', { class: 'skm' }, [el('thead', null, [head]), el('tbody', null, body)])]));

  out.appendChild(el('h3', { text: t('sk.comments') }));
  if (!r.comments.length) { out.appendChild(none('sk.nocomments')); return; }
  out.appendChild(table(t('sk.comments'), ['sk.date', 'sk.service', 'sk.scores', 'sk.comment'], r.comments.map((c) => ({
    th: true, attrs: { 'data-testid': 'skm-comment' }, cells: [dayLabel(c.date), c.service_name, c.scores.join(' '), c.comment] }))));
}

async function show(form) {
  clearErrors(form);
  const v = readForm([['sk-from', 'date'], ['sk-to', 'date']], R);
  if (!v) return;
  if (v.to < v.from) { fieldError($('sk-to'), 'v.date_order'); say('v.fix', 'err'); focus($('sk-to')); return; }
  say('loading', 'info');
  try {
    S.report = await aget(mallPath('/skm?from=' + enc(v.from) + '&to=' + enc(v.to)));
    say('');
    paint();
  } catch (err) { formError(form, err); }
}

export async function enterSkm(arg, again) {
  if (!again) {
    clearErrors($('form-skm'));
    if (!$('sk-to').value) $('sk-to').value = today();
    if (!$('sk-from').value) $('sk-from').value = addDays(today(), -29);
  }
  if (again && S.report && A.mallId === S.report.mall_id) { show($('form-skm')); return; }  // the questions in the new language
  if (S.report && S.report.mall_id !== A.mallId) S.report = null;
  paint();
}

export function initSkm() {
  $('form-skm').addEventListener('submit', (ev) => { ev.preventDefault(); show(ev.target); });
}
