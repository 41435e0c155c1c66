/* Antre admin page: the pieces its sections build with: fields, tables, the server's words next
   to what caused them, an inline "are you sure", a secret shown once, the conflicts warning,
   and instants in the mall's zone. */
import { t, lang } from './i18n.js';
import { ApiError } from './api.js';
import { $, el, clear, fieldError, serverText, say, focus, fmtDate, rules } from './view.js';

// A labelled input (or select, textarea) with its hint and its error line; data-i18n labels
// follow language switches by themselves. o: {id, name, label, hint, tag, type, attrs, field}
export function field(o) {
  const described = [o.hint ? o.id + '-hint' : null, o.id + '-err'].filter(Boolean).join(' ');
  const input = el(o.tag || 'input', Object.assign({
    id: o.id, name: o.name || o.id, type: o.tag ? null : (o.type || 'text'),
    'aria-describedby': described, 'data-field': o.field || o.name || null
  }, o.attrs));
  return el('div', { class: 'field' + (o.cls ? ' ' + o.cls : '') }, [
    el('label', { for: o.id, 'data-i18n': o.label, text: t(o.label) }),
    o.hint ? el('p', { class: 'hint', id: o.id + '-hint', 'data-i18n': o.hint, text: t(o.hint) }) : null,
    input,
    el('p', { class: 'ferr', id: o.id + '-err', hidden: true })
  ]);
}

// ---- errors next to what caused them ---------------------------------------------------------
export function clearErrors(form) {
  form.querySelectorAll('[aria-invalid]').forEach((i) => fieldError(i));
  const box = form.querySelector('.form-err');
  if (box) { box.textContent = ''; box.hidden = true; }
}

function inputFor(form, path) {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {  // weekly_hours.4.breaks.0 → weekly_hours.4.breaks → ...
    const name = parts.slice(0, n).join('.');
    const hit = form.querySelector('[data-field="' + name + '"]');
    if (hit && hit.id) return hit;
  }
  return null;
}

// The server's "field: problem" beside that field; any other answer in the form's own error box.
export function formError(form, err) {
  say('');
  if (err && err.handled) return;
  if (!(err instanceof ApiError) && window.console) console.error(err);
  const m = err instanceof ApiError && err.code === 'validation_error' && /^([\w.]+):\s*(.+)$/.exec(err.message || '');
  const input = m ? inputFor(form, m[1]) : null;
  if (input) {
    fieldError(input, null, m[2]);
    focus(input);
    return;
  }
  const text = err instanceof ApiError ? serverText(err) : t('err.unknown');
  if (form.querySelector('.form-err')) formSay(form, text); else say({ raw: text }, 'err');
}

// Words of our own in the form's error box.
export function formSay(form, text) {
  const box = form.querySelector('.form-err');
  if (box) { box.textContent = text; box.hidden = !text; }
}

// Numbers outside their input's min and max, marked beside the field; true when all fit.
export function bounds(form) {
  let first = null;
  form.querySelectorAll('input[type=number]').forEach((i) => {
    const v = i.value.trim();
    if (i.disabled || !/^[0-9]+$/.test(v)) return;
    if ((i.min !== '' && +v < +i.min) || (i.max !== '' && +v > +i.max)) {
      fieldError(i, null, t('v.between', { min: i.min || '0', max: i.max || '…' }));
      first = first || i;
    }
  });
  if (first) { say('v.fix', 'err'); focus(first); }
  return !first;
}

// The rules of admin.js's forms, on top of view.js's: answers null or a dictionary key.
export const adminRules = {
  slug: (v) => (!v ? 'v.required' : (/^[a-z0-9][a-z0-9-]{0,63}$/.test(v) ? null : 'v.slug')),
  int: (v) => (v === '' ? 'v.required' : (/^[0-9]{1,4}$/.test(v) ? null : 'v.int')),
  percent: (v) => (/^[0-9]{1,3}$/.test(v) && parseInt(v, 10) <= 100 ? null : 'v.percent'),
  letter: (v) => (/^[A-Za-z]$/.test(v) ? null : 'v.letter'),
  date: (v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? null : 'v.date'),
  time: (v) => (/^\d{2}:\d{2}$/.test(v) ? null : 'v.time'),
  breaks: (v) => (parseBreaks(v) ? null : 'v.breaks'),
  any: () => null
};
// view.js's rules and ours, for readForm.
export const R = Object.assign({}, rules, adminRules);

// "11:30-13:00, 15:00–15:15" → [["11:30", "13:00"], ["15:00", "15:15"]]; '' → []; bad → null.
export function parseBreaks(text) {
  const out = [];
  const parts = String(text || '').split(/[,;]/).map((p) => p.trim()).filter(Boolean);
  for (const p of parts) {
    const m = /^(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})$/.exec(p);
    if (!m) return null;
    out.push([m[1].padStart(2, '0') + ':' + m[2], m[3].padStart(2, '0') + ':' + m[4]]);
  }
  return out;
}

export const breaksText = (breaks) => (breaks || []).map((b) => b[0] + '–' + b[1]).join(', ');

// '08:00–15:00 (istirahat 11:30–13:00)'
export function hoursText(h) {
  if (!h) return t('hr.closed');
  const b = breaksText(h.breaks);
  return h.open + '–' + h.close + (b ? ' ' + t('hr.breaks.short', { breaks: b }) : '');
}

