import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { startExtraApi } from '../support/extra-api';
import { statusOf, StatusBody } from '../support/flows';
import { closeKafka, produce, topic } from '../support/kafka';
import { Receiver } from '../support/receiver';

interface Tenant {
  id: string;
  key: string;
  keyId: string;
}

async function tenant(label: string): Promise<Tenant> {
  const created = await api<{ id: string }>('POST', '/tenants', { id: uniqueId(label), name: `${label} Inc.` });
  expect(created.status).toBe(201);
  const key = await api<{ id: string; key: string }>('POST', `/tenants/${created.body.id}/keys`, { description: 'tests' });
  expect(key.status).toBe(201);
  return { id: created.body.id, key: key.body.key, keyId: key.body.id };
}

const as = (t: Tenant) => ({ key: t.key });

describe('tenants', () => {
  const receiver = new Receiver();
  let a: Tenant;
  let b: Tenant;
  let type: string;
  let subA: string;
  let subB: string;
  let subNone: string;

  beforeAll(async () => {
    await receiver.start();
    [a, b] = await Promise.all([tenant('acme'), tenant('globex')]);
    type = `${uniqueId('tenant')}.created`;
    const create = async (path: string, opts: { key?: string } = {}) => {
      const res = await api<{ id: string; tenant_id: string | null }>('POST', '/webhooks', { url: receiver.url(path), events: [type] }, opts);
      expect(res.status).toBe(201);
      return res.body;
    };
    const sa = await create('/a', as(a));
    expect(sa.tenant_id).toBe(a.id);
    subA = sa.id;
    subB = (await create('/b', as(b))).id;
    subNone = (await create('/none')).id;
  });
  afterAll(async () => {
    await receiver.stop();
    await closeKafka();
  });

  const paths = (id: string) => receiver.byEvent(id).map((r) => r.path).sort();

  it("routes an event only to its tenant's endpoints, through the API and straight from Kafka", async () => {
    const viaApi = await api<{ id: string }>('POST', '/events', { type, data: {} }, as(a));
    expect(viaApi.status).toBe(202);
    const st = await eventually(async () => {
      const r = await api<StatusBody>('GET', `/webhooks/status?event_id=${viaApi.body.id}`, undefined, as(a));
      return r.body.status === 'delivered' ? r.body : undefined;
    }, "A's event");
    expect(st.deliveries.map((d) => d.subscription_id)).toEqual([subA]);

    const viaKafka = uniqueId('evt_kafka');
    await produce(topic('events'), [{ key: viaKafka, value: JSON.stringify({ id: viaKafka, type, data: {}, tenant_id: b.id }) }]);
    await eventually(async () => ((await api<StatusBody>('GET', `/webhooks/status?event_id=${viaKafka}`, undefined, as(b))).body.status === 'delivered' ? true : undefined), 'the Kafka event of B');

    const untenanted = await api<{ id: string }>('POST', '/events', { type, data: {} });
    await statusOf(untenanted.body.id, ['delivered']);
    expect(paths(viaApi.body.id)).toEqual(['/a']);
    expect(paths(viaKafka)).toEqual(['/b']);
    expect(paths(untenanted.body.id)).toEqual(['/none']);
  });

  it('keeps ids per tenant: the same id under two tenants is two events, each delivered once', async () => {
    const id = uniqueId('evt_shared');
    expect((await api('POST', '/events', { id, type, data: { from: 'a' } }, as(a))).status).toBe(202);
    expect((await api('POST', '/events', { id, type, data: { from: 'b' } }, as(b))).status).toBe(202);
    expect((await api('POST', '/events', { id, type, data: { from: 'a again' } }, as(a))).status).toBe(202);
    for (const t of [a, b]) {
      await eventually(async () => ((await api<StatusBody>('GET', `/webhooks/status?event_id=${id}`, undefined, as(t))).body.status === 'delivered' ? true : undefined), `${t.id}'s copy`);
    }
    await eventually(async () => (receiver.byEvent(id).length === 2 ? true : undefined), 'two deliveries');
    expect(receiver.byEvent(id).map((r) => `${r.path}:${(JSON.parse(r.body) as { data: { from: string } }).data.from}`).sort()).toEqual(['/a:a', '/b:b']);
    // An admin key names the tenant to read one of them.
    const adminView = await api<StatusBody>('GET', `/webhooks/status?event_id=${id}&tenant_id=${a.id}`);
    expect(adminView.body.deliveries.map((d) => d.subscription_id)).toEqual([subA]);
  });

  it("answers 404 for every route tried on another tenant's things, and changes nothing", async () => {
    const id = (await api<{ id: string }>('POST', '/events', { type, data: {} }, as(a))).body.id;
    await eventually(async () => ((await api<StatusBody>('GET', `/webhooks/status?event_id=${id}`, undefined, as(a))).body.status === 'delivered' ? true : undefined), "A's event");
    const since = new Date(Date.now() - 60_000).toISOString();
    const tries: Array<[string, string, unknown?]> = [
      ['GET', `/webhooks/${subA}`],
      ['PATCH', `/webhooks/${subA}`, { description: 'taken over' }],
      ['DELETE', `/webhooks/${subA}`],
      ['POST', `/webhooks/${subA}/secret/rotate`],
      ['POST', `/webhooks/${subA}/recover`, { since }],
      ['POST', `/webhooks/${subA}/test`],
      ['GET', `/webhooks/${subA}/deliveries`],
      ['GET', `/webhooks/status?event_id=${id}`],
      ['GET', `/events/${id}/attempts`],
      ['POST', `/events/${id}/retry`],
      ['GET', `/stats?subscription_id=${subA}`],
      ['GET', `/events?tenant_id=${a.id}`],
      ['GET', `/webhooks?tenant_id=${a.id}`],
      ['GET', `/audit?tenant_id=${a.id}`],
    ];
    for (const [method, path, body] of tries) {
      const res = await api<{ statusCode: number }>(method, path, body, as(b));
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    const still = await api<{ description: string | null; id: string }>('GET', `/webhooks/${subA}`, undefined, as(a));
    expect(still.status).toBe(200);
    expect(still.body.description).toBeNull();
    expect(receiver.byEvent(id)).toHaveLength(1);

    // Lists hold only the caller's own; publishing for another tenant is refused; admin routes too.
    const listed = await api<Array<{ id: string }>>('GET', '/webhooks', undefined, as(b));
    expect(listed.body.map((s) => s.id)).toEqual([subB]);
    const events = await api<{ events: Array<{ tenant_id: string }> }>('GET', `/events?type=${type}&limit=200`, undefined, as(b));
    expect(events.body.events.every((e) => e.tenant_id === b.id)).toBe(true);
    expect((await api('POST', '/events', { type, data: {}, tenant_id: a.id }, as(b))).status).toBe(403);
    for (const [method, path] of [['GET', '/tenants'], ['POST', `/tenants/${b.id}/keys`], ['GET', `/tenants/${b.id}/keys`], ['GET', '/metrics']] as const) {
      expect([path, (await api(method, path, method === 'POST' ? {} : undefined, as(b))).status]).toEqual([path, 403]);
    }
    const me = await api<{ role: string; tenant_id: string }>('GET', '/me', undefined, as(b));
    expect(me.body).toMatchObject({ role: 'tenant', tenant_id: b.id, key_id: b.keyId });
    const audit = await api<{ entries: Array<{ tenant_id: string | null }> }>('GET', '/audit?limit=1000', undefined, as(b));
    expect(audit.body.entries.length).toBeGreaterThan(0);
    expect(audit.body.entries.every((e) => e.tenant_id === b.id)).toBe(true);
    expect(subNone).toBeDefined();
  });

  it('refuses a revoked key on another API instance within 2 s, and lists keys with their last use', async () => {
    const other = await startExtraApi({});
    try {
      const t = await tenant('initech');
      expect((await api('GET', '/webhooks', undefined, { key: t.key, baseUrl: other.url })).status).toBe(200);
      const keys = await eventually(async () => {
        const r = await api<{ keys: Array<{ id: string; last_used_at: string | null }> }>('GET', `/tenants/${t.id}/keys`);
        return r.body.keys[0]?.last_used_at ? r.body.keys : undefined;
      }, 'the key listed with its last use');
      expect(keys.map((k) => k.id)).toEqual([t.keyId]);
      expect((await api('DELETE', `/tenants/${t.id}/keys/${t.keyId}`)).status).toBe(204);
      const revokedAt = Date.now();
      await eventually(async () => ((await api('GET', '/webhooks', undefined, { key: t.key, baseUrl: other.url })).status === 401 ? true : undefined), 'the revoked key refused', 2000);
      expect(Date.now() - revokedAt).toBeLessThan(2000);
    } finally {
      await other.stop();
    }
  });

  it('deletes a tenant with its endpoints and keys; its history stays readable to admin keys', async () => {
    const t = await tenant('umbrella');
    const sub = await api<{ id: string }>('POST', '/webhooks', { url: receiver.url('/umbrella'), events: [type] }, as(t));
    const id = (await api<{ id: string }>('POST', '/events', { type, data: {} }, as(t))).body.id;
    await eventually(async () => ((await api<StatusBody>('GET', `/webhooks/status?event_id=${id}&tenant_id=${t.id}`)).body.status === 'delivered' ? true : undefined), "the tenant's event");
    expect((await api('DELETE', `/tenants/${t.id}`)).status).toBe(204);
    expect((await api('GET', `/tenants/${t.id}`)).status).toBe(404);
    expect((await api('GET', `/webhooks/${sub.body.id}`)).status).toBe(404);
    expect((await api('GET', '/webhooks', undefined, as(t))).status).toBe(401);
    expect((await api<StatusBody>('GET', `/webhooks/status?event_id=${id}&tenant_id=${t.id}`)).body.status).toBe('delivered');
  });

  it('filters payloads: only events whose data meet every condition are delivered', async () => {
    const ftype = `${uniqueId('filter')}.paid`;
    const res = await api<{ id: string }>(
      'POST',
      '/webhooks',
      { url: receiver.url('/filtered'), events: [ftype], filter: { 'data.amount': { gte: 100 }, 'data.currency': { in: ['EUR', 'USD'] }, 'data.test': { ne: true } } },
      as(a),
    );
    expect(res.status).toBe(201);
    const cases: Array<[Record<string, unknown>, boolean]> = [
      [{ amount: 150, currency: 'EUR' }, true],
      [{ amount: 150, currency: 'EUR', test: false }, true],
      [{ amount: 99, currency: 'EUR' }, false],
      [{ amount: 150, currency: 'GBP' }, false],
      [{ amount: 150, currency: 'USD', test: true }, false],
      [{ amount: '150', currency: 'EUR' }, false],
      [{ currency: 'EUR' }, false],
    ];
    const ids: Array<[string, boolean]> = [];
    for (const [data, delivered] of cases) ids.push([(await api<{ id: string }>('POST', '/events', { type: ftype, data }, as(a))).body.id, delivered]);
    for (const [id, delivered] of ids) {
      const st = await eventually(async () => {
        const s = await api<StatusBody>('GET', `/webhooks/status?event_id=${id}`, undefined, as(a));
        return s.status === 200 && ['delivered', 'no_subscribers'].includes(s.body.status) ? s.body : undefined;
      }, `event ${id}`);
      expect([JSON.stringify(cases[ids.findIndex(([i]) => i === id)]![0]), st.status]).toEqual([expect.any(String), delivered ? 'delivered' : 'no_subscribers']);
    }
    const bad = await api<{ message: string }>('POST', '/webhooks', { url: receiver.url('/x'), events: [ftype], filter: { 'data.amount': { gte: [1] } } }, as(a));
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/filter\."data\.amount"\.gte/);
    expect(testEnv().prefix).toBeTruthy();
  });
});
