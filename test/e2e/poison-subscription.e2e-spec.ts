import { randomBytes } from 'node:crypto';
import { SecretBox } from '@app/security';
import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { statusOf, subscribe } from '../support/flows';
import { closeKafka, produce, topic } from '../support/kafka';
import { Receiver } from '../support/receiver';

const EVENTS_EACH = 300;

/**
 * A subscription sealed with a key this deployment does not have (a key rotation without
 * ENCRYPTION_KEYS_PREVIOUS, or an instance started with the wrong key) must fail alone: its deliveries end
 * `failed` with the reason, every other subscription gets each event exactly once and at normal speed,
 * and health says degraded.
 */
describe('a subscription whose secret no configured key opens', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(async () => {
    await receiver.stop();
    await closeKafka();
  });

  it('fails alone: other subscriptions get every event exactly once, at normal speed; health is degraded', async () => {
    const family = uniqueId('px').toLowerCase();
    const x = `sub_${uniqueId('poison')}`;
    const otherKey = new SecretBox(randomBytes(32));
    const now = new Date().toISOString();
    await produce(topic('subscriptions'), [
      {
        key: x,
        value: JSON.stringify({
          kind: 'subscription',
          version: 1,
          id: x,
          url: receiver.url('/x'),
          events: [`${family}.px.*`],
          auth: null,
          secret_sealed: otherKey.seal(`whsec_${randomBytes(32).toString('base64')}`),
          previous_secrets: [],
          description: 'sealed with another key',
          enabled: true,
          created_at: now,
          updated_at: now,
        }),
      },
    ]);
    const y = await subscribe(receiver.url('/y'), [`${family}.px.*`, `${family}.py.*`]);
    try {
      const px = Array.from({ length: EVENTS_EACH }, (_, i) => `evt_${family}_px_${i}`);
      const py = Array.from({ length: EVENTS_EACH }, (_, i) => `evt_${family}_py_${i}`);
      const started = Date.now();
      await produce(
        topic('events'),
        [...px.map((id) => ({ id, type: `${family}.px.created` })), ...py.map((id) => ({ id, type: `${family}.py.created` }))].map((e) => ({
          key: e.id,
          value: JSON.stringify({ ...e, data: { n: 1 } }),
        })),
      );
      const toY = () => receiver.requests.filter((r) => r.path === '/y');
      await eventually(async () => (toY().length >= 2 * EVENTS_EACH ? true : undefined), 'every event delivered to Y', 60000);
      const elapsed = Date.now() - started;

      const lastPy = py[py.length - 1]!;
      const status = await statusOf(lastPy, ['delivered']);
      expect(status.deliveries.map((d) => d.subscription_id)).toEqual([y.id]);
      const xStatus = await statusOf(px[0]!, ['failed']);
      const xDelivery = xStatus.deliveries.find((d) => d.subscription_id === x);
      expect(xDelivery).toMatchObject({ status: 'failed', attempts: 1, last_error: expect.stringMatching(/cannot be opened/) });
      expect(xStatus.deliveries.find((d) => d.subscription_id === y.id)).toMatchObject({ status: 'delivered' });

      // Exactly once to Y, none to X (no request can be signed for it), and quickly: 600 events to one
      // local receiver take a few seconds here; the loop this replaces never finished them.
      const perEvent = new Map<string, number>();
      for (const r of toY()) perEvent.set(String(r.headers['webhook-id']), (perEvent.get(String(r.headers['webhook-id'])) ?? 0) + 1);
      // Keep watching until X's last delivery is settled too: a repeat would have come by then.
      await statusOf(px[px.length - 1]!, ['failed']);
      expect(perEvent.size).toBe(2 * EVENTS_EACH);
      expect([...perEvent.values()].every((n) => n === 1)).toBe(true);
      expect(receiver.requests.filter((r) => r.path === '/x')).toHaveLength(0);
      expect(elapsed).toBeLessThan(30000);

      const health = await api<{ status: string; checks: Record<string, string> }>('GET', '/health', undefined, { key: null });
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'degraded', checks: { subscriptions: 'degraded' } });
      const dispatcherHealth = await fetch(`http://127.0.0.1:${testEnv().env.DISPATCHER_PORT}/health`).then((r) => r.json() as Promise<{ status: string }>);
      expect(dispatcherHealth.status).toBe('degraded');
      const metrics = await fetch(`${testEnv().apiUrl}/metrics`, { headers: { authorization: `Bearer ${testEnv().env.API_KEYS}` } }).then((r) => r.text());
      expect(metrics).toMatch(/hookstream_subscriptions_unusable\{[^}]*\} 1/);
    } finally {
      await produce(topic('subscriptions'), [{ key: x, value: null }]);
      await api('DELETE', `/webhooks/${y.id}`);
    }
    await eventually(async () => ((await api<{ status: string }>('GET', '/health', undefined, { key: null })).body.status === 'ok' ? true : undefined), 'health ok again');
  });
});
