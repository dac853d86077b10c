import { Injectable } from '@nestjs/common';
import type { Consumer, EachBatchPayload } from 'kafkajs';
import { deliveryTaskSchema, parseRecord, RecordWriter, Topics } from '@app/contracts';
import { Publisher } from '@app/kafka';
import type { Logger } from '@app/observability';
import { WorkerConsumer, WorkerPlatform } from '@app/platform';
import type { Gauge } from 'prom-client';
import { HeldPartition, HeldRecord } from './held-partition';

/** Records one tier partition may hold in memory before it stops fetching (until half have gone). */
const MAX_HELD_PER_PARTITION = 2000;

/** One tier partition this member reads: what it holds, and its end offset as of the last fetch. */
interface TierPartition {
  topic: string;
  partition: number;
  held: HeldPartition;
  end: number;
}

/**
 * Holds deliveries in the retry tier topics until due. Fetched records wait in memory per partition
 * (HeldPartition), each forwarded to the deliveries topic by a timer at its due time, never before; the
 * offset after a forwarded record is committed once it is on Kafka. A crash loses only memory: the next
 * owner refetches from the committed offset (at-least-once; a retry sent twice at worst).
 */
@Injectable()
export class TierConsumer implements WorkerConsumer {
  private readonly consumer: Consumer;
  private readonly groupId: string;
  /** By `topic:partition`. */
  private readonly partitions = new Map<string, TierPartition>();

  private readonly topics: Topics;
  private readonly logger: Logger;
  private readonly waiting: Gauge<'group' | 'topic' | 'partition'>;

  constructor(
    platform: WorkerPlatform,
    private readonly publisher: Publisher,
    private readonly writer: RecordWriter,
  ) {
    const { kafka, config } = platform;
    this.topics = platform.topics;
    this.logger = platform.logger;
    this.waiting = platform.lag;
    this.groupId = `${config.KAFKA_TOPIC_PREFIX}.retry-scheduler`;
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      // Timers, not polls, decide when a retry goes; a fetch returns at once when records arrive, so this
      // only bounds idle polling and how soon a partition resumed after a pause is read again.
      maxWaitTimeInMs: 500,
      sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatInterval: Math.max(500, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 10)),
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5000 },
    });
  }

  async start(): Promise<void> {
    // After a rebalance every owned partition is read again from its committed offset, so what is held is
    // dropped (and paused partitions resumed: a kept pause would never be lifted).
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => this.dropAll());
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
    for (const p of this.partitions.values()) p.held.close();
    this.partitions.clear();
    await this.consumer.disconnect();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (!payload.isRunning() || payload.isStale()) return;
    const key = `${batch.topic}:${batch.partition}`;
    let entry = this.partitions.get(key);
    if (!entry) this.partitions.set(key, (entry = { topic: batch.topic, partition: batch.partition, held: this.holdFor(batch.topic, batch.partition), end: 0 }));
    entry.end = Number(batch.highWatermark);
    entry.held.add(batch.messages.map((m) => this.toHeld(batch.topic, m.offset, m.value)));
    if (batch.messages.length > 0) payload.resolveOffset(batch.lastOffset());
    this.report(entry);
    await payload.heartbeat();
  }

  private toHeld(topic: string, offset: string, value: Buffer | null): HeldRecord {
    const task = parseRecord(deliveryTaskSchema, value);
    if (!task.ok) this.logger.error({ 'kafka.topic': topic, 'kafka.offset': offset, 'error.message': task.reason }, 'unreadable retry record skipped');
    return { offset: Number(offset), task: task.ok ? task.value : null, dueAt: task.ok ? task.value.due_at : null };
  }

  private holdFor(topic: string, partition: number): HeldPartition {
    const tp = [{ topic, partitions: [partition] }];
    const held: HeldPartition = new HeldPartition(
      {
        forward: (records) => this.publisher.publish(records.flatMap((r) => (r.task ? [this.writer.due(r.task)] : []))),
        commit: async (next) => {
          await this.consumer.commitOffsets([{ topic, partition, offset: String(next) }]);
          const entry = this.partitions.get(`${topic}:${partition}`);
          if (entry?.held === held) this.report(entry);
        },
        pause: () => this.consumer.pause(tp),
        resume: () => this.consumer.resume(tp),
        // A refused commit (rebalance under way) is not fatal: a later one commits past it, or the new owner
        // forwards the record again.
        onError: (e) => this.logger.warn({ 'kafka.topic': topic, 'kafka.partition': partition, 'error.message': e.message }, 'retry tier forward or commit deferred'),
      },
      MAX_HELD_PER_PARTITION,
    );
    return held;
  }

  /** Retries waiting in a tier partition: held in memory plus not yet fetched. */
  private report({ topic, partition, held, end }: TierPartition): void {
    const first = held.firstHeld;
    this.waiting.set({ group: this.groupId, topic, partition: String(partition) }, first === null ? 0 : Math.max(0, end - first));
  }

  private dropAll(): void {
    for (const { topic, partition, held } of this.partitions.values()) {
      held.close();
      this.consumer.resume([{ topic, partitions: [partition] }]);
    }
    this.partitions.clear();
  }
}
