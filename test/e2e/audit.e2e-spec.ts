import { createHash } from 'node:crypto';
import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { publish, statusOf, subscribe } from '../support/flows';
import { Receiver } from '../support/receiver';

interface Entry {
  id: string;
  at: string;
  kind: string;
  key_id: string | null;
  client_ip: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  subscription_id: string | null;
  event_id: string | null;
  detail: Record<string, unknown> | null;
}

async function allSince(since: string): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { entries: Entry[]; next_cursor: string | null } } = await api('GET', `/audit?since=${encodeURIComponent(since)}&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
    expect(page.status).toBe(200);
    out.push(...page.body.entries);
    cursor = page.body.next_cursor;
  } while (cursor);
  return out;
}

describe('audit log', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it('lists the API calls made (key id, client address, what, result) and the delivery attempts', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const key = testEnv().env.API_KEYS!;
    const keyId = `key_${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
    const type = `${uniqueId('audit')}.thing`;
    const sub = await subscribe(receiver.url('/audit'), [type]);
    const id = await publish({ type, data: {} });
    await statusOf(id, ['delivered']);
    expect((await api('GET', '/webhooks', undefined, { key: 'not-a-key' })).status).toBe(401);

    const entries = await eventually(async () => {
      const all = await allSince(since);
      const done = all.some((e) => e.kind === 'delivery.attempt' && e.event_id === id) && all.some((e) => e.status === 401);
      return done ? all : undefined;
    }, 'audit entries');

    const calls = entries.filter((e) => e.kind === 'api.call');
    expect(calls).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key_id: keyId, method: 'POST', path: '/webhooks', status: 201, subscription_id: sub.id }),
        expect.objectContaining({ key_id: keyId, method: 'POST', path: '/events', status: 202, event_id: id }),
        expect.objectContaining({ key_id: keyId, method: 'GET', path: '/webhooks/status', event_id: id }),
        expect.objectContaining({ key_id: null, method: 'GET', path: '/webhooks', status: 401 }),
      ]),
    );
    for (const c of calls) expect(c.client_ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
    const attempt = entries.find((e) => e.kind === 'delivery.attempt' && e.event_id === id);
    expect(attempt).toMatchObject({ subscription_id: sub.id, status: 200, path: sub.url, detail: expect.objectContaining({ attempt: 1, outcome: 'delivered' }) });
    expect(JSON.stringify(entries)).not.toContain(key);
    expect(JSON.stringify(entries)).not.toContain('not-a-key');
  });

  it('refuses a bad page request with a readable 400', async () => {
    expect((await api<{ message: string }>('GET', '/audit?limit=5000')).body.message).toMatch(/limit must be/);
    expect((await api<{ message: string }>('GET', '/audit?since=yesterday')).body.message).toMatch(/since must be/);
  });
});
