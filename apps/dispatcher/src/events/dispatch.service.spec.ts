import { randomBytes } from 'node:crypto';
import type { KafkaMessage } from 'kafkajs';
import { loadConfig } from '@app/config';
import { DeliveryTask, RecordWriter, SubscriptionRecord, topicsFor } from '@app/contracts';
import { OutgoingRecord, Publisher } from '@app/kafka';
import { createLogger } from '@app/observability';
import { SubscriptionIndex } from '@app/subscriptions';
import { AttemptService } from '../delivery/attempt.service';
import { DispatchService } from './dispatch.service';
import { IdempotencyRestorer } from './idempotency-restorer';
import { IdempotencyStore } from './idempotency.store';

const config = loadConfig({ ENCRYPTION_KEY: randomBytes(32).toString('base64'), HOOKSTREAM_DATA_DIR: '/tmp/hookstream-spec' });
const topics = topicsFor('spec', config.retry);

function message(key: string | null, value: unknown, offset = '7'): KafkaMessage {
  return {
    key: key === null ? null : Buffer.from(key),
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    offset,
    timestamp: String(Date.parse('2026-03-04T05:06:07.000Z')),
    attributes: 0,
    headers: {},
  };
}

function setup(matching: Array<Pick<SubscriptionRecord, 'id' | 'url'>>, failAttempts: boolean | ((t: DeliveryTask) => boolean) = false) {
  const published: OutgoingRecord[] = [];
  const tasks: DeliveryTask[] = [];
  const publisher = { publish: async (rs: OutgoingRecord[]) => void published.push(...rs) } as unknown as Publisher;
  const index = { match: () => matching, syncedSince: async () => undefined } as unknown as SubscriptionIndex;
  const attempts = {
    run: async (t: DeliveryTask) => {
      tasks.push(t);
      if (typeof failAttempts === 'function' ? failAttempts(t) : failAttempts) throw new Error('kafka down');
    },
  } as unknown as AttemptService;
  const restorer = { ready: async () => undefined } as unknown as IdempotencyRestorer;
  const store = new IdempotencyStore(3600_000, 1000);
  const service = new DispatchService(config, topics, createLogger('spec', 'silent'), publisher, new RecordWriter(topics), index, store, restorer, attempts);
  return { service, published, tasks };
}

describe('DispatchService', () => {
  const event = { id: 'evt_9', type: 'order.created', data: { n: 1 } };

  it('fans an event out to every matching subscription and records the decision on its own partition', async () => {
    const { service, published, tasks } = setup([
      { id: 'sub_a', url: 'https://a.example/h' },
      { id: 'sub_b', url: 'https://b.example/h' },
    ]);
    await service.handle(message('evt_9', event), 4);
    expect(tasks.map((t) => [t.subscription_id, t.attempt, t.last_attempt])).toEqual([
      ['sub_a', 1, 6],
      ['sub_b', 1, 6],
    ]);
    expect(tasks[0]!.event).toEqual({ ...event, timestamp: '2026-03-04T05:06:07.000Z' });
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ topic: topics.dispatch, key: 'evt_9', partition: 4 });
    expect(JSON.parse(published[0]!.value!.toString())).toMatchObject({ kind: 'dispatch', event_id: 'evt_9', source: { partition: 4, offset: '7' } });
  });

  it('handles a repeated id once', async () => {
    const { service, tasks } = setup([{ id: 'sub_a', url: 'https://a.example/h' }]);
    await Promise.all([service.handle(message('evt_9', event, '1'), 0), service.handle(message('evt_9', event, '2'), 0)]);
    await service.handle(message('evt_9', event, '3'), 0);
    expect(tasks).toHaveLength(1);
  });

  it('sets aside invalid records with the reason', async () => {
    const { service, published, tasks } = setup([{ id: 'sub_a', url: 'https://a.example/h' }]);
    await service.handle(message('k', '{nope'), 1);
    await service.handle(message('other', event), 1);
    expect(tasks).toHaveLength(0);
    const reasons = published.map((r) => (JSON.parse(r.value!.toString()) as { reason: string }).reason);
    expect(published.every((r) => r.topic === topics.eventsInvalid)).toBe(true);
    expect(reasons[0]).toMatch(/not valid JSON/);
    expect(reasons[1]).toMatch(/must equal the event id/);
  });

  it('retries only the deliveries that failed to record, never calling again a subscription already recorded', async () => {
    let bDown = true;
    const { service, tasks } = setup(
      [
        { id: 'sub_a', url: 'https://a.example/h' },
        { id: 'sub_b', url: 'https://b.example/h' },
      ],
      (t) => t.subscription_id === 'sub_b' && bDown,
    );
    await expect(service.handle(message('evt_9', event), 4)).rejects.toThrow('kafka down');
    bDown = false;
    await service.handle(message('evt_9', event), 4);
    expect(tasks.map((t) => t.subscription_id)).toEqual(['sub_a', 'sub_b', 'sub_b']);
  });

  it('sets aside a record larger than 256 KiB with the reason, keeping only the head of its value', async () => {
    const { service, published, tasks } = setup([{ id: 'sub_a', url: 'https://a.example/h' }]);
    await service.handle(message('evt_big', { ...event, id: 'evt_big', data: { blob: 'x'.repeat(300 * 1024) } }), 1);
    expect(tasks).toHaveLength(0);
    const record = JSON.parse(published[0]!.value!.toString()) as { reason: string; value: string; value_truncated: boolean };
    expect(record.reason).toMatch(/at most 262144 bytes/);
    expect(record.value_truncated).toBe(true);
    expect(record.value.length).toBe(16 * 1024);
  });

  it('forgets the id when its handling fails, so the retried record is not taken for a repeat', async () => {
    const failing = setup([{ id: 'sub_a', url: 'https://a.example/h' }], true);
    await expect(failing.service.handle(message('evt_9', event), 0)).rejects.toThrow('kafka down');
    await expect(failing.service.handle(message('evt_9', event), 0)).rejects.toThrow('kafka down');
    expect(failing.tasks).toHaveLength(2);
  });
});
