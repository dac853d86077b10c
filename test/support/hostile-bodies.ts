import fc from 'fast-check';

/** A request body and what it is, for the oracle and the failure report. */
export interface HostileBody {
  kind: string;
  bytes: Buffer;
}

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];

/** JSON text of an object written key by key, so keys JSON.stringify would drop (`__proto__`) are really there. */
export function objectText(entries: Array<[string, string]>): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

const body = (kind: string, text: string | Buffer): HostileBody => ({ kind, bytes: Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8') });

/** Values that are JSON but the wrong type for any field. */
const wrongJson = fc.oneof(
  fc.constantFrom('null', 'true', '0', '-1', '1e999', '""', '" "', '[]', '{}', '[null]', '"\\u0000"', '"\\ud800"', '{"$gt":""}'),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 50 }).map((s) => JSON.stringify(s)),
);

/** An object of data with prototype keys and arbitrary JSON values. */
const hostileData = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...PROTO_KEYS, 'toString', 'hasOwnProperty'), fc.string({ maxLength: 20 })), fc.oneof(wrongJson, fc.constant('{"polluted":true}'))), { maxLength: 6 })
  .map((entries) => objectText(entries));

/**
 * Bodies that may pass their route's checks. `ns` keeps what they create apart from every other test's
 * data: subscriptions filter `<ns>s.…` and events are typed `<ns>e.…`, so no event of this suite or of any
 * other test matches a subscription it creates.
 */
function plausibleBodies(ns: string): fc.Arbitrary<HostileBody> {
  const word = fc.stringMatching(/^[a-z0-9_-]{1,12}$/);
  return fc.oneof(
    fc.tuple(word, hostileData, fc.boolean()).map(([w, data, withId]) => body('an event', `{${withId ? `"id":"${ns}_${w}",` : ''}"type":"${ns}e.${w}","data":${data}}`)),
    fc.tuple(word, fc.option(fc.string({ maxLength: 40 }))).map(([w, d]) => body('a subscription', JSON.stringify({ url: `https://example.invalid/${w}`, events: [`${ns}s.${w}`, `${ns}s.*`], ...(d === null ? {} : { description: d }) }))),
    fc.oneof(fc.constant('{}'), fc.string({ maxLength: 40 }).map((d) => JSON.stringify({ description: d })), word.map((w) => JSON.stringify({ events: [`${ns}s.${w}`] }))).map((t) => body('a subscription change', t)),
  );
}

/** A plausible body with one field replaced by a wrong value, or prototype keys added at the top. */
function mutatedBodies(ns: string): fc.Arbitrary<HostileBody> {
  const fields = fc.constantFrom('id', 'type', 'data', 'timestamp', 'url', 'events', 'auth', 'secret', 'description', 'enabled', ...PROTO_KEYS);
  // Every event filter stays inside the namespace, or is no string at all: a wildcard outside it would send
  // every other test's events to this suite's subscriptions.
  const wrongFilters = fc.constantFrom('null', '"x"', '[]', '[1]', '[null]', '[{"$ne":null}]', `["${ns}s..x"]`, `["${ns}s.**"]`, `["${ns}s. x"]`, `["${ns}s.${'x'.repeat(300)}"]`);
  return fc
    .tuple(fc.constantFrom('event', 'subscription'), fields, wrongJson, wrongFilters)
    .map(([what, field, anyValue, filters]) => {
      const value = field === 'events' ? filters : anyValue;
      const base: Record<string, string> =
        what === 'event' ? { type: `"${ns}e.m"`, data: '{}' } : { url: '"https://example.invalid/m"', events: `["${ns}s.m"]` };
      return body(`a ${what} with ${field}: ${value.slice(0, 30)}`, objectText(Object.entries({ ...base, [field]: value })));
    });
}

/** Deep, huge and wide values, around and beyond the limits (32 levels, 256 KiB). */
function extremeBodies(ns: string): fc.Arbitrary<HostileBody> {
  return fc.oneof(
    fc.integer({ min: 33, max: 100_000 }).map((n) => body(`arrays nested ${n} deep`, `${'['.repeat(n)}${']'.repeat(n)}`)),
    fc.integer({ min: 33, max: 20_000 }).map((n) => body(`data nested ${n} deep`, `{"type":"${ns}e.deep","data":${'{"a":'.repeat(n)}1${'}'.repeat(n)}}`)),
    fc.integer({ min: 200_000, max: 300_000 }).map((n) => body(`a ${n}-character string`, `{"type":"${ns}e.big","data":{"s":"${'x'.repeat(n)}"}}`)),
    fc.integer({ min: 1_000, max: 15_000 }).map((n) => body(`data with ${n} keys`, `{"type":"${ns}e.wide","data":{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}}`)),
    fc.integer({ min: 100, max: 5_000 }).map((n) => body(`${n} event filters`, JSON.stringify({ url: 'https://example.invalid/w', events: Array.from({ length: n }, (_, i) => `${ns}s.f${i}`) }))),
  );
}

/** Bytes that are not JSON, or JSON in a form a JSON parser must refuse or a UTF-8 reader must not misread. */
const notJson = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 512 }).map((b) => body('random bytes', Buffer.from(b))),
  fc.constantFrom(
    body('a form', 'type=a.b&data[x]=1&__proto__[polluted]=1'),
    body('XML', '<?xml version="1.0"?><event><type>a.b</type></event>'),
    body('truncated JSON', '{"type": "a.b", "data": {'),
    body('JSON with a BOM', '\ufeff{"type":"a.b","data":{}}'),
    body('a raw NUL in a string', '{"type":"a.b","data":{"s":"a\u0000b"}}'),
    body('invalid UTF-8 in a string', Buffer.concat([Buffer.from('{"type":"a.b","data":{"s":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}}')])),
    body('UTF-16 JSON', Buffer.from('{"type":"a.b","data":{}}', 'utf16le')),
    body('duplicate keys', '{"type":"a.b","type":"c.d","data":{},"data":[]}'),
    body('trailing garbage', '{"type":"a.b","data":{}}}}}'),
    body('JavaScript, not JSON', "{type: 'a.b', data: {}}"),
    body('multipart', '--x\r\ncontent-disposition: form-data; name="type"\r\n\r\na.b\r\n--x--'),
  ),
  fc.string({ maxLength: 200 }).map((s) => body('text', s)),
);

/** Any body the suite sends, weighted towards what reaches the handlers. */
export function hostileBody(ns: string): fc.Arbitrary<HostileBody> {
  return fc.oneof(
    { arbitrary: plausibleBodies(ns), weight: 4 },
    { arbitrary: mutatedBodies(ns), weight: 4 },
    { arbitrary: fc.json({ maxDepth: 4 }).map((t) => body('arbitrary JSON', t)), weight: 2 },
    { arbitrary: notJson, weight: 3 },
    { arbitrary: extremeBodies(ns), weight: 1 },
    { arbitrary: fc.constant(body('empty', '')), weight: 1 },
  );
}
