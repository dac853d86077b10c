import { Webhook } from 'standardwebhooks';
import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { publish, statusOf, subscribe } from '../support/flows';
import { closeKafka, produce, topic } from '../support/kafka';
import { logLines } from '../support/logs';
import { Receiver } from '../support/receiver';

describe('delivery, end to end on the real broker and database', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(async () => {
    await receiver.stop();
    await closeKafka();
  });

  it('runs the dispatcher on the delivery client this pass asked for (undici by default; npm test repeats these specs with got)', async () => {
    const expected = process.env.HOOKSTREAM_TEST_DELIVERY_CLIENT ?? 'undici';
    const chosen = await eventually(async () => logLines('dispatcher').find((l) => l.message === 'delivery HTTP client chosen'), 'the client choice log line');
    expect(chosen['delivery.client']).toBe(expected);
  });

  it('registers, publishes, delivers one signed request and reports delivered', async () => {
    const type = `${uniqueId('t')}.order.created`;
    const sub = await subscribe(receiver.url(), [type], { auth: { type: 'basic', username: 'shop', password: 'pa55-e2e' } });
    expect(sub.secret).toMatch(/^whsec_/);

    const id = await publish({ type, data: { order: 42, note: 'ünïcödé' } });
    expect(id).toMatch(/^evt_/);

    const req = await eventually(async () => receiver.byEvent(id)[0], 'the request');
    const body = new Webhook(sub.secret).verify(req.body, {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    }) as Record<string, unknown>;
    expect(body).toEqual({ id, type, timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), data: { order: 42, note: 'ünïcödé' } });
    expect(Object.keys(JSON.parse(req.body) as object)).toEqual(['id', 'type', 'timestamp', 'data']);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('shop:pa55-e2e').toString('base64')}`);
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(req.body, req.headers as Record<string, string>)).toThrow();

    const status = await statusOf(id, ['delivered']);
    expect(status).toMatchObject({ event_id: id, type, status: 'delivered', attempts: 1 });
    expect(status.deliveries).toEqual([
      expect.objectContaining({ subscription_id: sub.id, url: sub.url, status: 'delivered', attempts: 1, last_status_code: 200, last_error: null, next_attempt_at: null }),
    ]);
    expect(Date.parse(status.last_attempt!)).not.toBeNaN();

    const attempts = await api<unknown[]>('GET', `/events/${id}/attempts`);
    expect(attempts.status).toBe(200);
    expect(attempts.body).toEqual([
      expect.objectContaining({ subscription_id: sub.id, attempt: 1, status_code: 200, error: null, outcome: 'delivered', duration_ms: expect.any(Number) }),
    ]);
    expect(receiver.byEvent(id)).toHaveLength(1);
    const metrics = await (await fetch(`http://127.0.0.1:${testEnv().env.DISPATCHER_PORT}/metrics`)).text();
    expect(metrics).toMatch(/hookstream_delivery_attempts_total\{[^}]*outcome="delivered"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/hookstream_publish_to_delivered_seconds_count\{[^}]*\} [1-9]/);
  });

  it('delivers an event written straight to Kafka exactly like a posted one', async () => {
    const type = `${uniqueId('t')}.invoice.paid`;
    const sub = await subscribe(receiver.url('/direct'), [type]);
    const id = uniqueId('evt_direct');
    await produce(topic('events'), [{ key: id, value: JSON.stringify({ id, type, data: { amount: 5 }, timestamp: '2026-01-02T03:04:05.000Z' }) }]);

    const status = await statusOf(id, ['delivered']);
    expect(status.attempts).toBe(1);
    const req = receiver.byEvent(id)[0]!;
    const body = new Webhook(sub.secret).verify(req.body, req.headers as Record<string, string>);
    expect(body).toEqual({ id, type, timestamp: '2026-01-02T03:04:05.000Z', data: { amount: 5 } });
  });

  it('shows an event as pending within a second of the 202 while its first attempt runs', async () => {
    const type = `${uniqueId('t')}.slow`;
    receiver.respond = (r) => (r.path === '/slow' ? { status: 200, delayMs: 1500 } : 200);
    await subscribe(receiver.url('/slow'), [type]);
    const id = await publish({ type, data: {} });
    const accepted = Date.now();
    const first = await eventually(async () => {
      const r = await api<{ status: string }>('GET', `/webhooks/status?event_id=${id}`);
      return r.status === 200 ? r.body : undefined;
    }, 'the event to be visible', 1000);
    expect(Date.now() - accepted).toBeLessThan(1000);
    expect(first.status).toBe('pending');
    expect((await statusOf(id, ['delivered'])).attempts).toBe(1);
  });

  it('answers 404 for an unknown event', async () => {
    const res = await api('GET', `/webhooks/status?event_id=${uniqueId('nope')}`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });
});
