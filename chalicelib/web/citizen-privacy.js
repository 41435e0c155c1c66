/* Antre citizen page: the citizen's data on the account screen (UU PDP 27/2022): download a
   copy of everything held (JSON), and erase the account after typing the password again. */
import { t } from './i18n.js';
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

export function initPrivacy() {
  $('pd-download').addEventListener('click', download);
  $('pd-form').addEventListener('submit', erase);
}
