import fc from 'fast-check';
import { shown } from './fuzz';
import { hostileBody, PROTO_KEYS } from './hostile-bodies';

/** Every route of the API: method and path, `:id` standing for one path segment. */
export const ROUTES: Array<[string, string]> = [
  ['GET', '/health'],
  ['GET', '/metrics'],
  ['GET', '/docs'],
  ['GET', '/docs-json'],
  ['GET', '/audit'],
  ['GET', '/webhooks'],
  ['POST', '/webhooks'],
  ['GET', '/webhooks/status'],
  ['GET', '/webhooks/:id'],
  ['PATCH', '/webhooks/:id'],
  ['DELETE', '/webhooks/:id'],
  ['POST', '/webhooks/:id/secret/rotate'],
  ['POST', '/webhooks/:id/recover'],
  ['POST', '/webhooks/:id/test'],
  ['GET', '/webhooks/:id/deliveries'],
  ['POST', '/events'],
  ['GET', '/events'],
  ['GET', '/events/:id/attempts'],
  ['POST', '/events/:id/retry'],
  ['GET', '/stats'],
  ['GET', '/me'],
  ['POST', '/tenants'],
  ['GET', '/tenants'],
  ['GET', '/tenants/:id'],
  ['PATCH', '/tenants/:id'],
  ['DELETE', '/tenants/:id'],
  ['POST', '/tenants/:id/keys'],
  ['GET', '/tenants/:id/keys'],
  ['DELETE', '/tenants/:id/keys/:id'],
];
const PUBLIC = new Set(['GET /health']);

export interface HostileRequest {
  method: string;
  /** Path and query exactly as sent. */
  path: string;
  headers: Array<[string, string]>;
  body: Buffer | null;
  /** Whether a 2xx is acceptable: a known route, a valid key, and a body (if any) that is JSON sent as JSON. */
  mayPass: boolean;
}

export const BROKEN_ESCAPES = ['%', '%z', '%zz', '%f', '%ff', '%FF%FE', '%E0%A4%A', '%c0%af', '%ed%a0%80', '%00', '%u0041', '%GG', '%%', '%2', '%C3%28'];

const alnum = fc.stringMatching(/^[A-Za-z0-9]{0,8}$/);
/** One path segment: plausible ids, broken percent-encoding, prototype names, dots, long and odd characters. */
const segment = fc.oneof(
  fc.stringMatching(/^(sub|evt|ten|tk)_[A-Za-z0-9_-]{4,16}$/),
  fc.tuple(alnum, fc.constantFrom(...BROKEN_ESCAPES), alnum).map((p) => p.join('')),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).map(encodeURIComponent),
  fc.constantFrom(...PROTO_KEYS, 'toString', 'hasOwnProperty', 'status', '.', '..', '%2e%2e', '%2F', '%252F', '~', 'null', 'undefined', 'NaN'),
  fc.integer({ min: 500, max: 3000 }).map((n) => 'a'.repeat(n)),
  fc.string({ unit: fc.constantFrom(...`!$&'()*+,;=:@-._~[]{}|^\`"<>\\`.split('')), minLength: 1, maxLength: 12 }),
);

