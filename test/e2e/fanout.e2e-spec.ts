import { api } from '../support/api';
import { uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { publish, statusOf, subscribe } from '../support/flows';
import { Receiver } from '../support/receiver';

describe('fan-out by event type', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it('sends each event to exactly the subscriptions whose filters match (exact, prefix.*, *)', async () => {
    const ns = uniqueId('fan');
    const exact = await subscribe(receiver.url('/exact'), [`${ns}.order.created`]);
    const prefix = await subscribe(receiver.url('/prefix'), [`${ns}.order.*`]);
    const all = await subscribe(receiver.url('/all'), ['*']);
    try {
      const created = await publish({ type: `${ns}.order.created`, data: {} });
      const refunded = await publish({ type: `${ns}.order.refunded`, data: {} });
      const other = await publish({ type: `${ns}.user.deleted`, data: {} });

      const s1 = await statusOf(created, ['delivered']);
      expect(s1.deliveries.map((d) => d.subscription_id).sort()).toEqual([exact.id, prefix.id, all.id].sort());
      expect(s1.attempts).toBe(3);
      const s2 = await statusOf(refunded, ['delivered']);
      expect(s2.deliveries.map((d) => d.subscription_id).sort()).toEqual([prefix.id, all.id].sort());
      const s3 = await statusOf(other, ['delivered']);
      expect(s3.deliveries.map((d) => d.subscription_id)).toEqual([all.id]);

      const paths = (id: string) => receiver.byEvent(id).map((r) => r.path).sort();
      expect(paths(created)).toEqual(['/all', '/exact', '/prefix']);
      expect(paths(refunded)).toEqual(['/all', '/prefix']);
      expect(paths(other)).toEqual(['/all']);
    } finally {
      // A "*" subscription would match every later test's events.
      expect((await api('DELETE', `/webhooks/${all.id}`)).status).toBe(204);
    }
  });

  it('reports no_subscribers for an event nobody subscribed to', async () => {
    const id = await publish({ type: `${uniqueId('lonely')}.event`, data: {} });
    const status = await statusOf(id, ['no_subscribers']);
    expect(status).toMatchObject({ status: 'no_subscribers', attempts: 0, last_attempt: null, deliveries: [] });
  });

  it('follows subscription changes for later events: disabled, re-filtered, deleted', async () => {
    const ns = uniqueId('chg');
    const sub = await subscribe(receiver.url('/chg'), [`${ns}.a`]);
    const patched = await api('PATCH', `/webhooks/${sub.id}`, { events: [`${ns}.b`] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: sub.id, events: [`${ns}.b`] });
    expect(patched.body).not.toHaveProperty('secret');

    const a = await publish({ type: `${ns}.a`, data: {} });
    const b = await publish({ type: `${ns}.b`, data: {} });
    expect((await statusOf(a, ['no_subscribers'])).deliveries).toEqual([]);
    expect((await statusOf(b, ['delivered'])).deliveries).toHaveLength(1);

    expect((await api('DELETE', `/webhooks/${sub.id}`)).status).toBe(204);
    expect((await api('GET', `/webhooks/${sub.id}`)).status).toBe(404);
    const c = await publish({ type: `${ns}.b`, data: {} });
    await statusOf(c, ['no_subscribers']);
    await eventually(async () => (receiver.byEvent(b).length === 1 ? true : undefined), 'b delivered once');
    expect(receiver.byEvent(c)).toHaveLength(0);
  });

  it('lists and reads subscriptions without passwords or secrets', async () => {
    const sub = await subscribe(receiver.url('/list'), [`${uniqueId('l')}.x`], { auth: { type: 'basic', username: 'u', password: 'list-secret-pw' } });
    const one = await api('GET', `/webhooks/${sub.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: sub.id, url: sub.url, auth: { type: 'basic', username: 'u' }, enabled: true });
    const list = await api<Array<{ id: string }>>('GET', '/webhooks');
    expect(list.body.map((s) => s.id)).toContain(sub.id);
    const text = JSON.stringify([one.body, list.body]);
    expect(text).not.toContain('list-secret-pw');
    expect(text).not.toContain(sub.secret);
    expect(text).not.toContain('whsec_');
  });
});
