/* Antre counter page: booking for a citizen without email or phone ("Booking untuk warga").
   Service, date, a free time, name, NIK (pasted spaces and dashes are fine), optional phone;
   then the code and its QR on a slip to print. */
import { t } from './i18n.js';
import { get, post } from './api.js';
import { $, el, clear, say, sayServer, fieldError, readForm, submitting, rules, todayIn, addDays, fmtDate, fmtTime } from './view.js';
import { svgNode } from './floor.js';
import { C, ensureServices, ensureMall, ensureToday } from './counter-state.js';

const RECENT = 10;
const digits = (v) => v.replace(/[\s.\-]/g, '');
const RULES = Object.assign({}, rules, {
  nik: (v) => (!v ? 'v.required' : (/^[0-9]{16}$/.test(digits(v)) ? null : 'v.nik')),
  phone: (v) => (!v || /^\+?[0-9 ().-]{8,20}$/.test(v) ? null : 'v.phone')
});
const B = { recent: [], slotsGen: 0, slip: null };
// the service's name and requirements in the page's language (the answer's are the server's)
const serviceOf = (b) => (C.services || []).find((s) => s.service_id === b.service_id);
const serviceName = (b) => { const s = serviceOf(b); return s ? s.name : b.service_name; };

const mallPath = () => 'v1/malls/' + encodeURIComponent(C.me.mall_id);

function fillServices(services) {
  // rebuilt on every visit, so a language switch renames them; the choice is kept
  const sel = $('book-service'), keep = sel.value;
  clear(sel);
  services.filter((s) => s.online).forEach((s) => {
    sel.appendChild(el('option', { value: s.service_id, text: s.name + ' · ' + s.agency_name }));
  });
  if (keep && services.some((s) => s.service_id === keep && s.online)) sel.value = keep;
}

function fillDate(mall, today) {
  const input = $('book-date');
  input.min = today;
  input.max = addDays(today, mall.max_days_ahead || 30);
  if (!input.value || input.value < today) input.value = today;
}

async function loadSlots() {
  const gen = ++B.slotsGen, sel = $('book-slot'), hint = $('book-slot-hint');
  const service = $('book-service').value, date = $('book-date').value;
  const keep = sel.value;
  clear(sel);
  hint.textContent = '';
  if (!service || !date) return;
  sel.disabled = true;
  try {
    const slots = await get(mallPath() + '/services/' + encodeURIComponent(service) + '/slots?date=' + encodeURIComponent(date));
    if (gen !== B.slotsGen) return;
    const free = slots.filter((s) => s.remaining > 0);
    sel.appendChild(el('option', { value: '', text: t('book.slot.pick') }));
    free.forEach((s) => sel.appendChild(el('option', { value: s.start, text: t('book.slot.left', { start: s.start, end: s.end, n: s.remaining }) })));
    if (free.some((s) => s.start === keep)) sel.value = keep;
    hint.textContent = free.length ? '' : t('book.noslots');
    sel.disabled = !free.length;
  } catch (err) {
    if (gen === B.slotsGen) sayServer(err);
  }
}

function showSlip(b, focus = true) {
  B.slip = b;
  $('slip-code').textContent = b.code;
  const qr = $('slip-qr');
  clear(qr);
  const node = svgNode(b.qr_svg);
  if (node) qr.appendChild(node);
  const dl = $('slip-details');
  clear(dl);
  const tz = C.mall ? C.mall.timezone : '';
  [['slip.name', b.holder_name], ['slip.nik', b.nik_last4 ? '•••• •••• •••• ' + b.nik_last4 : ''],
    ['slip.service', serviceName(b)], ['slip.mall', b.mall_name], ['slip.date', fmtDate(b.date)],
    ['slip.time', fmtTime(b.start, b.end, tz)]].forEach((row) => {
    if (row[1]) dl.appendChild(el('div', null, [el('dt', { text: t(row[0]) }), el('dd', { text: row[1] })]));
  });
  // what to bring, named (a slip that only says "the originals" sends people home)
  const service = serviceOf(b);
  const reqs = $('slip-reqs');
  clear(reqs);
  (service ? service.requirements : []).forEach((r) => reqs.appendChild(el('li', { text: r })));
  $('slip-reqs-box').hidden = !reqs.children.length;
  $('bk-slip').hidden = false;
  if (focus) $('bk-slip').focus();
}

async function loadRecent() {
  try {
    B.recent = await get('v1/staff/bookings', { auth: true });
  } catch (err) { if (!err.handled) sayServer(err); return; }
  const list = $('recent-bookings');
  clear(list);
  B.recent.slice(0, RECENT).forEach((b) => {
    list.appendChild(el('li', { class: 'card', 'data-testid': 'recent-booking' }, [
      el('span', { class: 'title code-sm', text: b.code }),
      el('span', { class: 'meta', text: [b.holder_name, serviceName(b), fmtDate(b.date, true) + ' ' + b.start, t('st.' + b.status)].join(' · ') }),
      el('button', { type: 'button', class: 'secondary', text: t('book.show'), on: { click: () => showSlip(b) } })
    ]));
  });
  $('recent-none').hidden = B.recent.length > 0;
}

export async function viewBook() {
  const [services, mall, today] = await Promise.all([ensureServices(), ensureMall(),
    ensureToday().catch(() => null)]);
  fillServices(services);
  fillDate(mall, today || todayIn(mall.timezone).date);
  if (B.slip && !$('bk-slip').hidden) showSlip(B.slip, false);  // again, in the new language
  await Promise.all([loadSlots(), loadRecent()]);
}

function onBook(ev) {
  ev.preventDefault();
  const v = readForm([['book-service', 'required'], ['book-date', 'required'], ['book-slot', 'required'],
    ['book-name', 'required'], ['book-nik', 'nik'], ['book-phone', 'phone']], RULES);
  if (!v) return;
  const body = { service_id: v.service_id, date: v.date, start: v.start, name: v.name, nik: digits(v.nik) };
  if (v.phone) body.phone = v.phone;
  submitting(ev.target, async () => {
    say('loading', 'info');
    try {
      const b = await post('v1/staff/bookings', body, { auth: true });
      say(['book.ok', { code: b.code }], 'ok');
      ['book-name', 'book-nik', 'book-phone'].forEach((id) => { $(id).value = ''; });
      showSlip(b);
      loadSlots();
      loadRecent();
    } catch (err) {
      // "field: words" from the server goes next to that field.
      const m = err.code === 'validation_error' && /^(\w+):\s*(.*)$/.exec(err.message);
      const input = m && $('book-' + m[1]);
      if (input) { fieldError(input, null, m[2]); input.focus(); }
      sayServer(err);
      if (err.code === 'slot_full') loadSlots();
    }
  });
}

export function initBooking() {
  $('form-book').addEventListener('submit', onBook);
  $('book-service').addEventListener('change', loadSlots);
  $('book-date').addEventListener('change', loadSlots);
  $('book-nik').addEventListener('blur', () => {  // show what will be sent: 16 digits
    const d = digits($('book-nik').value);
    if (/^[0-9]{16}$/.test(d)) $('book-nik').value = d;
  });
  $('slip-print').addEventListener('click', () => { try { window.print(); } catch (e) { /* no printer */ } });
  $('slip-new').addEventListener('click', () => { $('bk-slip').hidden = true; say(''); $('book-name').focus(); });
}
