import { Inject, Injectable } from '@nestjs/common';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { HookstreamConfig } from '@app/config';
import { deliveryTaskSchema, parseRecord, Topics } from '@app/contracts';
import { Publisher } from '@app/kafka';
import type { Logger } from '@app/observability';
import { CONFIG, CONSUMER_LAG, KAFKA, LOGGER, TOPICS, WorkerConsumer } from '@app/platform';
import type { Gauge } from 'prom-client';
import { waitMs } from './due-gate';

/**
 * Holds deliveries in the retry tier topics until due. Each tier has one fixed delay, so a partition's
 * head is always its next due record: when the head is not due, that partition is paused and sought back
 * to the head, and a timer resumes it at the due time. Nothing sleeps in a handler, so heartbeats and
 * other partitions carry on. Due records go to the deliveries topic; offsets are committed after they did.
 */
@Injectable()
export class TierConsumer implements WorkerConsumer {
  private readonly consumer: Consumer;
  private readonly groupId: string;
  private readonly holds = new Map<string, { topic: string; partition: number; timer: NodeJS.Timeout }>();

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(CONFIG) config: HookstreamConfig,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CONSUMER_LAG) private readonly waiting: Gauge<'group' | 'topic' | 'partition'>,
    private readonly publisher: Publisher,
  ) {
    this.groupId = `${config.KAFKA_TOPIC_PREFIX}.retry-scheduler`;
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      // A resumed partition is fetched with the next request, so this bounds how late a due retry can be.
      maxWaitTimeInMs: 50,
      sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatInterval: Math.max(500, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 10)),
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5000 },
    });
  }

  async start(): Promise<void> {
    // After a rebalance every owned partition re-reads its head from the committed offset, so held
    // partitions are resumed and their timers dropped (a kept pause would otherwise never be lifted).
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.releaseHolds());
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.topics.retryTiers.map((t) => t.topic), fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 32,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  async stop(): Promise<void> {
    for (const t of this.holds.values()) clearTimeout(t.timer);
    this.holds.clear();
    await this.consumer.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { topic, partition } = payload.batch;
    // Records held in this tier partition, the head included: the retries waiting in the tier.
    this.waiting.set({ group: this.groupId, topic, partition: String(partition) }, Number(payload.batch.offsetLagLow()));
    let forwarded: string | null = null;
    for (const message of payload.batch.messages) {
      if (!payload.isRunning() || payload.isStale()) break;
      const task = parseRecord(deliveryTaskSchema, message.value);
      if (task.ok) {
        const wait = waitMs(task.value.due_at, Date.now());
        if (wait > 0) {
          this.hold(topic, partition, message.offset, wait);
          break;
        }
        await this.publisher.publish([{ topic: this.topics.deliveries, key: task.value.event.id, value: message.value }]);
      } else {
        this.logger.error({ 'kafka.topic': topic, 'kafka.offset': message.offset, 'error.message': task.reason }, 'unreadable retry record skipped');
      }
      payload.resolveOffset(message.offset);
      forwarded = message.offset;
    }
    if (forwarded !== null) {
      // A refused commit (rebalance under way) is not fatal: the next batch commits past it, or the new
      // owner forwards the record again (at-least-once; the delivery is attempted twice at worst).
      await this.consumer.commitOffsets([{ topic, partition, offset: String(Number(forwarded) + 1) }]).catch((e: Error) =>
        this.logger.warn({ 'kafka.topic': topic, 'kafka.partition': partition, 'error.message': e.message }, 'retry tier commit deferred'),
      );
    }
  }

  private hold(topic: string, partition: number, offset: string, wait: number): void {
    const key = `${topic}:${partition}`;
    this.consumer.pause([{ topic, partitions: [partition] }]);
    this.consumer.seek({ topic, partition, offset });
    clearTimeout(this.holds.get(key)?.timer);
    const timer = setTimeout(() => {
      this.holds.delete(key);
      this.consumer.resume([{ topic, partitions: [partition] }]);
    }, wait);
    this.holds.set(key, { topic, partition, timer });
  }

  private releaseHolds(): void {
    for (const { topic, partition, timer } of this.holds.values()) {
      clearTimeout(timer);
      this.consumer.resume([{ topic, partitions: [partition] }]);
    }
    this.holds.clear();
  }
}

