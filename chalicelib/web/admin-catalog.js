/* Antre admin page: the "Layanan" section: the mall's agencies, services and counters in three
   tables, each row with a link to its form (admin-edit.js) and a delete that asks first. A
   refused delete (409 in_use) shows the server's words beside the row. */
import { t } from './i18n.js';
import { $, el, clear, say } from './view.js';
import { A, mallPath, enc, send, changed, serviceName, agencyName } from './admin-state.js';
import { table, none, confirmIn, conflictsBox } from './admin-ui.js';

const PLURAL = { agency: 'agencies', service: 'services', counter: 'counters' };

function rowActions(kind, id, name) {
  const holder = el('div', { class: 'confirm-holder', hidden: true });
  const del = el('button', {
    type: 'button', class: 'link-button danger-text', 'data-testid': kind + '-delete', 'data-id': id,
    'aria-label': t('tbl.delete.label', { name }), text: t('tbl.delete')
  });
  del.addEventListener('click', () => confirmIn(holder, t('tbl.delete.confirm', { name }), 'tbl.delete.yes', async () => {
    const view = changed(await send('DELETE', mallPath('/' + PLURAL[kind] + '/' + enc(id))));
    // a service with bookings is retired, not deleted: its bookings stay
    const kept = kind === 'service' && view.services.some((s) => s.service_id === id && s.retired);
    say([kept ? 'svc.retired.done' : 'tbl.deleted', { name }], 'ok');
    paint();
  }, kind + '-confirm'));
  return el('div', { class: 'row-actions' }, [
    el('a', { href: '#/' + kind + '/' + enc(id), 'data-testid': kind + '-edit', 'data-id': id, 'aria-label': t('tbl.edit.label', { name }), text: t('tbl.edit') }),
    del, holder]);
}

function paintAgencies(m) {
  const holder = $('agency-table');
  clear(holder);
  if (!m.agencies.length) { holder.appendChild(none('ag.none')); return; }
  holder.appendChild(table(t('ag.title'), ['ag.letter.short', 'ag.name', 'ag.services', ''], m.agencies.map((a) => ({
    th: true, attrs: { 'data-testid': 'agency-row', 'data-id': a.agency_id },
    cells: [a.letter, a.name, String(m.services.filter((s) => s.agency_id === a.agency_id).length), rowActions('agency', a.agency_id, a.name)]
  }))));
}

function paintServices(m) {
  const holder = $('service-table');
  clear(holder);
  if (!m.services.length) { holder.appendChild(none('svc.none')); return; }
  const sorted = m.services.slice().sort((a, b) => (agencyName(a.agency_id) + a.name).localeCompare(agencyName(b.agency_id) + b.name));
  holder.appendChild(table(t('svc.list'), ['svc.name.short', 'svc.agency', 'svc.slot.short', 'svc.capacity.short', 'svc.online', 'svc.walkin.short', ''],
    sorted.map((s) => ({
      th: true, attrs: { 'data-testid': 'service-row', 'data-id': s.service_id },
      cells: [el('span', null, [s.name, s.name_en ? el('span', { class: 'sub', lang: 'en', text: s.name_en }) : null,
        s.retired ? el('span', { class: 'sub', 'data-testid': 'service-retired', text: t('svc.retired') }) : null,
        s.retired ? el('a', { class: 'sub', href: '#/retired/' + enc(s.service_id), 'data-testid': 'service-bookings', text: t('svc.bookings') }) : null]),
        agencyName(s.agency_id), t('svc.minutes', { n: s.slot_minutes }),
        el('span', { 'data-testid': 'service-capacity-cell', text: String(s.capacity) }),
        t(s.online ? 'yes' : 'no'), String(s.walkin_quota), rowActions('service', s.service_id, s.name)]
    }))));
}

function paintCounters(m) {
  const holder = $('counter-table');
  clear(holder);
  if (!m.counters.length) { holder.appendChild(none('ct.none')); return; }
  holder.appendChild(table(t('ct.title'), ['ct.name', 'ct.services', ''], m.counters.map((c) => ({
    th: true, attrs: { 'data-testid': 'counter-row', 'data-id': c.counter_id },
    cells: [c.name, c.service_ids.map(serviceName).join(', '), rowActions('counter', c.counter_id, c.name)]
  }))));
}

// A service no counter serves: its tickets would never be called.
function paintWarnings(m) {
  const holder = $('svc-warnings');
  clear(holder);
  const list = (m.warnings || []).filter((w) => w.code === 'no_counter');
  holder.hidden = !list.length;
  if (!list.length) return;
  holder.appendChild(el('div', { class: 'warn', role: 'status', 'data-testid': 'catalog-warnings' }, [
    el('h2', { text: t('svc.warn.title') }),
    el('ul', null, list.map((w) => el('li', { 'data-testid': 'warning', text: t('svc.warn.no_counter', { service: serviceName(w.service_id) }) })))]));
}

function paint() {
  const m = A.mall;
  conflictsBox($('svc-conflicts'), A.conflicts, serviceName);
  paintWarnings(m);
  paintAgencies(m);
  paintServices(m);
  paintCounters(m);
}

export async function enterServices() { paint(); }
