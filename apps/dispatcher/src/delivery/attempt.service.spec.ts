import { randomBytes } from 'node:crypto';
import { loadConfig } from '@app/config';
import { DeliveryTask, RecordWriter, SubscriptionRecord, topicsFor } from '@app/contracts';
import { DeliveryHttpClient, HttpAttemptResult, HttpRequest } from '@app/delivery';
import { OutgoingRecord, Publisher } from '@app/kafka';
import { createLogger, createRegistry, DeliveryMetrics } from '@app/observability';
import { SecretBox } from '@app/security';
import { SubscriptionIndex } from '@app/subscriptions';
import { EndpointGates } from '../endpoints/endpoint-gates';
import { PlaceQueues } from '../endpoints/place-queues';
import type { EndpointsService } from '../endpoints/endpoints.service';
import { AttemptService } from './attempt.service';
import { RequestBuilder } from './request-builder';

const config = loadConfig({ ENCRYPTION_KEY: randomBytes(32).toString('base64'), HOOKSTREAM_DATA_DIR: '/tmp/hookstream-spec', RETRY_MAX: '2' });
const topics = topicsFor('spec', config.retry);
const box = new SecretBox(config.encryptionKey);

function sub(overrides: Partial<SubscriptionRecord> = {}): SubscriptionRecord {
  return {
    kind: 'subscription',
    version: 1,
    id: 'sub_1',
    url: 'https://example.com/hook',
    events: ['*'],
    auth: { type: 'basic', username: 'u', password_sealed: box.seal('pw') },
    secret_sealed: box.seal(`whsec_${randomBytes(32).toString('base64')}`),
    previous_secrets: [],
    description: null,
    enabled: true,
    created_at: '2026-01-01T00:00:00.000Z',
    updated_at: '2026-01-01T00:00:00.000Z',
    tenant_id: null,
    filter: null,
    headers_sealed: {},
    rate_limit: null,
    disabled_reason: null,
    disabled_at: null,
    ...overrides,
  };
}

function task(attempt: number, last = 3): DeliveryTask {
  return {
    kind: 'delivery',
    version: 1,
    event: { id: 'evt_1', type: 'a.b', timestamp: '2026-01-01T00:00:00.000Z', data: { x: 1 }, tenant_id: null },
    subscription_id: 'sub_1',
    attempt,
    last_attempt: last,
    due_at: '2026-01-01T00:00:00.000Z',
    deadline_at: null,
    deferred_for: null,
    accepted_at: null,
  };
}

function setup(result: HttpAttemptResult, subscription: SubscriptionRecord | null = sub(), kafka = { down: false }, maxInFlight = 10) {
  const gates = new EndpointGates({ maxInFlight, slowMaxInFlight: maxInFlight, slowMs: 1e9, circuit: { threshold: 5, cooldownMs: 1000, cooldownMaxMs: 4000 }, disableAfterMs: 1e9, capWaitMs: 100, queueWaitMs: 20, attemptTimeoutMs: 2000 });
  const queues = new PlaceQueues(gates, (e) => e);
  const endpoints = {
    admit: (s: SubscriptionRecord, back: boolean) => queues.admit(s, back),
    finish: (s: SubscriptionRecord, e: { probe: boolean; at: number }, o: Parameters<EndpointGates['finish']>[2]) => gates.finish(s.id, e.probe, o, Date.now(), e.at),
  } as unknown as EndpointsService;
  const published: OutgoingRecord[] = [];
  const requests: HttpRequest[] = [];
  const client: DeliveryHttpClient = { post: async (r) => (requests.push(r), result), close: () => undefined };
  const publisher = {
    publish: async (rs: OutgoingRecord[]) => {
      if (kafka.down) throw new Error('kafka down');
      published.push(...rs);
    },
  } as unknown as Publisher;
  const index = { get: () => subscription ?? undefined } as unknown as SubscriptionIndex;
  const logger = createLogger('spec', 'silent');
  const service = new AttemptService(config, topics, logger, client, publisher, new RecordWriter(topics), index, new RequestBuilder(box), new DeliveryMetrics(createRegistry('spec')), endpoints);
  const decoded = () => published.map((r) => ({ topic: r.topic, key: r.key, value: JSON.parse(r.value!.toString()) as Record<string, unknown> }));
  return { service, requests, decoded, gates };
}

const ok: HttpAttemptResult = { statusCode: 204, error: null, durationMs: 12, retryAfterMs: null };
const boom: HttpAttemptResult = { statusCode: 500, error: 'receiver answered 500', durationMs: 7, retryAfterMs: null };

