import fc from 'fast-check';
import { shown } from './fuzz';

/** A record written straight to the events topic that breaks the contract, and what its reason must say. */
export interface HostileRecord {
  label: string;
  key: string | Buffer | null;
  value: string | Buffer | null;
  reason: RegExp;
}

const idChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._:~-'.split(''));
const validId = fc.string({ unit: idChars, minLength: 1, maxLength: 40 }).map((s) => `h_${s}`.slice(0, 128));
const validType = fc.constantFrom('hostile.thing', 'order.created', 'a.b.c');
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'];
/** Records over the API's body limit are refused for their size, whatever else is wrong with them. */
const TOO_LARGE = /record is \d+ bytes; events may be at most 262144 bytes/;

/** JSON text of an object written key by key, so keys JSON.stringify would drop (`__proto__`) are really there. */
function objectText(entries: Array<[string, string]>): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;
}

const make = (label: string, key: HostileRecord['key'], value: HostileRecord['value'], reason: RegExp): HostileRecord => {
  const size = value === null ? 'null' : `${value.length} bytes`;
  const keyText = key === null ? 'null' : Buffer.isBuffer(key) ? `<${key.length} bytes>` : JSON.stringify(key.length > 60 ? `${key.slice(0, 60)}…(${key.length})` : key);
  return shown({ label, key, value, reason }, `${label}: key ${keyText}, value ${size}${typeof value === 'string' && value.length < 200 ? ` ${value}` : ''}`);
};

/** Bytes that are not JSON: 0xfe can start no JSON text, in any encoding. */
const garbage = fc
  .tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.integer({ min: 1, max: 4000 }))
  .map(([pattern, length]) => Buffer.concat([Buffer.from([0xfe]), Buffer.alloc(length, Buffer.from(pattern.length ? pattern : [0]))]));

/** Values far larger than any event should be (up to 900 KB, near the broker's 1 MiB record limit). */
const hugeLength = fc.integer({ min: 300_000, max: 900_000 });

const wrongValue = fc.oneof(
  fc.constant('null'),
  fc.integer().map(String),
  fc.constant('true'),
  // A leading space makes a string no valid id, type or timestamp.
  fc.string({ maxLength: 20 }).map((s) => JSON.stringify(` ${s}`)),
  fc.constant('[]'),
  fc.constant('{}'),
  fc.constant('[{"id":"x"}]'),
);

export const hostileRecord: fc.Arbitrary<HostileRecord> = fc.oneof(
  fc.tuple(fc.option(validId), garbage).map(([key, value]) => make('binary garbage', key, value, /not valid JSON/)),
  fc.tuple(fc.option(validId), garbage, hugeLength).map(([key, value, n]) => make('huge binary garbage', key, Buffer.concat([value, Buffer.alloc(n, 0x9f)]), TOO_LARGE)),
  validId.map((key) => make('null value (tombstone)', key, null, /no value/)),
  fc.tuple(validId, fc.constantFrom('null', '0', '"text"', '[]', 'true', '[1,2]')).map(([key, value]) => make('a JSON value that is not an object', key, value, /expected object/i)),
  fc
    .tuple(validId, fc.constantFrom('id', 'type', 'data', 'timestamp'), wrongValue, validType)
    .filter(([, field, value]) => !(field === 'data' && value === '{}'))
    .map(([id, field, value, type]) => {
      const fields: Record<string, string> = { id: JSON.stringify(id), type: JSON.stringify(type), data: '{}', [field]: value };
      return make(`wrong type for ${field}`, id, objectText(Object.entries(fields)), new RegExp(`(^|; )${field}: `));
    }),
  fc
    .tuple(fc.string({ unit: idChars, minLength: 129, maxLength: 5000 }), validType)
    .map(([id, type]) => make('oversize id', id, JSON.stringify({ id, type, data: {} }), /(^|; )id: id must be 1-128 characters/)),
  fc
    .tuple(validId, fc.oneof(validId, fc.uint8Array({ minLength: 1, maxLength: 40 }).map((b) => Buffer.from(b)), fc.constant(null)), validType)
    .filter(([id, key]) => key === null || key.toString() !== id)
    .map(([id, key, type]) => make('key that differs from the id', key, JSON.stringify({ id, type, data: {} }), /must equal the event id/)),
  fc
    .tuple(validId, fc.constantFrom(...PROTO_KEYS), validType)
    .map(([id, proto, type]) => make(`top-level ${proto} key`, id, objectText([[proto, '{"polluted":true}'], ['id', JSON.stringify(id)], ['type', JSON.stringify(type)], ['data', '{}']]), /nrecognized key/)),
  fc
    .tuple(validId, fc.integer({ min: 33, max: 20000 }), validType)
    .map(([id, depth, type]) => make(`data nested ${depth} deep`, id, `{"id":${JSON.stringify(id)},"type":${JSON.stringify(type)},"data":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`, /nest at most 32/)),
  fc
    .tuple(validId, hugeLength)
    .map(([id, n]) => make('huge value without a type', id, `{"id":${JSON.stringify(id)},"data":{"blob":"${'x'.repeat(n)}"}}`, TOO_LARGE)),
);