const queryValue = fc.oneof(
  fc.constantFrom(...BROKEN_ESCAPES, '', '-1', '0', '1e309', 'NaN', '99999999999999999999', '2020-01-01T00:00:00Z', 'yesterday', 'null', '%5B%5D'),
  alnum,
  fc.integer({ min: 200, max: 2000 }).map((n) => 'x'.repeat(n)),
);
const queryKey = fc.oneof(
  fc.constantFrom('event_id', 'since', 'until', 'limit', 'cursor', 'status', 'type', 'tenant_id', 'subscription_id', 'bucket', 'event_id[]', 'event_id[a]', 'limit[$gt]', 'since[0]', '__proto__[polluted]', 'constructor[prototype][polluted]', '__proto__'),
  alnum,
);
const query = fc.option(fc.array(fc.tuple(queryKey, queryValue), { minLength: 1, maxLength: 4 }).map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`), { nil: '' });

/** A path built on a route (case changed, trailing slash, a segment swapped for a hostile one) or on nothing. */
const routePath = fc.tuple(fc.constantFrom(...ROUTES), segment, fc.boolean(), fc.boolean()).map(([[method, template], id, upper, slash]) => {
  const path = (upper ? template.toUpperCase().replace(':ID', ':id') : template).replace(':id', id);
  return { method, path: slash ? `${path}/` : path };
});
const unknownPath = fc.array(segment, { maxLength: 4 }).map((segments) => `/${segments.join('/')}`);
const brokenRoutePath = fc
  .tuple(fc.constantFrom(...ROUTES), fc.constantFrom(...BROKEN_ESCAPES), fc.nat())
  .map(([[, template], escape, at]) => {
    const cut = 1 + (at % (template.length - 1));
    return `${template.slice(0, cut)}${escape}${template.slice(cut)}`.replace(':id', 'x');
  });

const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,40}$/;
/** Headers that change the framing or the connection are left to the raw suite; these two have their own generators. */
const RESERVED = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'expect', 'upgrade', 'keep-alive', 'te', 'trailer', 'authorization', 'content-type']);
const headerValue = fc.oneof(
  { arbitrary: fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 200 }), weight: 4 },
  { arbitrary: fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 50 }), weight: 1 },
  { arbitrary: fc.integer({ min: 500, max: 2000 }).map((n) => 'v'.repeat(n)), weight: 1 },
);
const header: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.stringMatching(TOKEN).filter((n) => !RESERVED.has(n.toLowerCase())), headerValue),
  fc.tuple(fc.constantFrom('content-encoding'), fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'zstd', 'x-unknown', 'gzip, identity', '')),
  fc.tuple(
    fc.constantFrom('x-forwarded-for', 'forwarded', 'x-real-ip'),
    fc.constantFrom('unknown', '127.0.0.1, 10.0.0.1', '::ffff:127.0.0.1', '::1', ', , ,', '999.1.1.1', 'for="[::1]"', '1.1.1.1,'.repeat(100)),
  ),
  fc.tuple(fc.constantFrom('accept', 'accept-encoding', 'accept-charset', 'x-http-method-override', 'x-original-url', 'range', 'if-none-match', 'cookie', 'origin', ...PROTO_KEYS), headerValue),
);

/** The key as sent: the right one (`valid`), spellings a server may accept (`maybe`), and wrong ones. */
function authorization(key: string): fc.Arbitrary<{ value: string | null; valid: 'yes' | 'maybe' | 'no' }> {
  return fc.oneof(
    { arbitrary: fc.constant({ value: `Bearer ${key}`, valid: 'yes' as const }), weight: 8 },
    { arbitrary: fc.constantFrom(`bearer ${key}`, `BEARER   ${key}`).map((value) => ({ value, valid: 'maybe' as const })), weight: 1 },
    {
      arbitrary: fc
        .oneof(fc.constantFrom(null, 'Bearer', 'Bearer ', `Bearer ${key}x`, `Bearer ${key} extra`, key, `Token ${key}`, `Basic ${Buffer.from(`u:${key}`).toString('base64')}`, 'Bearer __proto__'), headerValue.map((v) => `Bearer ${v}`))
        .map((value) => ({ value, valid: 'no' as const })),
      weight: 3,
    },
  );
}

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON; Charset=UTF-8', 'application/json;charset=utf-8', 'application/json; charset="utf-8"', 'application/json; foo=bar'];
const OTHER_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/jsonx', 'application/vnd.api+json', 'text/json', '*/*', '', ';', 'application/json, text/plain', 'application/json; charset=utf-8; charset=utf-16', 'json'];
const contentType = fc.oneof({ arbitrary: fc.constantFrom(...JSON_TYPES), weight: 3 }, { arbitrary: fc.constantFrom(...OTHER_TYPES), weight: 2 }, { arbitrary: fc.constant(null), weight: 1 });

/** `application/json` with no charset or UTF-8, the only body type a route may accept. */
export function isJsonContentType(value: string | null): boolean {
  if (value === null) return false;
  const [type = '', ...params] = value.split(';').map((p) => p.trim().toLowerCase());
  return type === 'application/json' && params.every((p) => !p.startsWith('charset=') || ['charset=utf-8', 'charset="utf-8"', 'charset=utf8'].includes(p));
}

/** Whether a raw path names a route for `method`: every escape decodes, segments match (any case, one trailing slash). */
export function routeOf(method: string, rawPath: string): string | null {
  const path = rawPath.split('?')[0]!.replace(/#.*$/, '');
  let segments: string[];
  try {
    segments = path.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
  if (segments.length > 2 && segments[segments.length - 1] === '') segments.pop();
  const match = ROUTES.find(([m, template]) => {
    const parts = template.split('/');
    if (m !== method || parts.length !== segments.length) return false;
    return parts.every((p, i) => (p === ':id' ? segments[i] !== '' : p.toLowerCase() === segments[i]!.toLowerCase()));
  });
  if (!match && method === 'GET' && /^\/docs\/?$/i.test(path)) return 'GET /docs';
  return match ? `${match[0]} ${match[1]}` : null;
}

function parsesAsJson(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/** Any request a client can send with Node's http module, and whether a 2xx may answer it. */
export function hostileRequest(key: string, ns: string): fc.Arbitrary<HostileRequest> {
  const target = fc.oneof(
    { arbitrary: routePath, weight: 6 },
    { arbitrary: fc.tuple(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'), unknownPath).map(([method, path]) => ({ method, path })), weight: 2 },
    { arbitrary: fc.tuple(fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE'), brokenRoutePath).map(([method, path]) => ({ method, path })), weight: 2 },
  );
  const maybeBody = fc.option(hostileBody(ns), { freq: 3, nil: null });
  return fc
    .tuple(target, query, fc.array(header, { maxLength: 5 }), authorization(key), contentType, maybeBody)
    .map(([{ method, path }, q, extra, auth, type, body]) => {
      const headers: Array<[string, string]> = [...extra];
      if (auth.value !== null) headers.push(['authorization', auth.value]);
      if (type !== null) headers.push(['content-type', type]);
      const route = routeOf(method, path);
      const hasBody = body !== null && body.bytes.length > 0;
      const encoded = extra.some(([n, v]) => n.toLowerCase() === 'content-encoding' && v.trim().toLowerCase() !== 'identity' && v.trim() !== '');
      const bodyOk = !hasBody || (isJsonContentType(type) && !encoded && body.bytes.length <= 256 * 1024 && parsesAsJson(body.bytes));
      const mayPass = route !== null && (PUBLIC.has(route) || auth.valid !== 'no') && bodyOk;
      const request: HostileRequest = { method, path: `${path}${q}`, headers, body: body?.bytes ?? null, mayPass };
      const shownHeaders = headers.map(([n, v]) => `${n}: ${v.length > 80 ? `${v.slice(0, 80)}…(${v.length})` : v}`).join(' | ');
      const shownPath = request.path.length > 200 ? `${request.path.slice(0, 200)}…(${request.path.length})` : request.path;
      return shown(request, `${method} ${shownPath} [${shownHeaders}] body: ${body ? `${body.kind} (${body.bytes.length} bytes)` : 'none'}${mayPass ? ' (may pass)' : ''}`);
    });
}