describe('AttemptService', () => {
  it('records a delivered attempt and schedules nothing more', async () => {
    const { service, requests, decoded } = setup(ok);
    await service.run(task(1));
    expect(requests).toHaveLength(1);
    expect(requests[0]!.headers.authorization).toBe(`Basic ${Buffer.from('u:pw').toString('base64')}`);
    expect(requests[0]!.headers['webhook-id']).toBe('evt_1');
    expect(decoded()).toEqual([
      { topic: topics.attempts, key: 'evt_1', value: expect.objectContaining({ kind: 'attempt', attempt: 1, outcome: 'delivered', status_code: 204, next_attempt_at: null }) },
    ]);
  });

  it('puts a failed attempt on the tier of its next delay, carrying the due time', async () => {
    const { service, decoded } = setup(boom);
    const before = Date.now();
    await service.run(task(1));
    const [attempt, retry] = decoded();
    expect(attempt).toMatchObject({ topic: topics.attempts, value: { outcome: 'failed', status_code: 500, error: 'receiver answered 500' } });
    expect(retry!.topic).toBe(topics.retryTiers[0]!.topic);
    expect(retry!.value).toMatchObject({ kind: 'delivery', attempt: 2, last_attempt: 3 });
    const due = Date.parse(retry!.value.due_at as string);
    expect(due).toBeGreaterThanOrEqual(before + topics.retryTiers[0]!.delayMs);
    expect(attempt!.value.next_attempt_at).toBe(retry!.value.due_at);
  });

  it('dead-letters the last allowed attempt', async () => {
    const { service, decoded } = setup(boom);
    await service.run(task(3, 3));
    const records = decoded();
    expect(records.map((r) => r.topic)).toEqual([topics.attempts, topics.deadLetter]);
    expect(records[0]!.value).toMatchObject({ outcome: 'failed', next_attempt_at: null });
    expect(records[1]!.value).toMatchObject({ kind: 'dead-letter', attempts: 3, last_status_code: 500 });
  });

  it('ends a delivery whose subscription was deleted without calling anyone', async () => {
    const { service, requests, decoded } = setup(ok, null);
    await service.run(task(2));
    expect(requests).toHaveLength(0);
    const records = decoded();
    expect(records.map((r) => r.topic)).toEqual([topics.attempts, topics.deadLetter]);
    expect(records[0]!.value).toMatchObject({ outcome: 'failed', error: 'the subscription was deleted', status_code: null });
  });

  it('ends a delivery at once, without a request, when the secret cannot be opened with the configured keys', async () => {
    const otherKey = new SecretBox(randomBytes(32));
    const { service, requests, decoded } = setup(ok, sub({ secret_sealed: otherKey.seal(`whsec_${randomBytes(32).toString('base64')}`) }));
    await service.run(task(1));
    expect(requests).toHaveLength(0);
    const records = decoded();
    expect(records.map((r) => r.topic)).toEqual([topics.attempts, topics.deadLetter]);
    expect(records[0]!.value).toMatchObject({ outcome: 'failed', next_attempt_at: null, error: expect.stringMatching(/cannot be opened/) });
  });

  it('publishes the kept records when its unit runs again after Kafka refused them, without calling the endpoint twice', async () => {
    const kafka = { down: true };
    const { service, requests, decoded } = setup(ok, sub(), kafka);
    await expect(service.run(task(1))).rejects.toThrow('kafka down');
    kafka.down = false;
    await service.run(task(1));
    expect(requests).toHaveLength(1);
    expect(decoded().map((r) => r.value.outcome)).toEqual(['delivered']);
    await service.run(task(1));
    expect(requests).toHaveLength(2);
  });

  it('defers a delivery whose endpoint is at its in-flight cap after a short wait for a place: no request, no attempt spent, back on a tier', async () => {
    const { service, requests, decoded, gates } = setup(ok, sub(), { down: false }, 1);
    gates.enter(sub(), false, Date.now());
    await service.run({ ...task(2), deadline_at: new Date(Date.now() + 60_000).toISOString() });
    expect(requests).toHaveLength(0);
    const [deferral, retry] = decoded();
    expect(deferral).toMatchObject({ topic: topics.attempts, value: { kind: 'deferral', attempt: 2, reason: 'in_flight_cap' } });
    expect(retry).toMatchObject({ topic: topics.retryTiers[0]!.topic, value: { kind: 'delivery', attempt: 2, deferred_for: 'in_flight_cap' } });
  });

  it('ends a deferred delivery failed, with the reason, once it cannot go within its schedule', async () => {
    const { service, decoded, gates } = setup(ok, sub(), { down: false }, 1);
    gates.enter(sub(), false, Date.now());
    await service.run({ ...task(2), deadline_at: new Date(Date.now() + 10).toISOString() });
    const records = decoded();
    expect(records.map((r) => r.topic)).toEqual([topics.attempts, topics.deadLetter]);
    expect(records[0]!.value).toMatchObject({ kind: 'attempt', outcome: 'failed', error: expect.stringMatching(/not sent within its retry schedule: the endpoint had ENDPOINT_MAX_IN_FLIGHT/) });
  });

  it('sends the custom headers, opened, and keeps its own headers above them', async () => {
    const { service, requests } = setup(ok, sub({ headers_sealed: { 'x-tenant-token': box.seal('t0k3n'), 'user-agent': box.seal('custom-agent') } }));
    await service.run(task(1));
    expect(requests[0]!.headers).toMatchObject({ 'x-tenant-token': 't0k3n', 'user-agent': 'custom-agent', 'content-type': 'application/json' });
  });

  it('uses the subscription as it is now (a changed URL) for a retry', async () => {
    const { service, requests } = setup(ok, sub({ url: 'https://example.org/new' }));
    await service.run(task(2));
    expect(requests[0]!.url).toBe('https://example.org/new');
  });
});
