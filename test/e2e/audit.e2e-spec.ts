import { createHash } from 'node:crypto';
import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { startExtraApi } from '../support/extra-api';
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
    // Other files' calls fall in the same time window (some through a proxy with X-Forwarded-For): only this test's count.
    for (const c of calls.filter((e) => e.status === 401 || e.event_id === id || e.subscription_id === sub.id)) expect(c.client_ip).toMatch(/^(::ffff:)?127\.0\.0\.1$|^::1$/);
    const attempt = entries.find((e) => e.kind === 'delivery.attempt' && e.event_id === id);
    expect(attempt).toMatchObject({ subscription_id: sub.id, status: 200, path: sub.url, detail: expect.objectContaining({ attempt: 1, outcome: 'delivered' }) });
    expect(JSON.stringify(entries)).not.toContain(key);
    expect(JSON.stringify(entries)).not.toContain('not-a-key');
  });

  it('records refused calls: 401 and 403 without a key id, 400 with it, each with client address, method, path and status', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const keyId = `key_${createHash('sha256').update(testEnv().env.API_KEYS!).digest('hex').slice(0, 8)}`;
    const tag = uniqueId('refused');
    expect((await api('GET', `/webhooks/${tag}_401`, undefined, { key: 'not-a-key' })).status).toBe(401);
    expect((await api('PATCH', `/webhooks/${tag}_400`, { url: 5 })).status).toBe(400);
    const outsider = await startExtraApi({ API_ALLOWED_CIDRS: '192.0.2.0/24' });
    let refused: Entry[];
    try {
      expect((await api('DELETE', `/webhooks/${tag}_403`, undefined, { baseUrl: outsider.url })).status).toBe(403);
      // The outsider API writes its audit record after answering, so it runs until the record is read back.
      refused = await eventually(async () => {
        const mine = (await allSince(since)).filter((e) => e.path?.startsWith(`/webhooks/${tag}_`));
        return mine.length >= 3 ? mine : undefined;
      }, 'audit entries of the three refused calls');
    } finally {
      await outsider.stop();
    }
    expect(refused.sort((a, b) => (a.status ?? 0) - (b.status ?? 0))).toEqual([
      expect.objectContaining({ kind: 'api.call', key_id: keyId, method: 'PATCH', path: `/webhooks/${tag}_400`, status: 400, subscription_id: `${tag}_400` }),
      expect.objectContaining({ kind: 'api.call', key_id: null, method: 'GET', path: `/webhooks/${tag}_401`, status: 401, subscription_id: `${tag}_401` }),
      expect.objectContaining({ kind: 'api.call', key_id: null, method: 'DELETE', path: `/webhooks/${tag}_403`, status: 403, subscription_id: `${tag}_403` }),
    ]);
    for (const e of refused) expect([e.status, e.client_ip]).toEqual([e.status, expect.stringMatching(/^(::ffff:)?127\.0\.0\.1$|^::1$/)]);
  });

  it('refuses a bad page request with a readable 400', async () => {
    expect((await api<{ message: string }>('GET', '/audit?limit=5000')).body.message).toMatch(/limit must be/);
    expect((await api<{ message: string }>('GET', '/audit?since=yesterday')).body.message).toMatch(/since must be/);
  });
});
