/* Antre counter page: the state its screens share, the staff session (sessionStorage: it ends
   with the tab), the chosen counter (localStorage: the desk keeps it), and navigation. */
import { get, post } from './api.js';
import { load, save } from './floor.js';

export const C = {
  token: null,
  me: null,               // {name, role, mall_id, ...} of the staff account
  counterId: null,
  counters: null,         // [{counter_id, name, service_ids, staff_name, mine, on_break, ...}]
  services: null,         // the mall's services
  mall: null,             // the mall, with its time zone and booking window
  today: null,            // the mall's date by the server's clock (the browser's may differ)
  recalls: {},            // ticket_id -> recalls made from this tab (the API does not say)
  flash: null,            // {msg, kind}: said by the next route
  route: null
};

const SESSION = 'antre.staff', COUNTER = 'antre.counter', RECALLS = 'antre.recalls';

export function loadSession() {
  const s = load(SESSION, 'session');
  if (s && s.token && (!s.expires_at || Date.parse(s.expires_at) > Date.now())) { C.token = s.token; C.me = s.me; }
  C.counterId = load(COUNTER);
  C.recalls = load(RECALLS, 'session') || {};
}

export function saveSession(expires) { save(SESSION, { token: C.token, me: C.me, expires_at: expires || null }, 'session'); }

export function dropSession() {
  Object.assign(C, { token: null, me: null, counters: null, services: null, mall: null, today: null });
  save(SESSION, null, 'session');
}

export function rememberCounter(id) { C.counterId = id; save(COUNTER, id); }

export function countRecall(ticketId) {
  C.recalls[ticketId] = (C.recalls[ticketId] || 0) + 1;
  save(RECALLS, C.recalls, 'session');
}

const mallPath = () => 'v1/malls/' + encodeURIComponent(C.me.mall_id);

export async function ensureCounters() {
  if (!C.counters) C.counters = await get('v1/staff/counters', { auth: true });
  return C.counters;
}

// The counters read again: who holds each one now and which are on a break (the picker).
export async function loadCounters() {
  C.counters = await get('v1/staff/counters', { auth: true });
  return C.counters;
}

// Services are named in the chosen language (Accept-Language): read again after a switch.
export function forgetServices() { C.services = null; }

const counterAction = (id, action) => 'v1/staff/counters/' + encodeURIComponent(id) + '/' + action;

// Staff start working at a counter (the picker shows their name on it).
export function openCounter(id) { return post(counterAction(id, 'open'), undefined, { auth: true }); }

// Staff leave a counter (another counter, logging out); the server keeps it with whoever
// took it over meanwhile. Failing to say so is no reason to stop what staff asked for.
export async function leaveCounter(id) {
  if (!id || !C.token) return;
  try { await post(counterAction(id, 'leave'), undefined, { auth: true, retries: 1 }); } catch (e) { /* best effort */ }
}

export async function ensureServices() {
  if (!C.services) C.services = await get(mallPath() + '/services');
  return C.services;
}

export async function ensureMall() {
  if (!C.mall) C.mall = await get(mallPath());
  return C.mall;
}

export async function ensureToday() {
  if (!C.today) C.today = (await get('v1/staff/counters/' + encodeURIComponent(C.counterId), { auth: true })).date;
  return C.today;
}

export function counterById(id) { return (C.counters || []).find((c) => c.counter_id === id) || null; }

export function serviceName(id) {
  const s = (C.services || []).find((x) => x.service_id === id);
  return s ? s.name : id;
}

let router = () => {};
export function setRouter(fn) { router = fn; }
export function go(hash) { if (location.hash === hash) router(); else location.hash = hash; }
