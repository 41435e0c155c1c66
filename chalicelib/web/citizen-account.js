/* Antre citizen page: the account screens: log in, register, verify the email. */
import { t } from './i18n.js';
import { get, post } from './api.js';
import { $, say, sayError, fieldError, readForm, submitting, rules } from './view.js';
import { S, go, saveSession, renderNav } from './citizen-state.js';

const RULES = Object.assign({}, rules, {
  name: rules.required,
  phone: (v) => (!v ? 'v.required' : (/^\+?[0-9 ().-]{8,20}$/.test(v) ? null : 'v.phone')),
  nik: (v) => (!v ? 'v.required' : (/^[0-9]{16}$/.test(v.replace(/\s/g, '')) ? null : 'v.nik')),
  code: (v) => (!v ? 'v.required' : (/^[0-9]{6}$/.test(v) ? null : 'v.code'))
});

function onLogin(ev) {
  ev.preventDefault();
  const v = readForm([['login-email', 'email'], ['login-password', 'password']], RULES);
  if (!v) return;
  submitting(ev.target, async () => {
    say('loading', 'info');
    try {
      const r = await post('v1/sessions', { email: v.email, password: v.password });
      S.token = r.token;
      $('login-password').value = '';
      try { S.me = await get('v1/me', { auth: true }); } catch (e) { S.me = null; }
      saveSession(r.expires_at);
      renderNav();
      S.flash = { msg: 'login.ok', kind: 'ok' };
      const back = S.returnTo;
      S.returnTo = null;
      go(back || '#/malls');
    } catch (err) {
      if (err.code === 'email_not_verified') {
        $('ver-email').value = v.email;
        sayError(err, ['#/verify', 'ver.goto']);
      } else sayError(err);
    }
  }, resendTick);
}

function onRegister(ev) {
  ev.preventDefault();
  const v = readForm([['reg-name', 'name'], ['reg-email', 'email'], ['reg-phone', 'phone'],
    ['reg-nik', 'nik'], ['reg-password', 'newpassword']], RULES);
  if (!v) return;
  v.nik = v.nik.replace(/\s/g, '');
  submitting(ev.target, async () => {
    say('loading', 'info');
    try {
      await post('v1/accounts', { email: v.email, password: v.password, name: v.name, phone: v.phone, nik: v.nik });
      $('ver-email').value = v.email;
      $('login-email').value = v.email;
      $('reg-password').value = '';
      resendCooldown();
      S.flash = { msg: ['reg.ok', { email: v.email }], kind: 'ok' };
      go('#/verify');
    } catch (err) {
      // "field: words" from the server goes next to that field.
      const m = err.code === 'validation_error' && /^(\w+):\s*(.*)$/.exec(err.message);
      const input = m && $('reg-' + m[1]);
      if (input) fieldError(input, null, m[2]);
      sayError(err);
      if (input) input.focus();
      if (err.code === 'email_taken') $('reg-email').focus();
      if (err.code === 'nik_taken') $('reg-nik').focus();
    }
  }, resendTick);
}

function onVerify(ev) {
  ev.preventDefault();
  const v = readForm([['ver-email', 'email'], ['ver-code', 'code']], RULES);
  if (!v) return;
  submitting(ev.target, async () => {
    say('loading', 'info');
    try {
      await post('v1/accounts/verify', { email: v.email, code: v.code });
      $('login-email').value = v.email;
      $('ver-code').value = '';
      S.flash = { msg: 'ver.ok', kind: 'ok' };
      go('#/login');
    } catch (err) {
      sayError(err);
      if (err.code === 'invalid_code') $('ver-code').focus();
    }
  }, resendTick);
}

// ---- "send the code again", at most every 30 seconds ---------------------------------------
let resendUntil = 0, resendTimer = null;

function resendCooldown() { resendUntil = Date.now() + 30000; resendTick(); }

export function resendTick() {
  const b = $('ver-resend');
  const left = Math.ceil((resendUntil - Date.now()) / 1000);
  if (resendTimer) { clearTimeout(resendTimer); resendTimer = null; }
  if (left > 0) {
    b.disabled = true;
    b.textContent = t('ver.resend.wait', { s: left });
    resendTimer = setTimeout(resendTick, 1000);
  } else {
    b.disabled = $('form-verify').getAttribute('aria-busy') === 'true';
    b.textContent = t('ver.resend');
  }
}

async function onResend() {
  const input = $('ver-email');
  const bad = RULES.email(input.value.trim());
  fieldError(input, bad);
  if (bad) { say('v.fix', 'err'); input.focus(); return; }
  $('ver-resend').disabled = true;
  try {
    await post('v1/accounts/verify/resend', { email: input.value.trim() });
    resendCooldown();
    say('ver.resent', 'ok');
    $('ver-code').focus();
  } catch (err) { sayError(err); resendTick(); }
}

export function initAccount() {
  $('form-login').addEventListener('submit', onLogin);
  $('form-register').addEventListener('submit', onRegister);
  $('form-verify').addEventListener('submit', onVerify);
  $('ver-resend').addEventListener('click', onResend);
  document.querySelectorAll('[data-show-pw]').forEach((c) => {
    c.addEventListener('change', () => { $(c.getAttribute('data-show-pw')).type = c.checked ? 'text' : 'password'; });
  });
  ['reg-nik', 'ver-code'].forEach((id) => {
    $(id).addEventListener('input', (ev) => {
      const v = ev.target.value, d = v.replace(/[^0-9]/g, '');
      if (v !== d) ev.target.value = d;
    });
  });
}
