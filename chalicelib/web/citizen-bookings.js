/* Antre citizen page: one booking (its card: code and QR, where to go, what to bring, the
   calendar file, cancel and reschedule), and "My bookings" with the waitlist below it. */
import { t } from './i18n.js';
import { get, post, ApiError } from './api.js';
import { $, el, clear, say, sayError, loading, focus, fmtDate, fmtTime, safeSvg } from './view.js';
import { S, confirmBox } from './citizen-state.js';
import { namesFor, ensurePlace, mallById, serviceById, reqList, whereBlock } from './citizen-catalog.js';
import { loadWaits, renderWaits } from './citizen-waitlist.js';

const bookingPath = (id) => 'v1/bookings/' + encodeURIComponent(id);

export async function ensureBooking(id) {
  if (!S.booking[id]) S.booking[id] = await get(bookingPath(id), { auth: true });
  return S.booking[id];
}

export function bookingFacts(b) {
  const mall = mallById(b.mall_id), svc = serviceById(b.mall_id, b.service_id);
  return {
    svc,
    service: (svc && svc.name) || b.service_id,
    agency: (svc && svc.agency_name) || '',
    place: (mall && mall.name) || b.mall_id,
    date: fmtDate(b.date),
    time: b.start ? fmtTime(b.start, b.end, mall ? mall.timezone : '') : ''
  };
}

function statusBadge(st) {
  return el('span', { class: 'badge st-' + st, 'data-testid': 'booking-status', 'data-status': st, text: t('st.' + st) });
}

