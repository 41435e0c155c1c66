/* Antre citizen page: the account screens: log in, register, verify the email, and recover a
   forgotten password with an emailed code. Passwords are sent exactly as typed. */
import { t } from './i18n.js';
import { get, post } from './api.js';
import { $, say, sayError as sayAny, sayServer, serverText, fieldError, readForm, submitting, rules } from './view.js';
import { S, go, saveSession, dropSession, renderNav } from './citizen-state.js';

// A NIK may be pasted with spaces or dashes ("3201 0145 0690 0001"): they are dropped.
const nikDigits = (v) => v.replace(/[\s-]/g, '');

const RULES = Object.assign({}, rules, {
  name: rules.required,
  phone: (v) => (!v ? 'v.required' : (/^\+?[0-9 ().-]{8,20}$/.test(v) ? null : 'v.phone')),
  // left empty when another account holds the NIK: it is claimed at a mall's desk
  nik: (v) => (!v ? null : (/^[0-9]{16}$/.test(nikDigits(v)) ? null : 'v.nik')),
  code: (v) => (!v ? 'v.required' : (/^[0-9]{6}$/.test(v) ? null : 'v.code'))
});

// Too many attempts: the server says how long to wait; other errors in the page's own words.
function sayError(err, extra) {
  if (err && err.code === 'too_many_attempts') sayServer(err); else sayAny(err, extra);
}

// "field: words" from the server goes next to that field of the form (prefix: its ids' start).
function serverFieldError(err, prefix) {
  const m = err.code === 'validation_error' && /^(\w+):\s*(.*)$/.exec(err.message);
  const input = m && $(prefix + m[1]);
  if (input) fieldError(input, null, m[2]);
  return input;
}

// A seat offered from a waitlist is held for minutes: logging in while one runs opens it,
// not the mall list.
async function offerRunning() {
  try {
    const entries = await get('v1/waitlist', { auth: true });
    const offered = entries.find((w) => w.status === 'offered');
    return offered ? '#/w/' + encodeURIComponent(offered.waitlist_id) : null;
  } catch (e) { return null; }
}

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
      saveSession(r.expires_at, $('login-remember').checked);
      renderNav();
      S.flash = { msg: 'login.ok', kind: 'ok' };
      const back = S.returnTo;
      S.returnTo = null;
      if (back) { go(back); return; }
      const here = location.hash, next = await offerRunning();
      // the person may have moved on (a tap on the menu) while the offers were asked for
      if (location.hash === here) go(next || '#/malls');
    } catch (err) {
      if (err.code === 'email_not_verified') {
        $('ver-email').value = v.email;
        sayError(err, ['#/verify', 'ver.goto']);
      } else sayError(err);
    }
  }, cooldowns);
}

function onRegister(ev) {
  ev.preventDefault();
  const v = readForm([['reg-name', 'name'], ['reg-email', 'email'], ['reg-phone', 'phone'],
    ['reg-nik', 'nik'], ['reg-password', 'newpassword']], RULES);
  if (!v) return;
  submitting(ev.target, async () => {
    say('loading', 'info');
    try {
      await post('v1/accounts', { email: v.email, password: v.password, name: v.name, phone: v.phone,
        nik: v.nik ? nikDigits(v.nik) : null });
      $('ver-email').value = v.email;
      $('login-email').value = v.email;
      $('reg-password').value = '';
      verifyWait.start();
      S.flash = { msg: ['reg.ok', { email: v.email }], kind: 'ok' };
      go('#/verify');
    } catch (err) {
      const input = serverFieldError(err, 'reg-');
      sayError(err);
      if (input) input.focus();
      if (err.code === 'email_taken') $('reg-email').focus();
      if (err.code === 'nik_taken') $('reg-nik').focus();
    }
  }, cooldowns);
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
  }, cooldowns);
}

