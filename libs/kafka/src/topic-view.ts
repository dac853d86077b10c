import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Admin, Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { EndOffsets } from './end-offsets';

/**
 * An in-memory view of a whole topic, read from the beginning and kept current (a table over a compacted
 * topic). Each instance reads with a group of its own, so every process sees every partition.
 */
export class TopicView {
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly ends: EndOffsets;
  /** Per partition, the next offset this view will read. */
  private readonly position = new Map<number, number>();
  private readonly moved = new EventEmitter();
  private readonly groupId: string;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
    private readonly apply: (message: KafkaMessage, partition: number) => void,
    groupPrefix: string,
  ) {
    this.groupId = `${groupPrefix}.view.${randomUUID()}`;
    // A long poll: the broker answers at once when a record arrives, and idle views cost almost nothing.
    this.consumer = kafka.consumer({ groupId: this.groupId, maxWaitTimeInMs: 1000, sessionTimeout: 30000 });
    this.admin = kafka.admin();
    this.ends = new EndOffsets(kafka);
    this.moved.setMaxListeners(0);
  }

  async start(): Promise<void> {
    await Promise.all([this.consumer.connect(), this.admin.connect(), this.ends.connect()]);
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) this.apply(m, batch.partition);
        if (batch.messages.length > 0) {
          this.position.set(batch.partition, Number(batch.lastOffset()) + 1);
          this.moved.emit('moved');
        }
      },
    });
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.consumer.disconnect(), this.ends.disconnect()]);
    await this.admin.deleteGroups([this.groupId]).catch(() => undefined);
    await this.admin.disconnect().catch(() => undefined);
  }

  /** Resolves once the view holds every record written before this call (up to timeoutMs). */
  async catchUp(timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let ends: Array<{ partition: number; end: number }>;
    for (;;) {
      try {
        ends = await this.ends.of(this.topic);
        break;
      } catch (e) {
        // Leadership moves (a new topic, a broker restart) answer "not the leader" for a moment.
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    await this.until(() => ends.every((e) => (this.position.get(e.partition) ?? 0) >= e.end), timeoutMs);
  }

  /** Resolves once the record at (partition, offset) is in the view. */
  waitFor(partition: number, offset: string, timeoutMs = 10000): Promise<void> {
    return this.until(() => (this.position.get(partition) ?? 0) > Number(offset), timeoutMs);
  }

  private until(done: () => boolean, timeoutMs: number): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`view of ${this.topic} did not catch up within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.moved.off('moved', check);
      };
      this.moved.on('moved', check);
    });
  }
}
