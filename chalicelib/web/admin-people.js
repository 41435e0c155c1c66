/* Antre admin page: the "Petugas" section (staff accounts: create with a temporary password
   shown once, disable, enable) and the "Kiosk" section (register with a key shown once,
   revoke). Secrets are never kept: they leave the page when the admin says they are noted. */
import { t } from './i18n.js';
import { apiUrl } from './api.js';
import { $, el, clear, say, readForm, submitting } from './view.js';
import { A, mallPath, enc, aget, send, isSuper } from './admin-state.js';
import { formError, clearErrors, R, table, none, confirmIn, showOnce, fmtInstant, badge, rowError, rowSay } from './admin-ui.js';

// ---- staff -----------------------------------------------------------------------------------------
async function loadStaff() {
  const gen = A.gen;
  const list = await aget(mallPath('/staff'));
  if (gen !== A.gen) return;
  const holder = $('staff-list');
  clear(holder);
  if (!list.length) { holder.appendChild(none('st.none')); return; }
  holder.appendChild(table(t('st.list'), ['st.name', 'f.email', 'st.role', 'st.state', ''], list.map((s) => {
    const mine = A.me && s.account_id === A.me.account_id;
    const may = !mine && (s.role === 'staff' || isSuper());
    const action = may ? el('div', { class: 'row-actions' }, [el('button', {
      type: 'button', class: 'link-button' + (s.disabled ? '' : ' danger-text'), 'data-testid': s.disabled ? 'staff-enable' : 'staff-disable',
      'aria-label': t(s.disabled ? 'st.enable.label' : 'st.disable.label', { name: s.name }), text: t(s.disabled ? 'st.enable' : 'st.disable'),
      on: { click: (ev) => toggle(ev.currentTarget, s) }
    }), rowError()]) : el('span', { class: 'muted small', text: mine ? t('st.you') : '' });
    return {
      th: true, attrs: { 'data-testid': 'staff-row', 'data-email': s.email },
      cells: [s.name, s.email, t('role.' + s.role), badge(s.disabled ? 'off' : 'on', s.disabled ? 'st.disabled' : 'st.active'), action]
    };
  })));
}

async function toggle(button, s) {
  button.disabled = true;
  try {
    await send('POST', mallPath('/staff/' + enc(s.account_id) + (s.disabled ? '/enable' : '/disable')));
    say([s.disabled ? 'st.enabled' : 'st.disabled.ok', { name: s.name }], 'ok');
    await loadStaff();
  } catch (err) { button.disabled = false; rowSay(button, err); }
}

export async function enterStaff(arg, again) {
  $('sf-role-field').hidden = !isSuper();
  if (!again) {
    clearErrors($('form-staff'));
  }
  await loadStaff();
}

function onStaff(ev) {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  const v = readForm([['sf-name', 'required'], ['sf-email', 'email']], R);
  if (!v) return;
  const role = isSuper() ? $('sf-role').value : 'staff';
  submitting(form, async () => {
    try {
      const made = await send('POST', mallPath('/staff'), { email: v.email, name: v.name, role });
      form.reset();
      say('');
      showOnce($('staff-secret'), t('st.made', { name: made.name, email: made.email }), t('st.password'), made.temporary_password, t('st.password.note'));
      await loadStaff();
    } catch (err) { formError(form, err); }
  });
}

// ---- kiosks ---------------------------------------------------------------------------------------
async function loadKiosks() {
  const gen = A.gen;
  const list = await aget(mallPath('/kiosks'));
  if (gen !== A.gen) return;
  const holder = $('kiosk-list');
  clear(holder);
  if (!list.length) { holder.appendChild(none('ks.none')); return; }
  const tz = A.mall.timezone;
  holder.appendChild(table(t('ks.list'), ['ks.label', 'ks.kind', 'ks.created', 'ks.state', ''], list.map((k) => {
    let action = el('span', { class: 'muted small', text: k.revoked_at ? fmtInstant(k.revoked_at, tz) : '' });
    if (k.active) {
      const confirm = el('div', { class: 'confirm-holder', hidden: true });
      const btn = el('button', { type: 'button', class: 'link-button danger-text', 'data-testid': 'kiosk-revoke', 'aria-label': t('ks.revoke.label', { label: k.label }), text: t('ks.revoke') });
      btn.addEventListener('click', () => confirmIn(confirm, t('ks.revoke.confirm', { label: k.label }), 'ks.revoke.yes', async () => {
        await send('POST', mallPath('/kiosks/' + enc(k.kiosk_id) + '/revoke'));
        say(['ks.revoked', { label: k.label }], 'ok');
        await loadKiosks();
      }, 'kiosk-confirm'));
      action = el('div', { class: 'row-actions' }, [btn, confirm]);
    }
    return {
      th: true, attrs: { 'data-testid': 'kiosk-row', 'data-id': k.kiosk_id },
      cells: [k.label, t(k.kind === 'display' ? 'ks.kind.display' : 'ks.kind.kiosk'), fmtInstant(k.created_at, tz), badge(k.active ? 'on' : 'off', k.active ? 'ks.active' : 'ks.revoked.state'), action]
    };
  })));
}

export async function enterKiosks(arg, again) {
  if (!again) {
    clearErrors($('form-kiosk'));
  }
  await loadKiosks();
}

function onKiosk(ev) {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  const v = readForm([['ks-label', 'required']], R);
  if (!v) return;
  submitting(form, async () => {
    try {
      const kind = $('ks-kind').value === 'display' ? 'display' : 'kiosk';
      const k = await send('POST', mallPath('/kiosks'), { label: v.label, kind });
      form.reset();
      say('');
      // a TV gets the display page with its own key (it only mints the hall QR)
      const tv = k.kind === 'display';
      const link = tv ? apiUrl('display') + '#' + encodeURIComponent(A.mallId) + '&key=' + encodeURIComponent(k.key)
        : apiUrl('kiosk') + '#key=' + encodeURIComponent(k.key);
      showOnce($('kiosk-secret'), t(tv ? 'ks.made.display' : 'ks.made', { label: k.label }), t(tv ? 'ks.key.display' : 'ks.key'), k.key, t(tv ? 'ks.key.display.note' : 'ks.key.note'),
        el('p', null, [t('ks.link') + ' ', el('a', { href: link, 'data-testid': 'kiosk-link', text: link, target: '_blank', rel: 'noopener' })]));
      await loadKiosks();
    } catch (err) { formError(form, err); }
  });
}

export function initPeople() {
  $('form-staff').addEventListener('submit', onStaff);
  $('form-kiosk').addEventListener('submit', onKiosk);
}
