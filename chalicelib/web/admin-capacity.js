/* Antre admin page: the "Kapasitas" section: the distancing percentage (the share of every
   slot's seats that may be booked), the seats it leaves per service, and the slots that now
   hold more bookings than seats: nobody is cancelled, those slots just take no new booking. */
import { t } from './i18n.js';
import { $, el, clear, say, readForm, submitting } from './view.js';
import { A, mallPath, aget, send, changed, serviceName, agencyName } from './admin-state.js';
import { formError, clearErrors, R, table, conflictsBox } from './admin-ui.js';

const P = { checkGen: 0 };

function paintSeats() {
  const holder = $('cap-seats'), pct = A.mall.capacity_percent;
  clear(holder);
  const online = A.mall.services.filter((s) => s.online);
  holder.appendChild(table(t('cap.seats'), ['cap.service', 'cap.full', 'cap.now'], online.map((s) => ({
    th: true, attrs: { 'data-testid': 'seats-row', 'data-id': s.service_id },
    cells: [el('span', null, [s.name, el('span', { class: 'sub', text: agencyName(s.agency_id) })]),
      String(s.capacity), String(Math.floor(s.capacity * pct / 100))]
  }))));
}

// The last change's conflicts, or those of a check; `checked`: say so when there are none.
function paintConflicts(list, checked) {
  conflictsBox($('cap-conflicts'), list, serviceName);
  $('cap-none').hidden = !(checked && (!list || !list.length));
}

function onCapacity(ev) {
  ev.preventDefault();
  const form = ev.target;
  clearErrors(form);
  const v = readForm([['cap-percent', 'percent']], R);
  if (!v) return;
  const pct = parseInt(v.capacity_percent, 10), gen = ++P.checkGen;
  // Said at once (a save that finds conflicts reads the window's booked days), and only the
  // latest save or check may speak afterwards: an older answer never says an older value.
  say(['cap.saving', { n: pct }], 'info');
  $('cap-conflicts').setAttribute('aria-busy', 'true');
  submitting(form, async () => {
    try {
      const mall = await send('PATCH', mallPath(), { capacity_percent: pct });
      if (gen !== P.checkGen) return;
      changed(mall);
      say(['cap.saved', { n: mall.capacity_percent }], A.conflicts ? 'info' : 'ok');
      paintConflicts(A.conflicts, false);
      paintSeats();
    } catch (err) { if (gen === P.checkGen) formError(form, err); } finally {
      $('cap-conflicts').removeAttribute('aria-busy');
    }
  });
}

async function check() {
  const gen = ++P.checkGen, btn = $('cap-check');
  btn.disabled = true;
  say('cap.checking', 'info');
  try {
    const list = await aget(mallPath('/conflicts'));
    if (gen !== P.checkGen) return;
    A.conflicts = list.length ? list : null;
    say('');
    paintConflicts(list, true);
  } catch (err) {
    if (gen === P.checkGen) formError($('form-capacity'), err);
  } finally { btn.disabled = false; }
}

export async function enterCapacity(arg, again) {
  paintSeats();
  paintConflicts(A.conflicts, false);
  if (again) return;
  clearErrors($('form-capacity'));
  $('cap-percent').value = A.mall.capacity_percent;
}

export function initCapacity() {
  $('form-capacity').addEventListener('submit', onCapacity);
  $('cap-check').addEventListener('click', check);
}
