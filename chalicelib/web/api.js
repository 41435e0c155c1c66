/* Antre: the one API client shared by every page.
   Paths are relative to the page ("v1/malls"), so the same code works at the site root and
   under API Gateway's stage prefix (/api/). JSON in and out; every failure is an ApiError. */
import { lang as pageLang } from './i18n.js';

const cfg = {
  auth: null,            // () => headers object, or null when there are no credentials
  onUnauthorized: null,  // (err) => void: a request that needed credentials got none or a 401
  lang: pageLang,        // () => 'id' | 'en', sent as Accept-Language
  timeoutMs: 20000,      // per attempt
  retries: 2             // extra attempts for GET/HEAD and requests with an Idempotency-Key
};
const RETRY_STATUS = [502, 503, 504];

export function configure(options) { Object.assign(cfg, options); }

// The app's clock (X-Antre-Now on every answer: DEMO_NOW on the local stage), as the
// offset from the browser's; pages show serverNow() rather than new Date().
let clockOffset = 0;
export function serverNow() { return new Date(Date.now() + clockOffset); }
function noteClock(res) {
  const at = Date.parse(res.headers.get('X-Antre-Now') || '');
  if (!isNaN(at)) clockOffset = at - Date.now();
}

export class ApiError extends Error {
  constructor(code, message, status, body) {
    super(message || code);
    this.name = 'ApiError';
    this.code = code;                // the server's stable code, or network/server/busy/...
    this.message = message || '';    // the server's own words ('' when there are none)
    this.status = status || 0;       // HTTP status; 0 for network errors
    this.body = body || null;
  }
}

// A stable code when the answer has no {code}: the client's own words depend only on it.
export function codeForStatus(st) {
  if (st === 401) return 'unauthorized';
  if (st === 403) return 'forbidden';
  if (st === 404) return 'not_found';
  if (st === 409 || st === 422) return 'validation_error';
  if (st === 429) return 'too_many_attempts';
  if (st === 503) return 'busy';
  if (st >= 500) return 'server';
  if (st >= 400) return 'bad_request';
  return 'unknown';
}

// The absolute URL of an API or static path, resolved against the page ("/x" is made relative).
export function apiUrl(path) {
  return new URL(String(path).replace(/^\/+/, ''), document.baseURI).href;
}

// A fresh random key for Idempotency-Key (UUID v4).
export function idempotencyKey() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.prototype.map.call(b, (x) => (x + 256).toString(16).slice(1)).join('');
  return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function unauthorized(status) {
  const err = new ApiError('unauthorized', '', status);
  if (cfg.onUnauthorized) { err.handled = true; cfg.onUnauthorized(err); }
  return err;
}

async function attempt(method, path, headers, o) {
  const ctrl = window.AbortController ? new AbortController() : null;
  const timer = ctrl ? setTimeout(() => ctrl.abort(), cfg.timeoutMs) : null;
  const stop = () => ctrl && ctrl.abort();
  if (o.signal) o.signal.addEventListener('abort', stop);
  try {
    const res = await fetch(apiUrl(path), {
      method, headers, cache: 'no-store', credentials: 'same-origin',
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      signal: ctrl ? ctrl.signal : undefined
    });
    // a file (an Excel workbook) as a Blob; anything else, and every error, as text
    if (o.blob && res.ok) return { res, blob: await res.blob() };
    return { res, text: await res.text() };
  } catch (e) {
    throw new ApiError(o.signal && o.signal.aborted ? 'aborted' : 'network', '', 0);
  } finally {
    if (timer) clearTimeout(timer);
    if (o.signal) o.signal.removeEventListener('abort', stop);
  }
}

/* request(method, path, options) → the parsed JSON body (null when empty).
   options: body (sent as JSON), auth (true: credentials required), idempotencyKey, headers,
   retries (default: cfg.retries for GET/HEAD and keyed requests, else 0), etag (If-None-Match),
   full (answer {status, etag, data, notModified} instead of data; 304 is not an error then),
   text (answer the body as text), blob (answer a file as a Blob), signal (an AbortSignal; aborting throws code 'aborted'). */
export async function request(method, path, options) {
  const o = options || {};
  const headers = { 'Accept': 'application/json', 'Accept-Language': cfg.lang() };
  if (o.body !== undefined) headers['Content-Type'] = 'application/json';
  if (o.auth) {
    const creds = cfg.auth && cfg.auth();
    if (!creds) throw unauthorized(0);
    Object.assign(headers, creds);
  }
  if (o.idempotencyKey) headers['Idempotency-Key'] = o.idempotencyKey;
  if (o.etag) headers['If-None-Match'] = o.etag;
  Object.assign(headers, o.headers);
  const keyed = Object.keys(headers).some((k) => k.toLowerCase() === 'idempotency-key');
  const tries = o.retries !== undefined ? o.retries : (method === 'GET' || method === 'HEAD' || keyed) ? cfg.retries : 0;

  let r;
  for (let n = 0; ; n++) {
    let failed = null;
    try { r = await attempt(method, path, headers, o); } catch (e) { failed = e; }
    const again = failed ? failed.code === 'network' : RETRY_STATUS.indexOf(r.res.status) >= 0;
    if (!again || n >= tries) { if (failed) throw failed; break; }
    const after = r ? parseFloat(r.res.headers.get('Retry-After')) * 1000 : 0;
    await sleep(Math.min(after || 500 * Math.pow(3, n), 8000) + Math.random() * 250);
  }

  const res = r.res;
  noteClock(res);
  if (o.text && res.ok) return r.text;
  if (o.blob && res.ok) return r.blob;
  let data = null;
  if (r.text) { try { data = JSON.parse(r.text); } catch (e) { data = null; } }
  if (res.ok || (res.status === 304 && o.full)) {
    if (!o.full) return data;
    return { status: res.status, etag: res.headers.get('ETag'), data, notModified: res.status === 304 };
  }
  if (res.status === 401 && o.auth) throw unauthorized(401);
  const code = data && typeof data.code === 'string' ? data.code : codeForStatus(res.status);
  throw new ApiError(code, data && data.message, res.status, data);
}

export const get = (path, options) => request('GET', path, options);
export const post = (path, body, options) => request('POST', path, Object.assign({}, options, { body }));

// For polling: {notModified: true, etag} while nothing changed, else {notModified: false, etag, data}.
export const getIfChanged = (path, etag, options) =>
  request('GET', path, Object.assign({}, options, { etag, full: true }));
