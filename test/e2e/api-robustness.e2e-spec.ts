import { request } from 'node:http';
import { Client } from 'pg';
import { api } from '../support/api';
import { sendRaw } from '../support/raw-http';
import { testEnv, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { statusOf, subscribe } from '../support/flows';
import { Receiver } from '../support/receiver';

/** A request sent as written (fetch would normalise a broken path). */
function raw(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: string }> {
  const url = new URL(testEnv().apiUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers: { ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const apiAlive = () => {
  try {
    process.kill(testEnv().pids.api!, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the API under requests it cannot read', () => {
  const key = () => `Bearer ${testEnv().env.API_KEYS}`;

  it.each([
    ['GET', '/events/%ff/attempts'],
    ['DELETE', '/webhooks/%zz'],
    ['POST', '/events/%zz/retry'],
    ['GET', '/webhooks/%E0%A4%A'],
  ])('answers %s %s with a JSON 400, with or without a key, and stays up', async (method, path) => {
    for (const headers of [{}, { authorization: key() }] as Array<Record<string, string>>) {
      const res = await raw(method, path, headers);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    }
    expect(apiAlive()).toBe(true);
    expect((await api('GET', '/health', undefined, { key: null })).status).toBe(200);
  });

  it('refuses a request with two Host headers with a JSON 400, on a public route too', async () => {
    for (const path of ['/health', '/health/', '/events']) {
      const answer = await sendRaw(testEnv().apiUrl, Buffer.from(`GET ${path} HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n`, 'latin1'));
      expect(answer?.status).toBe(400);
      expect(JSON.parse(answer!.body)).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/2 Host headers/) });
    }
    const one = await sendRaw(testEnv().apiUrl, Buffer.from('GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n', 'latin1'));
    expect(one?.status).toBe(200);
    expect(apiAlive()).toBe(true);
  });

  it('audits an undecodable request with its raw path', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const path = `/events/${uniqueId('bad')}%ff/attempts`;
    expect((await raw('GET', path, { authorization: key() })).status).toBe(400);
    await eventually(async () => {
      const page = await api<{ entries: Array<{ path: string; status: number }> }>('GET', `/audit?since=${encodeURIComponent(since)}&limit=1000`);
      return page.body.entries.some((e) => e.path === path && e.status === 400) ? true : undefined;
    }, 'the audit entry of the undecodable request');
  });

  it.each([
    ['text/plain', '{"type":"a.b","data":{}}'],
    ['application/x-www-form-urlencoded', 'type=a.b'],
    ['multipart/form-data; boundary=x', '--x\r\ncontent-disposition: form-data; name="type"\r\n\r\na.b\r\n--x--'],
    ['application/json; charset=utf-16', '{"type":"a.b","data":{}}'],
    ['application/jsonx', '{"type":"a.b","data":{}}'],
  ])('refuses a %s body with 415 and publishes nothing', async (contentType, body) => {
    const id = uniqueId('evt_415');
    const withId = body.startsWith('{') ? body.replace('{', `{"id":"${id}",`) : body;
    const res = await raw('POST', '/events', { authorization: key(), 'content-type': contentType }, withId);
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    // The same id published properly afterwards is the first copy (same key, same partition, in order), so
    // its type shows that the refused body never reached Kafka.
    expect((await api('POST', '/events', { id, type: 'robust.valid', data: {} })).status).toBe(202);
    expect((await statusOf(id, ['no_subscribers'])).type).toBe('robust.valid');
  });

  it('refuses a JSON body that starts with a byte order mark with 400 and publishes nothing', async () => {
    const id = uniqueId('evt_bom');
    const res = await raw('POST', '/events', { authorization: key(), 'content-type': 'application/json' }, `\ufeff{"id":"${id}","type":"a.b","data":{}}`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(/byte order mark/) });
    expect((await api('POST', '/events', { id, type: 'robust.valid', data: {} })).status).toBe(202);
    expect((await statusOf(id, ['no_subscribers'])).type).toBe('robust.valid');
  });

  it('accepts application/json with a UTF-8 charset in any spelling', async () => {
    for (const contentType of ['application/json', 'application/json; charset=utf-8', 'Application/JSON; Charset=UTF-8']) {
      const res = await raw('POST', '/events', { authorization: key(), 'content-type': contentType }, JSON.stringify({ type: 'robust.ok', data: {} }));
      expect(res.status).toBe(202);
    }
  });
});

describe('a value Postgres cannot store', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it('delivers an event whose data holds a NUL character and keeps projecting the events after it', async () => {
    const type = `${uniqueId('nul')}.event`;
    await subscribe(receiver.url('/nul'), [type]);
    const ids = Array.from({ length: 12 }, (_, i) => uniqueId(`evt_nul${i}`));
    for (const [i, id] of ids.entries()) {
      const data = i % 2 === 0 ? { text: 'a\u0000b', ['k\u0000ey']: 1 } : { text: 'plain' };
      expect((await api('POST', '/events', { id, type, data })).status).toBe(202);
    }
    for (const id of ids) await statusOf(id, ['delivered']);
    expect(JSON.parse(receiver.byEvent(ids[0]!)[0]!.body).data.text).toBe('a\u0000b');
    // The read model keeps the event's data, with U+FFFD where Postgres cannot hold NUL.
    const db = new Client({ connectionString: testEnv().env.DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query<{ data: Record<string, unknown> }>('SELECT data FROM events WHERE id = $1', [ids[0]]);
      expect(rows[0]?.data).toEqual({ text: 'a\ufffdb', ['k\ufffdey']: 1 });
    } finally {
      await db.end();
    }
  });
});
