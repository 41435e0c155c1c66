/* Antre citizen page: the catalog: choose a mall (the first screen), then a service on the
   mall's page, which also says where the mall is, when it opens and which days it is closed.
   Also the catalog cache the other screens read names, places and time zones from. */
import { t, lang } from './i18n.js';
import { get, ApiError } from './api.js';
import { $, el, clear, loading, zoneAbbr, fmtDate } from './view.js';
import { S, inLang } from './citizen-state.js';

const items = (r, name) => (Array.isArray(r) ? r : (r && (r.items || r[name])) || []);
const mallPath = (id) => 'v1/malls/' + encodeURIComponent(id);
const PLACE_TTL = 300000;  // "today" moves at midnight: a mall's page is read again after 5 minutes

export async function ensureMalls() {
  if (!S.malls) S.malls = items(await get('v1/malls'), 'malls');
  return S.malls;
}

export function mallById(id) {
  return (S.malls || []).filter((m) => m.mall_id === id)[0] || null;
}

// Services come named in the reader's language, so they are kept per language.
export async function ensureServices(mallId) {
  const k = inLang(mallId);
  if (!S.services[k]) S.services[k] = items(await get(mallPath(mallId) + '/services'), 'services');
  return S.services[k];
}

export function serviceById(mallId, sid) {
  return (S.services[inLang(mallId)] || []).filter((s) => s.service_id === sid)[0] || null;
}

// The mall's page: {today, address, map_url, weekly_hours, closed_days, max_days_ahead, ...}.
export async function ensurePlace(mallId) {
  const k = inLang(mallId), c = S.place[k];
  if (c && Date.now() - c.at < PLACE_TTL) return c.data;
  const data = await get(mallPath(mallId));
  S.place[k] = { at: Date.now(), data };
  return data;
}

// Loads the names of the malls and services (in the reader's language) a list refers to.
export async function namesFor(list) {
  await ensureMalls();
  const ids = {};
  list.forEach((b) => { ids[b.mall_id] = 1; });
  await Promise.all(Object.keys(ids).map((m) => ensureServices(m).catch(() => null)));
}

export function reqList(reqs) {
  if (!reqs || !reqs.length) return el('p', { class: 'small muted', text: t('svc.req.none') });
  return el('ul', { class: 'reqs' }, reqs.map((r) => el('li', { text: r })));
}

// The address and an OpenStreetMap link (a plain link: no map script on the page).
export function whereBlock(place, name) {
  const kids = [];
  if (name) kids.push(el('p', { class: 'place-name', text: name }));
  if (place.address) kids.push(el('p', { class: 'addr', 'data-testid': 'mall-address', text: place.address }));
  if (place.map_url && /^https:\/\//.test(place.map_url)) {
    kids.push(el('p', null, [el('a', { href: place.map_url, target: '_blank', rel: 'noopener noreferrer',
      'data-testid': 'map-link', text: t('place.map') })]));
  }
  return el('div', null, kids);
}

function weekday(i) {  // 0 = Monday (1 January 2024 was one)
  try {
    return new Intl.DateTimeFormat(lang() === 'en' ? 'en-GB' : 'id-ID', { weekday: 'long', timeZone: 'UTC' })
      .format(new Date(Date.UTC(2024, 0, 1 + i)));
  } catch (e) { return String(i); }
}

function hoursText(h) {
  if (!h) return t('place.shut');
  const breaks = (h.breaks || []).map((b) => b[0] + '–' + b[1]);
  return h.open + '–' + h.close + (breaks.length ? ' · ' + t('place.break', { times: breaks.join(', ') }) : '');
}

// Monday to Sunday, days with the same hours in one row ("Senin–Kamis 08:00–15:00").
function hoursTable(place) {
  const rows = [];
  for (let i = 0; i < 7; i++) {
    const text = hoursText((place.weekly_hours || {})[String(i)]);
    const last = rows[rows.length - 1];
    if (last && last.text === text) last.to = i; else rows.push({ from: i, to: i, text });
  }
  return el('table', { class: 'hours', 'data-testid': 'hours', 'aria-labelledby': 'h-hours' }, [
    el('tbody', null, rows.map((r) => el('tr', null, [
      el('th', { scope: 'row', text: weekday(r.from) + (r.to > r.from ? '–' + weekday(r.to) : '') }),
      el('td', { text: r.text })
    ])))
  ]);
}

function placeBox(place) {
  const box = $('place');
  clear(box);
  box.appendChild(whereBlock(place));
  box.appendChild(el('h2', { id: 'h-hours', text: t('place.hours', { zone: zoneAbbr(place.timezone) }) }));
  box.appendChild(hoursTable(place));
  const special = Object.keys(place.special_hours || {}).sort().slice(0, 5);
  if (special.length) {
    box.appendChild(el('h3', { text: t('place.special') }));
    box.appendChild(el('ul', { class: 'place-list' }, special.map((d) =>
      el('li', { text: fmtDate(d) + ': ' + hoursText(place.special_hours[d]) }))));
  }
  const closed = (place.closed_days || []).slice(0, 4);
  if (closed.length) {
    box.appendChild(el('h3', { text: t('place.closed') }));
    box.appendChild(el('ul', { class: 'place-list', 'data-testid': 'closed-days' }, closed.map((c) =>
      el('li', { 'data-date': c.date }, [el('strong', { text: fmtDate(c.date) }), ' – ' + c.reason]))));
  }
  box.hidden = false;
}

export async function viewMalls(gen) {
  $('intro').hidden = !!S.token;
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
  if (!S.services[inLang(mallId)]) { clear($('service-list')); $('place').hidden = true; loading(true); }
  await ensureMalls();
  const mall = mallById(mallId);
  if (!mall) throw new ApiError('not_found', '', 404);
  const r = await Promise.all([ensureServices(mallId), ensurePlace(mallId).catch(() => null)]);
  if (gen !== S.gen) return;
  loading(false);
  $('h-services').textContent = mall.name;
  $('services-mall').textContent = [mall.city, zoneAbbr(mall.timezone)].filter(Boolean).join(' · ');
  if (r[1]) placeBox(r[1]); else $('place').hidden = true;
  renderServiceList(mallId);
}

function renderServiceList(mallId) {
  const ul = $('service-list');
  const q = $('service-filter').value.trim().toLowerCase();
  clear(ul);
  let shown = 0;
  (S.services[inLang(mallId)] || []).forEach((s) => {
    const hay = (s.name + ' ' + (s.agency_name || '')).toLowerCase();
    if (q && hay.indexOf(q) < 0) return;
    shown++;
    const reqs = s.requirements || [];
    ul.appendChild(el('li', { class: 'card' + (s.online === false ? ' off' : ''), 'data-testid': 'service-card' }, [
      el('h3', { class: 'title', text: s.name }),
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