// ---- one booking ---------------------------------------------------------------------------
export async function viewBooking(gen, id) {
  const fresh = S.justBooked === id;
  $('h-booking').textContent = t(fresh ? 'bk.title.new' : 'bk.title');
  const qr = $('bk-qr');
  if (!S.booking[id]) {
    loading(true); clear(qr); $('bk-code').textContent = '';
    ['bk-details', 'bk-actions', 'bk-where', 'bk-req'].forEach((n) => clear($(n)));
  }
  const b = await ensureBooking(id);
  await namesFor([b]);
  const place = await ensurePlace(b.mall_id).catch(() => null);
  if (gen !== S.gen) return;
  loading(false);
  renderCard(b, place);
  $('bk-qr-note').hidden = b.status !== 'booked';
  if (b.status !== 'booked') {
    clear(qr);
    qr.removeAttribute('data-for');
    qr.appendChild(el('p', { class: 'small muted', text: t('bk.noqr') }));
    return;
  }
  const have = qr.getAttribute('data-for') === b.booking_id + b.code && qr.querySelector('svg');
  if (have) { have.setAttribute('aria-label', t('bk.qralt', { code: b.code })); return; }
  clear(qr);
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

function renderCard(b, place) {
  const f = bookingFacts(b);
  $('bk-code').textContent = b.code;
  const dl = $('bk-details');
  clear(dl);
  [['bk.service', f.service], ['bk.agency', f.agency], ['bk.date', f.date], ['bk.time', f.time]].forEach((row) => {
    if (row[1]) dl.appendChild(el('div', null, [el('dt', { text: t(row[0]) }), el('dd', { text: row[1] })]));
  });
  dl.appendChild(el('div', null, [el('dt', { text: t('bk.status') }), el('dd', null, [statusBadge(b.status)])]));

  const acts = $('bk-actions');
  clear(acts);
  if (b.status === 'booked') {
    if (S.confirming === 'card-' + b.booking_id) {
      acts.appendChild(confirmBox('card-' + b.booking_id, 'cancel', t('bks.confirm', { code: b.code }), t('bks.confirm.yes'),
        (btn) => doCancel(b, btn, () => { renderCard(b, place); $('bk-qr-note').hidden = true; clear($('bk-qr')); focus($('h-booking')); }),
        () => { S.confirming = null; renderCard(b, place); focus($('bk-actions').querySelector('[data-testid="cancel"]')); }));
    } else {
      acts.appendChild(el('button', { type: 'button', class: 'secondary', 'data-testid': 'ics',
        on: { click: (ev) => downloadIcs(b, ev.currentTarget) }, text: t('bk.ics') }));
      acts.appendChild(el('a', { class: 'button secondary', href: '#/r/' + encodeURIComponent(b.booking_id),
        'data-testid': 'reschedule', text: t('bks.reschedule') }));
      acts.appendChild(el('button', { type: 'button', class: 'danger-outline', 'data-testid': 'cancel',
        on: { click: () => { S.confirming = 'card-' + b.booking_id; renderCard(b, place); focus($('bk-actions').querySelector('[data-testid="confirm-cancel"]')); } },
        text: t('bks.cancel') }));
    }
  }
  const where = $('bk-where');
  clear(where);
  where.appendChild(whereBlock(place || {}, f.place));
  const req = $('bk-req');
  clear(req);
  req.appendChild(f.svc ? reqList(f.svc.requirements) : el('p', { class: 'small muted', text: t('svc.req.none') }));
  // What to bring and "the QR was emailed" are for a visit still ahead, not a cancelled one.
  $('bk-ahead').hidden = b.status !== 'booked';
  // Checked in: the live queue number is one tap away.
  if (b.status === 'checked_in' && b.ticket_url) {
    acts.appendChild(el('a', { class: 'button', href: b.ticket_url, 'data-testid': 'live-ticket',
      text: t('bk.ticket') }));
  }
}

// The calendar file needs the Bearer header, so it is fetched, then saved as a file.
async function downloadIcs(b, btn) {
  btn.disabled = true;
  try {
    const text = await get(bookingPath(b.booking_id) + '/calendar.ics', { auth: true, text: true });
    const url = URL.createObjectURL(new Blob([text], { type: 'text/calendar' }));
    const a = el('a', { href: url, download: 'antre-' + b.code + '.ics', hidden: true });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    say('bk.ics.ok', 'ok');
  } catch (err) {
    sayError(err);
  } finally {
    btn.disabled = false;
  }
}

// ---- my bookings ---------------------------------------------------------------------------
export async function viewBookings(gen) {
  if (!S.bookings) { clear($('booking-list')); loading(true); }
  const r = await Promise.all([get('v1/bookings', { auth: true }), loadWaits()]);
  const list = Array.isArray(r[0]) ? r[0] : (r[0] && (r[0].items || r[0].bookings)) || [];
  await namesFor(list.concat(r[1]));
  if (gen !== S.gen) return;
  loading(false);
  S.bookings = list;
  list.forEach((b) => { S.booking[b.booking_id] = b; });
  renderBookings();
  // Waiting and offered entries first; an offer, which lapses within minutes, above the bookings.
  const rank = (w) => (w.status === 'offered' ? 0 : w.status === 'waiting' ? 1 : 2);
  const waits = S.waits.slice().sort((a, b) => rank(a) - rank(b));
  renderWaits($('wait-list'), waits, () => viewBookings(S.gen));
  $('waits').hidden = !waits.length;
  const first = waits.length && rank(waits[0]) === 0 ? $('waits') : $('bks-part');
  if ($('view-bookings').querySelector('h1').nextElementSibling !== first) {
    $('view-bookings').insertBefore(first, $('view-bookings').querySelector('h1').nextElementSibling);
  }
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
        kids.push(confirmBox(b.booking_id, 'cancel', t('bks.confirm', { code: b.code }), t('bks.confirm.yes'),
          (btn) => doCancel(b, btn, () => { renderBookings(); focus(inItem(b.booking_id, '.title')); }),
          () => { S.confirming = null; renderBookings(); focusIn(b.booking_id, 'cancel'); }));
      } else {
        kids.push(el('div', { class: 'actions' }, [
          el('a', { class: 'button secondary', href: '#/b/' + encodeURIComponent(b.booking_id), 'data-testid': 'show', text: t('bks.show') }),
          el('a', { class: 'button secondary', href: '#/r/' + encodeURIComponent(b.booking_id), 'data-testid': 'reschedule', text: t('bks.reschedule') }),
          el('button', { type: 'button', class: 'danger-outline', 'data-testid': 'cancel',
            on: { click: () => { S.confirming = b.booking_id; renderBookings(); focusIn(b.booking_id, 'confirm-cancel'); } },
            text: t('bks.cancel') })
        ]));
      }
    } else {
      kids.push(el('div', { class: 'actions' }, [
        el('a', { class: 'button secondary', href: '#/b/' + encodeURIComponent(b.booking_id), 'data-testid': 'show', text: t('bks.details') })]));
    }
    ul.appendChild(el('li', { class: 'card', 'data-testid': 'booking-item', 'data-code': b.code, 'data-id': b.booking_id }, kids));
  });
}

function inItem(id, selector) {
  return document.querySelector('#booking-list [data-id="' + id + '"] ' + selector);
}

function focusIn(id, testid) { focus(inItem(id, '[data-testid="' + testid + '"]')); }

async function doCancel(b, btn, after) {
  btn.disabled = true;
  say('loading', 'info');
  try {
    const r = await post(bookingPath(b.booking_id) + '/cancel', undefined, { auth: true });
    b.status = (r && r.status) || 'cancelled';
    S.confirming = null;
    S.waits = null;
    after();
    say(['bks.cancelled', { code: b.code }], 'ok');
  } catch (err) {
    btn.disabled = false;
    sayError(err);
  }
}
