/* Antre admin page: the forms of one agency, one service or one counter (new or changed). A
   service whose seats went down answers the slots now over their seats: the services list shows
   them as a warning. */
import { t } from './i18n.js';
import { $, el, clear, say, readForm, submitting, fieldError, focus } from './view.js';
import { A, go, mallPath, enc, send, changed, agencyName } from './admin-state.js';
import { formError, clearErrors, R, bounds } from './admin-ui.js';

const lines = (text) => text.split('\n').map((s) => s.trim()).filter(Boolean);
const E = { kind: null, id: null };  // what the open form edits; id null: a new one

// The object to edit, or null for 'new'; a missing one sends the admin back to the list.
function begin(kind, arg, list, key) {
  const isNew = !arg || arg === 'new';
  const item = isNew ? null : list.find((x) => x[key] === arg);
  if (!isNew && !item) { A.flash = { msg: 'err.not_found', kind: 'err' }; go('#/services'); return undefined; }
  E.kind = kind;
  E.id = isNew ? null : arg;
  return item;
}

function idField(input, value) {
  input.value = value || '';
  input.readOnly = !!value;
  input.classList.toggle('readonly', !!value);
}

// A new object must not take an id that exists (the PUT would change that one instead).
function freshId(input, list, key) {
  if (E.id || !list.some((x) => x[key] === input.value.trim())) return true;
  fieldError(input, 'v.exists');
  say('v.fix', 'err');
  focus(input);
  return false;
}

async function save(form, path, body, flash) {
  submitting(form, async () => {
    try {
      const view = changed(await send('PUT', mallPath(path), body));
      A.flash = view.conflicts && view.conflicts.length ? { msg: 'svc.saved.conflicts', kind: 'info' } : { msg: flash, kind: 'ok' };
      go('#/services');
    } catch (err) { formError(form, err); }
  });
}

// ---- agency --------------------------------------------------------------------------------------
export async function enterAgency(arg, again) {
  const a = begin('agency', arg, A.mall.agencies, 'agency_id');
  if (a === undefined) return;
  $('h-agency').textContent = a ? t('ag.edit', { name: a.name }) : t('ag.new');
  if (again) return;
  clearErrors($('form-agency'));
  idField($('ag-id'), a && a.agency_id);
  $('ag-name').value = a ? a.name : '';
  $('ag-letter').value = a ? a.letter : '';
}

function onAgency(ev) {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  const v = readForm([['ag-id', 'slug'], ['ag-name', 'required'], ['ag-letter', 'letter']], R);
  if (!v || !freshId($('ag-id'), A.mall.agencies, 'agency_id')) return;
  save(form, '/agencies/' + enc(v.agency_id), { name: v.name, letter: v.letter.toUpperCase() }, 'ag.saved');
}

// ---- service -------------------------------------------------------------------------------------
export async function enterService(arg, again) {
  const s = begin('service', arg, A.mall.services, 'service_id');
  if (s === undefined) return;
  $('h-service').textContent = s ? t('svc.edit', { name: s.name }) : t('svc.new');
  if (again) return;
  clearErrors($('form-service'));
  idField($('sv-id'), s && s.service_id);
  const sel = $('sv-agency');
  clear(sel);
  sel.appendChild(el('option', { value: '', text: t('svc.agency.pick') }));
  A.mall.agencies.forEach((a) => sel.appendChild(el('option', { value: a.agency_id, text: a.letter + ' · ' + a.name })));
  sel.value = s ? s.agency_id : '';
  $('sv-name').value = s ? s.name : '';
  $('sv-name-en').value = s ? s.name_en : '';
  $('sv-req').value = s ? s.requirements.join('\n') : '';
  $('sv-req-en').value = s ? s.requirements_en.join('\n') : '';
  $('sv-slot').value = s ? s.slot_minutes : 30;
  $('sv-capacity').value = s ? s.capacity : 4;
  $('sv-walkin').value = s ? s.walkin_quota : 0;
  $('sv-online').checked = s ? s.online : true;
}

function onService(ev) {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  const v = readForm([['sv-id', 'slug'], ['sv-agency', 'required'], ['sv-name', 'required'], ['sv-name-en', 'any'],
    ['sv-req', 'any'], ['sv-req-en', 'any'], ['sv-slot', 'int'], ['sv-capacity', 'int'], ['sv-walkin', 'int']], R);
  if (!v || !bounds(form) || !freshId($('sv-id'), A.mall.services, 'service_id')) return;
  save(form, '/services/' + enc(v.service_id), {
    agency_id: v.agency_id, name: v.name, name_en: v.name_en,
    requirements: lines(v.requirements), requirements_en: lines(v.requirements_en),
    slot_minutes: parseInt(v.slot_minutes, 10), capacity: parseInt(v.capacity, 10),
    online: $('sv-online').checked, walkin_quota: parseInt(v.walkin_quota, 10)
  }, 'svc.saved');
}

// ---- counter -------------------------------------------------------------------------------------
export async function enterCounter(arg, again) {
  const c = begin('counter', arg, A.mall.counters, 'counter_id');
  if (c === undefined) return;
  $('h-counter').textContent = c ? t('ct.edit', { name: c.name }) : t('ct.new');
  if (again) return;
  clearErrors($('form-counter'));
  idField($('ct-id'), c && c.counter_id);
  $('ct-name').value = c ? c.name : '';
  const list = $('ct-service-list');
  clear(list);
  A.mall.services.forEach((s) => {
    const id = 'ct-svc-' + s.service_id;
    list.appendChild(el('div', { class: 'choice' }, [
      el('input', { type: 'checkbox', id, name: 'service_ids', value: s.service_id, checked: !!c && c.service_ids.indexOf(s.service_id) >= 0 }),
      el('label', { for: id }, [s.name, el('span', { class: 'sub', text: agencyName(s.agency_id) })])]));
  });
}

function onCounter(ev) {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  const v = readForm([['ct-id', 'slug'], ['ct-name', 'required']], R);
  if (!v || !freshId($('ct-id'), A.mall.counters, 'counter_id')) return;
  const ids = Array.prototype.map.call(form.querySelectorAll('input[name=service_ids]:checked'), (i) => i.value);
  if (!ids.length) {
    fieldError($('ct-services-anchor'), 'v.services');
    say('v.fix', 'err');
    focus(form.querySelector('input[name=service_ids]'));
    return;
  }
  save(form, '/counters/' + enc(v.counter_id), { name: v.name, service_ids: ids }, 'ct.saved');
}

export function initEdit() {
  $('form-agency').addEventListener('submit', onAgency);
  $('form-service').addEventListener('submit', onService);
  $('form-counter').addEventListener('submit', onCounter);
}
