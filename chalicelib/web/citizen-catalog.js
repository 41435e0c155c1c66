/* Antre citizen page: the catalog: choose a mall, then a service. Also the catalog cache the
   other screens read names and time zones from. */
import { t } from './i18n.js';
import { get, ApiError } from './api.js';
import { $, el, clear, loading, zoneAbbr } from './view.js';
import { S } from './citizen-state.js';

const items = (r, name) => (Array.isArray(r) ? r : (r && (r.items || r[name])) || []);

export async function ensureMalls() {
  if (!S.malls) S.malls = items(await get('v1/malls'), 'malls');
  return S.malls;
}

export function mallById(id) {
  return (S.malls || []).filter((m) => m.mall_id === id)[0] || null;
}

export async function ensureServices(mallId) {
  if (!S.services[mallId]) S.services[mallId] = items(await get('v1/malls/' + encodeURIComponent(mallId) + '/services'), 'services');
  return S.services[mallId];
}

export function serviceById(mallId, sid) {
  return (S.services[mallId] || []).filter((s) => s.service_id === sid)[0] || null;
}

export function reqList(reqs) {
  if (!reqs || !reqs.length) return el('p', { class: 'small muted', text: t('svc.req.none') });
  return el('ul', { class: 'reqs' }, reqs.map((r) => el('li', { text: r })));
}

export async function viewMalls(gen) {
  const ul = $('mall-list');
  if (!S.malls) { clear(ul); loading(true); }
  const malls = await ensureMalls();
  if (gen !== S.gen) return;
  loading(false);
  clear(ul);
  if (!malls.length) ul.appendChild(el('li', { class: 'muted', text: t('malls.none') }));
  malls.forEach((m) => {
    ul.appendChild(el('li', null, [
      el('a', { class: 'card link', href: '#/m/' + encodeURIComponent(m.mall_id), 'data-testid': 'mall-' + m.mall_id }, [
        el('span', { class: 'title', text: m.name }),
        el('span', { class: 'meta', text: [m.city, zoneAbbr(m.timezone)].filter(Boolean).join(' · ') })
      ])
    ]));
  });
}

export async function viewServices(gen, mallId) {
  if (!S.services[mallId]) { clear($('service-list')); loading(true); }
  await ensureMalls();
  const mall = mallById(mallId);
  if (!mall) throw new ApiError('not_found', '', 404);
  await ensureServices(mallId);
  if (gen !== S.gen) return;
  loading(false);
  $('h-services').textContent = t('svc.title');
  $('services-mall').textContent = mall.name + (mall.city ? ', ' + mall.city : '') + ' (' + zoneAbbr(mall.timezone) + ')';
  renderServiceList(mallId);
}

function renderServiceList(mallId) {
  const ul = $('service-list');
  const q = $('service-filter').value.trim().toLowerCase();
  clear(ul);
  let shown = 0;
  (S.services[mallId] || []).forEach((s) => {
    const hay = (s.name + ' ' + (s.agency_name || '')).toLowerCase();
    if (q && hay.indexOf(q) < 0) return;
    shown++;
    const reqs = s.requirements || [];
    ul.appendChild(el('li', { class: 'card' + (s.online === false ? ' off' : ''), 'data-testid': 'service-card' }, [
      el('h2', { class: 'title', text: s.name }),
      el('p', { class: 'meta', text: s.agency_name || '' }),
      el('details', { class: 'req' }, [el('summary', { text: t('svc.req.n', { n: reqs.length }) }), reqList(reqs)]),
      s.online === false
        ? el('p', { class: 'walkin', 'data-testid': 'walkin-' + s.service_id, text: t('svc.walkin') })
        : el('a', { class: 'button primary', href: '#/m/' + encodeURIComponent(mallId) + '/s/' + encodeURIComponent(s.service_id),
          'data-testid': 'service-' + s.service_id, 'aria-label': t('svc.choose') + ': ' + s.name, text: t('svc.choose') })
    ]));
  });
  $('service-none').hidden = shown > 0;
}

export function initCatalog() {
  $('service-filter').addEventListener('input', () => {
    const m = S.route && S.route.split('/')[2];
    if (m) renderServiceList(decodeURIComponent(m));
  });
}
