/* Antre admin page: the state its sections share, the admin's session (sessionStorage: it ends
   with the tab), the chosen mall with its catalog, the authenticated requests, and navigation. */
import { request, get } from './api.js';
import { load, save } from './floor.js';

export const A = {
  token: null,
  expires: null,
  me: null,              // {account_id, name, role: 'admin' | 'super', mall_id}
  malls: null,           // the malls this account manages
  mallId: null,
  mall: null,            // GET v1/admin/malls/{m}: settings, hours, closed days, catalog, version
  pub: null,             // GET v1/malls/{m}: its `today` by the server's clock, never the browser's
  pubAt: 0,
  conflicts: null,       // the last change's over-full slots, shown until the next change
  flash: null,           // {msg, kind}: said by the next route
  route: null
};

const SESSION = 'antre.admin';
const PUB_MAX_AGE_MS = 5 * 60 * 1000;

export function loadSession() {
  const s = load(SESSION, 'session');
  if (!s || !s.token || (s.expires_at && Date.parse(s.expires_at) <= Date.now())) return;
  Object.assign(A, { token: s.token, me: s.me, mallId: s.mall_id || null, expires: s.expires_at || null });
}

export function saveSession() {
  save(SESSION, { token: A.token, me: A.me, mall_id: A.mallId, expires_at: A.expires }, 'session');
}

export function dropSession() {
  Object.assign(A, { token: null, expires: null, me: null, malls: null, mallId: null, mall: null, pub: null, conflicts: null });
  save(SESSION, null, 'session');
}

export function chooseMall(id) {
  if (id !== A.mallId) Object.assign(A, { mall: null, pub: null, conflicts: null });
  A.mallId = id;
  saveSession();
}

export const enc = encodeURIComponent;
export const mallPath = (rest) => 'v1/admin/malls/' + enc(A.mallId) + (rest || '');

// Requests with the admin's token. send(method, path, body) answers the parsed JSON.
export const aget = (path, options) => request('GET', path, Object.assign({ auth: true }, options));
export const send = (method, path, body) => request(method, path, { auth: true, body });

export async function ensureMalls() {
  if (!A.malls) A.malls = await aget('v1/admin/malls');
  return A.malls;
}

// The chosen mall as its admin sees it, and its public record (for `today`).
export async function ensureMall(force) {
  const old = Date.now() - A.pubAt > PUB_MAX_AGE_MS;
  if (!A.mall || force || old) {
    const [mall, pub] = await Promise.all([aget(mallPath()), get('v1/malls/' + enc(A.mallId))]);
    Object.assign(A, { mall, pub, pubAt: Date.now() });
  }
  return A.mall;
}

// Every catalog change answers the whole mall: keep it, and its conflicts if it has any.
export function changed(view) {
  A.mall = view;
  A.conflicts = view && view.conflicts && view.conflicts.length ? view.conflicts : null;
  return view;
}

// The mall's date now, by the server's clock.
export const today = () => (A.pub ? A.pub.today : '');
export const zone = () => (A.mall ? A.mall.timezone : 'Asia/Jakarta');
export const isSuper = () => !!A.me && A.me.role === 'super';

export function serviceById(id) { return ((A.mall && A.mall.services) || []).find((s) => s.service_id === id) || null; }
export function serviceName(id) { const s = serviceById(id); return s ? s.name : id; }
export function agencyName(id) {
  const a = ((A.mall && A.mall.agencies) || []).find((x) => x.agency_id === id);
  return a ? a.name : id;
}

let router = () => {};
export function setRouter(fn) { router = fn; }
export function go(hash) { if (location.hash === hash) router(); else location.hash = hash; }
