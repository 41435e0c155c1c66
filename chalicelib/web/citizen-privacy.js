/* Antre citizen page: the citizen's data on the account screen (UU PDP 27/2022): download a
   copy of everything held (JSON), and erase the account after typing the password again.
   Loaded with the account screen, with its own words, so the first screen stays light. */
import { t, register, applyLang } from './i18n.js';
import { STRINGS } from './citizen-privacy-strings.js';
import { request } from './api.js';
import { $, el, say, sayError } from './view.js';
import { S, go, dropSession } from './citizen-state.js';

async function download(ev) {
  const btn = ev.currentTarget;
  btn.disabled = true;
  try {
    const text = await request('GET', 'v1/me/data', { auth: true, text: true });
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const a = el('a', { href: url, download: 'antre-data-saya.json', hidden: true });
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    say('pd.downloaded', 'ok');
  } catch (err) { sayError(err); } finally { btn.disabled = false; }
}

async function erase(ev) {
  ev.preventDefault();
  const form = ev.target, pw = $('pd-password'), sure = $('pd-sure');
  if (!sure.checked) { say('pd.sure.needed', 'err'); sure.focus(); return; }
  if (!pw.value) { say('pd.password.needed', 'err'); pw.focus(); return; }
  const btn = form.querySelector('button');
  btn.disabled = true;
  try {
    const r = await request('POST', 'v1/me/delete', { body: { password: pw.value }, auth: true });
    pw.value = '';
    dropSession();
    S.flash = { msg: ['pd.deleted', { n: r.cancelled_bookings }], kind: 'ok' };
    go('#/login');
  } catch (err) {
    btn.disabled = false;
    if (err.code === 'wrong_password') { say('pd.password.wrong', 'err'); pw.focus(); return; }
    sayError(err);
  }
}

function section() {
  const i18n = (tag, key, attrs) => el(tag, Object.assign({ 'data-i18n': key, text: t(key) }, attrs || {}));
  return [
    i18n('h2', 'pd.title', { id: 'h-pd' }),
    i18n('p', 'pd.lead', { class: 'small muted' }),
    i18n('button', 'pd.download', { type: 'button', class: 'secondary', id: 'pd-download', 'data-testid': 'pd-download' }),
    el('form', { id: 'pd-form', class: 'danger-zone', 'data-testid': 'pd-form', 'aria-labelledby': 'h-pd-delete', novalidate: '' }, [
      i18n('h3', 'pd.delete.title', { id: 'h-pd-delete' }),
      i18n('p', 'pd.delete.lead', { class: 'small' }),
      el('label', { class: 'check' }, [el('input', { type: 'checkbox', id: 'pd-sure', 'data-testid': 'pd-sure' }), ' ', i18n('span', 'pd.sure')]),
      i18n('label', 'pd.password', { for: 'pd-password' }),
      el('input', { type: 'password', id: 'pd-password', 'data-testid': 'pd-password', autocomplete: 'current-password', maxlength: '128' }),
      i18n('button', 'pd.delete', { type: 'submit', class: 'danger-outline', 'data-testid': 'pd-delete' })])];
}

export function initPrivacy() {
  register(STRINGS);
  const holder = $('pd-section');
  section().forEach((n) => holder.appendChild(n));
  applyLang(holder);
  $('pd-download').addEventListener('click', download);
  $('pd-form').addEventListener('submit', erase);
}
