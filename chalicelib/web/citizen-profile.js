/* Antre citizen page: the account screen: who is logged in, the phone proven by a texted code
   and SMS on or off (only for a proven phone), a pause of online booking (no-show policy) with
   its end, an email address mail no longer reaches, and logging out on every device. */
import { t } from './i18n.js';
import { get, post, request } from './api.js';
import { $, el, clear, say, sayError, loading, fmtDate } from './view.js';
import { S, go, confirmBox, dropSession, saveSession, renderWho } from './citizen-state.js';

export async function refreshMe() {
  S.me = await get('v1/me', { auth: true });
  saveSession();
  renderWho();
  return S.me;
}

export async function viewAccount(gen) {
  if (!S.me) loading(true);
  const me = await refreshMe();
  if (gen !== S.gen) return;
  loading(false);
  renderAccount(me);
}

function renderAccount(me) {
  const dl = $('acc-details');
  clear(dl);
  [['acc.name', me.name], ['f.email', me.email], ['f.phone', me.phone],
    ['f.nik', me.nik_last4 ? '•••• •••• •••• ' + me.nik_last4 : '']].forEach((row) => {
    if (row[1]) dl.appendChild(el('div', null, [el('dt', { text: t(row[0]) }), el('dd', { text: row[1] })]));
  });
  const paused = $('acc-paused');
  const pauses = me.booking_pauses || [];
  paused.hidden = !me.booking_paused_until;
  if (pauses.length) {
    paused.textContent = pauses.map((x) => t('paused.until.at', { mall: x.name, date: fmtDate(x.until) })).join(' ');
  } else if (me.booking_paused_until) {
    paused.textContent = t('paused.until', { date: fmtDate(me.booking_paused_until) });
  }
  const mail = $('acc-mail');  // SES reported a bounce or complaint: mail to it is stopped
  clear(mail);
  mail.hidden = !me.email_undeliverable;
  if (me.email_undeliverable) {
    mail.appendChild(el('p', { text: t('acc.mail.undeliverable', { email: me.email }) }));
    mail.appendChild(el('button', { type: 'button', class: 'secondary', 'data-testid': 'mail-resume',
      on: { click: resumeMail }, text: t('acc.mail.resume') }));
  }
  $('acc-sms').checked = !!me.sms_opt_in;
  $('acc-sms').disabled = !me.phone_verified;
  renderPhone(me);
  const box = $('acc-everywhere');
  clear(box);
  if (S.confirming === 'everywhere') {
    box.appendChild(confirmBox('everywhere', 'everywhere', t('acc.everywhere.q'), t('acc.everywhere.yes'),
      logoutEverywhere, () => { S.confirming = null; renderAccount(me); $('acc-everywhere').querySelector('button').focus(); }));
  } else {
    box.appendChild(el('button', { type: 'button', class: 'danger-outline', 'data-testid': 'everywhere',
      on: { click: () => { S.confirming = 'everywhere'; renderAccount(me); $('acc-everywhere').querySelector('[data-testid="confirm-everywhere"]').focus(); } },
      text: t('acc.everywhere') }));
  }
}

// A phone receives nothing but its own code until its owner types that code back here.
function renderPhone(me) {
  const box = $('acc-phone');
  clear(box);
  if (me.phone_verified) {
    box.appendChild(el('p', { class: 'small muted', text: t('acc.phone.proven', { phone: me.phone }) }));
    return;
  }
  box.appendChild(el('p', { class: 'small', text: t('acc.phone.why', { phone: me.phone }) }));
  box.appendChild(el('button', { type: 'button', class: 'secondary', 'data-testid': 'acc-phone-send',
    on: { click: sendPhoneCode }, text: t(S.phoneCodeSent ? 'acc.phone.again' : 'acc.phone.send') }));
  if (!S.phoneCodeSent) return;
  const form = el('form', { 'data-testid': 'acc-phone-form', on: { submit: verifyPhone } }, [
    el('label', { for: 'acc-phone-code', text: t('acc.phone.code') }),
    el('input', { id: 'acc-phone-code', name: 'code', inputmode: 'numeric', autocomplete: 'one-time-code',
      maxlength: '12', 'data-testid': 'acc-phone-code' }),
    el('button', { type: 'submit', 'data-testid': 'acc-phone-verify', text: t('acc.phone.verify') })]);
  box.appendChild(form);
}

async function sendPhoneCode(ev) {
  const btn = ev.target;
  btn.disabled = true;
  try {
    S.me = await post('v1/me/phone/code', {}, { auth: true });
    S.phoneCodeSent = true;
    renderAccount(S.me);
    say(['acc.phone.sent', { phone: S.me.phone }], 'ok');
    $('acc-phone-code').focus();
  } catch (err) {
    btn.disabled = false;
    sayError(err);
  }
}

async function verifyPhone(ev) {
  ev.preventDefault();
  const input = $('acc-phone-code');
  try {
    S.me = await post('v1/me/phone/verify', { code: input.value.trim() }, { auth: true });
    S.phoneCodeSent = false;
    saveSession();
    renderAccount(S.me);
    say('acc.phone.ok', 'ok');
  } catch (err) {
    sayError(err);
    input.focus();
  }
}

async function onSms(ev) {
  const box = ev.target, want = box.checked;
  box.disabled = true;
  try {
    S.me = await request('PATCH', 'v1/me', { body: { sms_opt_in: want }, auth: true });
    saveSession();
    box.checked = !!S.me.sms_opt_in;
    say(want ? 'acc.sms.on' : 'acc.sms.off', 'ok');
  } catch (err) {
    box.checked = !want;
    sayError(err);
  } finally {
    box.disabled = false;
  }
}

async function resumeMail(ev) {
  const btn = ev.target;
  btn.disabled = true;
  try {
    S.me = await post('v1/me/email/resume', undefined, { auth: true });
    saveSession();
    renderAccount(S.me);
    say('acc.mail.resumed', 'ok');
  } catch (err) {
    btn.disabled = false;
    sayError(err);
  }
}

async function logoutEverywhere(btn) {
  btn.disabled = true;
  try {
    await post('v1/sessions/logout-everywhere', undefined, { auth: true });
    S.confirming = null;
    dropSession();
    S.flash = { msg: 'acc.everywhere.ok', kind: 'ok' };
    go('#/login');
  } catch (err) {
    btn.disabled = false;
    sayError(err);
  }
}

export function initProfile() {
  $('acc-sms').addEventListener('change', onSms);
}
