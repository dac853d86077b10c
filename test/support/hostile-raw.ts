import fc from 'fast-check';
import { shown } from './fuzz';
import { BROKEN_ESCAPES } from './hostile-requests';

/** Bytes for the API's socket, and whether a 2xx may answer them (never: they carry no key, so only /health may pass). */
export interface RawRequest {
  bytes: Buffer;
  mayPass: boolean;
}

type Part = { text: string; wellFormed: boolean };
const ok = (text: string): Part => ({ text, wellFormed: true });
const bad = (text: string): Part => ({ text, wellFormed: false });

const method = fc.oneof({ arbitrary: fc.constantFrom(ok('GET'), ok('POST'), ok('DELETE')), weight: 3 }, { arbitrary: fc.constantFrom(bad('get'), bad('FOO'), bad('PRI'), bad('CONNECT'), bad('G\u0000T'), bad('GET GET'), bad(''), bad('PROPFIND')), weight: 2 });

/** The request target; `health` marks the targets that name GET /health, the one route without a key. */
const target = fc.oneof(
  fc.constantFrom(
    { ...ok('/health'), health: true },
    { ...ok('/health/'), health: true },
    { ...ok('http://evil.example/health'), health: true },
    { ...ok('/health?x=%ff'), health: true },
    { ...ok('*'), health: false },
    { ...ok('/webhooks'), health: false },
    { ...ok('/events/%ff/attempts'), health: false },
    { ...bad('/webhooks/a b'), health: false },
    { ...bad('/\u00ff\u00fe'), health: false },
    { ...bad('/\u0000'), health: false },
    { ...bad('/\u007f'), health: false },
    { ...bad(''), health: false },
    { ...ok('health'), health: false },
    { ...ok('//health'), health: false },
  ),
  fc.tuple(fc.constantFrom(...BROKEN_ESCAPES), fc.constantFrom('/webhooks/', '/events/', '/', '/audit?since=')).map(([e, p]) => ({ ...ok(`${p}${e}`), health: false })),
  fc.string({ unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 30 }).map((s) => ({ ...bad(`/${s}`), health: false })),
);

const version = fc.oneof({ arbitrary: fc.constantFrom(ok('HTTP/1.1'), ok('HTTP/1.0')), weight: 4 }, { arbitrary: fc.constantFrom(bad('HTTP/2.0'), bad('HTTP/1.2'), bad('HTTX/1.1'), bad(''), bad('HTTP/1.1 extra'), bad('HTTP/01.1')), weight: 1 });

const brokenHeader = fc.constantFrom(
  'NoColonHere',
  ' Leading-Space: x',
  'X-Space : y',
  'X-Nul: a\u0000b',
  'X-Cr: a\rb',
  'X-Fold: a\r\n\tcontinued',
  'Content-Length: 5\r\nContent-Length: 6',
  'Content-Length: -1',
  'Content-Length: 1e3',
  'Content-Length: 99999999999999999999',
  'Transfer-Encoding: chunked\r\nContent-Length: 3',
  'Transfer-Encoding: gzip, chunked',
  'Transfer-Encoding: chunked, identity',
  'Host: a\r\nHost: b',
  `X-Huge: ${'h'.repeat(20000)}`,
  ':empty-name',
  '\u00ff\u00fe: latin1-name',
);
const fineHeader = fc.constantFrom('Accept: */*', 'X-Forwarded-For: 1.2.3.4', 'Content-Type: application/json', 'Authorization: Bearer nope');

/** A request that Node's http client would refuse to write, and bytes that are no request at all. */
export const rawRequest: fc.Arbitrary<RawRequest> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .tuple(method, target, version, fc.array(fineHeader, { maxLength: 2 }), fc.option(brokenHeader, { freq: 2 }), fc.constantFrom('\r\n', '\r\n', '\r\n', '\n'), fc.constantFrom('', '', 'hello', '0\r\n\r\n', 'zz\r\nabc\r\n0\r\n\r\n'))
      .map(([m, t, v, fine, broken, eol, body]) => {
        const headers = ['Host: hookstream.test', ...fine, ...(broken ? [broken] : []), 'Connection: close'];
        const head = `${m.text} ${t.text} ${v.text}`.trimEnd();
        const text = `${head}${eol}${headers.join(eol)}${eol}${eol}${body}`;
        const mayPass = m.text === 'GET' && t.health && m.wellFormed && t.wellFormed && v.wellFormed && broken === null && eol === '\r\n';
        return shown({ bytes: Buffer.from(text, 'latin1'), mayPass }, JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…(${text.length})` : text));
      }),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((b) => shown({ bytes: Buffer.from(b), mayPass: false }, `${b.length} random bytes`)),
  },
);
