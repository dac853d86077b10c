import { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Gauge } from 'prom-client';
import type { Logger } from '@app/observability';
import { PartitionProgress } from './partition-progress';

/** Thrown by a handler when trying again cannot help; the record is skipped (after the handler logged why). */
export class NonRetryableError extends Error {}

export interface MessageContext {
  topic: string;
  partition: number;
}

export interface BatchConsumerOptions {
  groupId: string;
  topics: string[];
  /** 'message': each record is its own unit of work, run in parallel. 'batch': one unit per fetched batch. */
  unit: 'message' | 'batch';
  handle: (messages: KafkaMessage[], ctx: MessageContext) => Promise<void>;
  /** Units running at once across all partitions; fetching waits while this many run. */
  concurrency: number;
  fromBeginning?: boolean;
  commitIntervalMs?: number;
  /**
   * A fetch returns once this many bytes are ready or `maxWaitMs` passed (defaults 1 byte and 1000 ms: at
   * once when anything is there). Larger values trade a little latency for fewer, larger batches.
   */
  minBytes?: number;
  maxWaitMs?: number;
  /** A member that stops heartbeating (crashed) loses its partitions after this long. */
  sessionTimeoutMs: number;
  /** Set from each fetched batch: records behind the end of its partition. */
  lag?: Gauge<'group' | 'topic' | 'partition'>;
  /** Called once per group join with this member's partitions (topic → partitions). */
  onAssignment?: (assignment: Record<string, number[]>) => void;
}

/**
 * Runs a consumer group with bounded parallel work and commits offsets in one place: a timer commits,
 * per partition, the offset before the first unfinished unit. Work that fails with a retryable error is
 * retried with backoff (never skipped), so a committed offset always stands for durable work.
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private readonly progress = new Map<string, PartitionProgress>();
  private readonly lastCommitted = new Map<string, number>();
  /** Units doing work now (at most `concurrency`). */
  private running = 0;
  /** Units waiting to try again after a failure: they hold no slot, but count against taking new work. */
  private backingOff = 0;
  private waiters: Array<() => void> = [];
  private commitTimer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    kafka: Kafka,
    private readonly options: BatchConsumerOptions,
    private readonly logger: Logger,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(options.sessionTimeoutMs / 10)),
      // Long poll: with the default minBytes a fetch returns as soon as one of its partitions has data.
      minBytes: options.minBytes ?? 1,
      maxWaitTimeInMs: options.maxWaitMs ?? 1000,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5000 },
    });
  }

  async start(): Promise<void> {
    const { GROUP_JOIN } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, ({ payload }) => this.onJoin(payload.memberAssignment));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 16,
      eachBatch: (payload) => this.eachBatch(payload),
    });
    this.commitTimer = setInterval(() => void this.commit(), this.options.commitIntervalMs ?? 100);
  }

  /** Stops fetching, lets running work finish (up to timeoutMs), commits what finished, and leaves the group. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    for (const wake of this.waiters.splice(0)) wake();
    const deadline = Date.now() + timeoutMs;
    while (this.running > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    clearInterval(this.commitTimer);
    await this.commit().catch(() => undefined);
    await this.consumer.disconnect();
  }

  private onJoin(assignment: Record<string, number[]>): void {
    const owned = new Set(Object.entries(assignment).flatMap(([t, ps]) => ps.map((p) => `${t}:${p}`)));
    for (const key of [...this.progress.keys()]) {
      if (!owned.has(key)) {
        this.progress.delete(key);
        this.lastCommitted.delete(key);
      }
    }
    this.options.onAssignment?.(assignment);
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    this.options.lag?.set({ group: this.options.groupId, topic: batch.topic, partition: String(batch.partition) }, Number(batch.offsetLag()));
    const key = `${batch.topic}:${batch.partition}`;
    let progress = this.progress.get(key);
    if (!progress) this.progress.set(key, (progress = new PartitionProgress()));
    const fresh = batch.messages.filter((m) => !progress.seen(Number(m.offset)));
    const units = this.options.unit === 'batch' ? (fresh.length > 0 ? [fresh] : []) : fresh.map((m) => [m]);
    for (const messages of units) {
      while (this.full() && !this.stopping) {
        await new Promise<void>((r) => this.waiters.push(r));
        await payload.heartbeat();
      }
      if (!payload.isRunning() || payload.isStale() || this.stopping) return;
      const unit = progress.add(Number(messages[0]!.offset), Number(messages[messages.length - 1]!.offset));
      this.running++;
      void this.runUnit(messages, { topic: batch.topic, partition: batch.partition }).then((finished) => {
        unit.done = finished;
        this.release();
      });
      payload.resolveOffset(messages[messages.length - 1]!.offset);
    }
    if (batch.messages.length > 0) payload.resolveOffset(batch.lastOffset());
    await payload.heartbeat();
  }

  /**
   * No new unit starts while every slot works, nor while as many units again wait to retry: failing units do
   * not hold the slots healthy work needs, yet memory stays bounded when everything fails (Kafka down).
   */
  private full(): boolean {
    return this.running >= this.options.concurrency || this.running + this.backingOff >= 2 * this.options.concurrency;
  }

  private release(): void {
    this.running--;
    this.waiters.shift()?.();
  }

  /** Takes a slot again for a unit that waited to retry. */
  private async reacquire(): Promise<void> {
    while (this.running >= this.options.concurrency && !this.stopping) await new Promise<void>((r) => this.waiters.push(r));
    this.running++;
  }

  /**
   * True when the unit's work is done (or skipped as non-retryable); false when abandoned at shutdown. A
   * failed unit gives its slot back while it waits to try again.
   */
  private async runUnit(messages: KafkaMessage[], ctx: MessageContext): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.handle(messages, ctx);
        return true;
      } catch (e) {
        const err = e as Error;
        const where = { 'kafka.topic': ctx.topic, 'kafka.partition': ctx.partition, 'kafka.offset': messages[0]!.offset };
        if (e instanceof NonRetryableError) {
          this.logger.error({ ...where, 'error.message': err.message }, 'record skipped: not retryable');
          return true;
        }
        if (this.stopping) return false;
        this.logger.warn({ ...where, 'error.message': err.message, attempt }, 'work failed; retrying');
        this.release();
        this.backingOff++;
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** Math.min(attempt, 6))));
        this.backingOff--;
        await this.reacquire();
        if (this.stopping) return false;
      }
    }
  }

  private async commit(): Promise<void> {
    const offsets: Array<{ topic: string; partition: number; offset: string }> = [];
    for (const [key, progress] of this.progress) {
      const next = progress.committable();
      if (next === null || this.lastCommitted.get(key) === next) continue;
      const split = key.lastIndexOf(':');
      offsets.push({ topic: key.slice(0, split), partition: Number(key.slice(split + 1)), offset: String(next) });
    }
    if (offsets.length === 0) return;
    try {
      await this.consumer.commitOffsets(offsets);
      for (const o of offsets) this.lastCommitted.set(`${o.topic}:${o.partition}`, Number(o.offset));
    } catch (e) {
      // A rebalance in progress refuses commits; the next tick tries again with the then-current offsets.
      this.logger.debug({ 'error.message': (e as Error).message }, 'offset commit deferred');
    }
  }
}