// ---- tables --------------------------------------------------------------------------------------
// heads: dictionary keys ('' for an unlabelled actions column); rows: [{cells, attrs}].
export function table(label, heads, rows, attrs) {
  const head = el('tr', null, heads.map((k) => el('th', { scope: 'col', text: k ? t(k) : '' }, k ? null : [el('span', { class: 'vh', text: t('tbl.actions') })])));
  const body = rows.map((r) => el('tr', r.attrs, r.cells.map((c, i) =>
    el(i === 0 && r.th ? 'th' : 'td', i === 0 && r.th ? { scope: 'row' } : null, [c === null || c === undefined ? '' : (typeof c === 'object' ? c : String(c))]))));
  return el('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label }, [
    el('table', attrs, [el('thead', null, [head]), el('tbody', null, body)])]);
}

// An error line for a table row's action, and the server's words in it (beside the button).
export const rowError = () => el('p', { class: 'ferr row-err', role: 'alert', hidden: true });
export function rowSay(button, err) {
  if (err && err.handled) return;
  const p = button.parentNode && button.parentNode.querySelector('.row-err');
  const text = err instanceof ApiError ? serverText(err) : t('err.unknown');
  if (p) { p.textContent = text; p.hidden = false; } else say({ raw: text }, 'err');
}

export const none = (key) => el('p', { class: 'muted', text: t(key) });
export const badge = (cls, key) => el('span', { class: 'badge ' + cls, text: t(key) });

// ---- are you sure? ---------------------------------------------------------------------------
// Shows text and two buttons in holder; yes runs onYes (its errors stay in the box), no hides it.
export function confirmIn(holder, text, yesKey, onYes, testid, extra) {
  clear(holder);
  holder.hidden = false;
  const err = el('p', { class: 'ferr', role: 'alert', hidden: true });
  const yes = el('button', { type: 'button', class: 'danger', 'data-testid': (testid || 'confirm') + '-yes', text: t(yesKey) });
  const no = el('button', { type: 'button', class: 'secondary', 'data-testid': (testid || 'confirm') + '-no', text: t('cf.cancel') });
  const box = el('div', { class: 'confirm', role: 'group', 'aria-label': t('cf.label'), 'data-testid': testid || 'confirm' }, [
    el('p', { text }), extra || null, err, el('div', { class: 'actions' }, [yes, no])]);
  holder.appendChild(box);
  no.addEventListener('click', () => { clear(holder); holder.hidden = true; });
  yes.addEventListener('click', async () => {
    yes.disabled = no.disabled = true;
    try { await onYes(); } catch (e) {
      if (!e.handled) { err.textContent = e instanceof ApiError ? serverText(e) : t('err.unknown'); err.hidden = false; }
    } finally { yes.disabled = no.disabled = false; }
  });
  focus(box);
}

// ---- a secret shown once ---------------------------------------------------------------------
export function showOnce(holder, title, label, value, note, extra) {
  clear(holder);
  holder.classList.add('once-holder');
  holder.hidden = false;
  const done = el('button', { type: 'button', class: 'secondary', text: t('once.done') });
  holder.appendChild(el('div', { class: 'once', role: 'group', 'aria-label': title }, [
    el('h2', { text: title }),
    el('p', { class: 'code-label', text: label }),
    el('p', { class: 'secret', 'data-testid': 'secret', text: value }),
    extra || null,
    el('p', { class: 'warn-text', text: note }),
    done]));
  done.addEventListener('click', () => { clear(holder); holder.hidden = true; });
  focus(holder.firstChild);
}

// Secrets leave the page with the screen that showed them.
export function forgetSecrets() {
  document.querySelectorAll('.once-holder').forEach((h) => { clear(h); h.hidden = true; });
}

// ---- slots over their seats ------------------------------------------------------------------
export function conflictsBox(holder, conflicts, serviceName) {
  clear(holder);
  holder.hidden = !conflicts || !conflicts.length;
  if (holder.hidden) return;
  holder.appendChild(el('div', { class: 'warn', role: 'alert', 'data-testid': 'conflicts' }, [
    el('h2', { text: t('cfl.title', { n: conflicts.length }) }),
    el('p', { text: t('cfl.lead') }),
    table(t('cfl.title', { n: conflicts.length }), ['cfl.service', 'cfl.date', 'cfl.time', 'cfl.booked', 'cfl.seats'],
      conflicts.map((c) => ({ attrs: { 'data-testid': 'conflict' }, cells: [serviceName(c.service_id), fmtDate(c.date, true), c.start, c.booked, c.seats] })))]));
}

// ---- instants ----------------------------------------------------------------------------------
// '7 Des 2026 07.00' for an ISO instant, in the mall's zone.
export function fmtInstant(iso, tz) {
  const d = new Date(iso);
  if (!iso || isNaN(d)) return iso || '';
  try {
    return new Intl.DateTimeFormat(lang() === 'en' ? 'en-GB' : 'id-ID', {
      timeZone: tz || 'Asia/Jakarta', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'
    }).format(d);
  } catch (e) { return iso; }
}

export const weekday = (n) => t('wd.' + n);

// Shows one of the page's <section class="view"> (by name) and hides the others.
export function showView(name) {
  document.querySelectorAll('main > .view').forEach((v) => { v.hidden = v.id !== 'view-' + name; });
  return $('view-' + name);
}
