/* Antre citizen page: one booking with its QR, the list of bookings, and cancelling. */
import { t } from './i18n.js';
import { get, post, ApiError } from './api.js';
import { $, el, clear, say, sayError, loading, focus, fmtDate, fmtTime, safeSvg } from './view.js';
import { S } from './citizen-state.js';
import { ensureMalls, ensureServices, mallById, serviceById, reqList } from './citizen-catalog.js';

const bookingPath = (id) => 'v1/bookings/' + encodeURIComponent(id);

export async function ensureBooking(id) {
  if (!S.booking[id]) S.booking[id] = await get(bookingPath(id), { auth: true });
  return S.booking[id];
}

// Loads the names of the malls and services a list of bookings refers to.
export async function namesFor(list) {
  await ensureMalls();
  const ids = {};
  list.forEach((b) => { ids[b.mall_id] = 1; });
  await Promise.all(Object.keys(ids).map((m) => ensureServices(m).catch(() => { S.services[m] = S.services[m] || null; })));
}

function bookingFacts(b) {
  const mall = mallById(b.mall_id), svc = serviceById(b.mall_id, b.service_id);
  return {
    svc,
    service: b.service_name || (svc && svc.name) || b.service_id,
    agency: b.agency_name || (svc && svc.agency_name) || '',
    place: b.mall_name || (mall && mall.name) || b.mall_id,
    date: fmtDate(b.date),
    time: fmtTime(b.start, b.end, mall ? mall.timezone : b.timezone)
  };
}

function statusBadge(st) {
  return el('span', { class: 'badge st-' + st, 'data-testid': 'booking-status', 'data-status': st, text: t('st.' + st) });
}

export async function viewBooking(gen, id) {
  const fresh = S.justBooked === id;
  $('h-booking').textContent = t(fresh ? 'bk.title.new' : 'bk.title');
  const qr = $('bk-qr');
  if (!S.booking[id]) { loading(true); clear(qr); $('bk-code').textContent = ''; clear($('bk-details')); }
  const b = await ensureBooking(id);
  await namesFor([b]);
  if (gen !== S.gen) return;
  loading(false);
  const f = bookingFacts(b);
  $('bk-code').textContent = b.code;
  const dl = $('bk-details');
  clear(dl);
  [['bk.service', f.service], ['bk.agency', f.agency], ['bk.mall', f.place], ['bk.date', f.date], ['bk.time', f.time]]
    .forEach((row) => {
      if (row[1]) dl.appendChild(el('div', null, [el('dt', { text: t(row[0]) }), el('dd', { text: row[1] })]));
    });
  dl.appendChild(el('div', null, [el('dt', { text: t('bk.status') }), el('dd', null, [statusBadge(b.status)])]));
  const req = $('bk-req');
  clear(req);
  if (f.svc) req.appendChild(el('details', { class: 'req', open: fresh }, [
    el('summary', { text: t('svc.req.n', { n: (f.svc.requirements || []).length }) }), reqList(f.svc.requirements)]));
  $('bk-qr-note').hidden = b.status !== 'booked';
  if (b.status !== 'booked') {
    clear(qr);
    qr.appendChild(el('p', { class: 'small muted', text: t('bk.noqr') }));
    return;
  }
  const have = qr.getAttribute('data-for') === b.booking_id + b.code && qr.querySelector('svg');
  if (have) { have.setAttribute('aria-label', t('bk.qralt', { code: b.code })); return; }
  clear(qr);
  qr.removeAttribute('data-for');
  try {
    const svgText = await get(bookingPath(id) + '/qr.svg', { auth: true, text: true });
    if (gen !== S.gen) return;
    const svg = safeSvg(svgText);
    if (!svg) throw new ApiError('unknown');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', t('bk.qralt', { code: b.code }));
    svg.setAttribute('focusable', 'false');
    clear(qr);
    qr.appendChild(svg);
    qr.setAttribute('data-for', b.booking_id + b.code);
  } catch (err) {
    if (err.code === 'unauthorized') return;
    if (gen === S.gen) qr.appendChild(el('p', { class: 'small muted', text: t('bk.qrfail') }));
  }
}

export async function viewBookings(gen) {
  if (!S.bookings) { clear($('booking-list')); loading(true); }
  const r = await get('v1/bookings', { auth: true });
  const list = Array.isArray(r) ? r : (r && (r.items || r.bookings)) || [];
  await namesFor(list);
  if (gen !== S.gen) return;
  loading(false);
  S.bookings = list;
  list.forEach((b) => { S.booking[b.booking_id] = b; });
  renderBookings();
}

function renderBookings() {
  const ul = $('booking-list');
  clear(ul);
  $('bookings-none').hidden = S.bookings.length > 0;
  S.bookings.forEach((b) => {
    const f = bookingFacts(b);
    const kids = [
      el('div', { class: 'row' }, [el('span', { class: 'code-sm', text: b.code }), statusBadge(b.status)]),
      el('h2', { class: 'title', text: f.service }),
      el('p', { class: 'meta', text: f.place }),
      el('p', { class: 'when', text: f.date + ', ' + f.time })
    ];
    if (b.status === 'booked') {
      if (S.confirming === b.booking_id) {
        kids.push(el('div', { class: 'confirm', role: 'group', 'aria-labelledby': 'cq-' + b.booking_id }, [
          el('p', { id: 'cq-' + b.booking_id, text: t('bks.confirm', { code: b.code }) }),
          el('div', { class: 'actions' }, [
            el('button', { type: 'button', class: 'danger', 'data-testid': 'confirm-cancel',
              on: { click: (ev) => doCancel(b, ev.currentTarget) }, text: t('bks.confirm.yes') }),
            el('button', { type: 'button', class: 'secondary', 'data-testid': 'keep-booking',
              on: { click: () => { S.confirming = null; renderBookings(); focusIn(b.booking_id, 'cancel'); } },
              text: t('bks.confirm.no') })
          ])
        ]));
      } else {
        kids.push(el('div', { class: 'actions' }, [
          el('a', { class: 'button secondary', href: '#/b/' + encodeURIComponent(b.booking_id), 'data-testid': 'show', text: t('bks.show') }),
          el('a', { class: 'button secondary', href: '#/r/' + encodeURIComponent(b.booking_id), 'data-testid': 'reschedule', text: t('bks.reschedule') }),
          el('button', { type: 'button', class: 'danger-outline', 'data-testid': 'cancel',
            on: { click: () => { S.confirming = b.booking_id; renderBookings(); focusIn(b.booking_id, 'confirm-cancel'); } },
            text: t('bks.cancel') })
        ]));
      }
    }
    ul.appendChild(el('li', { class: 'card', 'data-testid': 'booking-item', 'data-code': b.code, 'data-id': b.booking_id }, kids));
  });
}

function inItem(id, selector) {
  return document.querySelector('[data-id="' + id + '"] ' + selector);
}

function focusIn(id, testid) { focus(inItem(id, '[data-testid="' + testid + '"]')); }

async function doCancel(b, btn) {
  btn.disabled = true;
  say('loading', 'info');
  try {
    const r = await post(bookingPath(b.booking_id) + '/cancel', undefined, { auth: true });
    b.status = (r && r.status) || 'cancelled';
    S.confirming = null;
    renderBookings();
    say(['bks.cancelled', { code: b.code }], 'ok');
    focus(inItem(b.booking_id, '.title'));
  } catch (err) {
    btn.disabled = false;
    sayError(err);
  }
}