// ---- a forgotten password: the email, then the code and a new password ----------------------
function onForgot(ev) {
  ev.preventDefault();
  const v = readForm([['fg-email', 'email']], RULES);
  if (!v) return;
  submitting(ev.target, async () => {
    say('loading', 'info');
    try {
      await post('v1/accounts/password-reset', { email: v.email });
      $('rp-email').value = v.email;
      resetWait.start();
      S.flash = { msg: ['fg.sent', { email: v.email }], kind: 'ok' };
      go('#/reset');
    } catch (err) { sayError(err); }
  }, cooldowns);
}

function onReset(ev) {
  ev.preventDefault();
  const v = readForm([['rp-email', 'email'], ['rp-code', 'code'], ['rp-password', 'newpassword']], RULES);
  if (!v) return;
  submitting(ev.target, async () => {
    say('loading', 'info');
    try {
      await post('v1/accounts/password-reset/confirm', { email: v.email, code: v.code, password: v.password });
      if (S.token) dropSession();  // every earlier session has ended
      $('rp-password').value = '';
      $('rp-code').value = '';
      $('login-email').value = v.email;
      S.returnTo = null;
      S.flash = { msg: 'rp.ok', kind: 'ok' };
      go('#/login');
    } catch (err) {
      if (err.code === 'invalid_code') {
        fieldError($('rp-code'), null, serverText(err));
        sayError(err);
        $('rp-code').focus();
        return;
      }
      const input = serverFieldError(err, 'rp-');
      sayError(err);
      if (input) input.focus();
    }
  }, cooldowns);
}

// ---- "send the code again", at most once a minute (the server sends one a minute) -----------
function cooldown(id, send) {
  let until = 0, timer = null;
  const c = {
    start() { until = Date.now() + 60000; c.tick(); },
    tick() {
      const b = $(id), left = Math.ceil((until - Date.now()) / 1000);
      if (timer) { clearTimeout(timer); timer = null; }
      if (left > 0) {
        b.disabled = true;
        b.textContent = t('ver.resend.wait', { s: left });
        timer = setTimeout(c.tick, 1000);
      } else {
        b.disabled = b.form.getAttribute('aria-busy') === 'true';
        b.textContent = t('ver.resend');
      }
    },
    async click(emailId, done) {
      const input = $(emailId);
      const bad = RULES.email(input.value.trim());
      fieldError(input, bad);
      if (bad) { say('v.fix', 'err'); input.focus(); return false; }
      $(id).disabled = true;
      try {
        await post(send, { email: input.value.trim() });
        c.start();
        say(done, 'ok');
        return true;
      } catch (err) { sayError(err); c.tick(); return false; }
    }
  };
  return c;
}

const verifyWait = cooldown('ver-resend', 'v1/accounts/verify/resend');
const resetWait = cooldown('rp-resend', 'v1/accounts/password-reset');

export function cooldowns() { verifyWait.tick(); resetWait.tick(); }

export function initAccount() {
  $('form-login').addEventListener('submit', onLogin);
  $('form-register').addEventListener('submit', onRegister);
  $('form-verify').addEventListener('submit', onVerify);
  $('form-forgot').addEventListener('submit', onForgot);
  $('form-reset').addEventListener('submit', onReset);
  $('ver-resend').addEventListener('click', () => verifyWait.click('ver-email', 'ver.resent').then((ok) => ok && $('ver-code').focus()));
  $('rp-resend').addEventListener('click', () => resetWait.click('rp-email', 'rp.resent').then((ok) => ok && $('rp-code').focus()));
  document.querySelectorAll('[data-show-pw]').forEach((c) => {
    c.addEventListener('change', () => { $(c.getAttribute('data-show-pw')).type = c.checked ? 'text' : 'password'; });
  });
  ['ver-code', 'rp-code'].forEach((id) => {
    $(id).addEventListener('input', (ev) => {
      const v = ev.target.value, d = v.replace(/[^0-9]/g, '');
      if (v !== d) ev.target.value = d;
    });
  });
  // Whoever came to recover a password from the login form keeps the address typed there.
  $('view-login').querySelector('[data-testid="to-forgot"]').addEventListener('click', () => {
    if (!$('fg-email').value) $('fg-email').value = $('login-email').value.trim();
  });
  cooldowns();
}
