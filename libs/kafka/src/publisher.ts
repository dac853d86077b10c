import { CompressionTypes, Kafka, Message, Partitioners, Producer, RecordMetadata } from 'kafkajs';

export interface OutgoingRecord {
  topic: string;
  key: string;
  value: Buffer | null;
  partition?: number;
}

interface Pending {
  record: OutgoingRecord;
  resolve: () => void;
  reject: (e: Error) => void;
}

export class PublishTimeoutError extends Error {}

/**
 * The one producer of an app, with group commit: one batch is in flight at a time, and every record
 * published meanwhile goes out as the next batch once it is acknowledged (by all in-sync replicas) — one
 * produce request for many callers under load, no added wait when idle, and batches in publish order.
 */
export class Publisher {
  private readonly producer: Producer;
  private queue: Pending[] = [];
  private flushScheduled = false;
  private inFlight = false;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      retry: { retries: 5 },
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Resolves once every record is acknowledged by the broker. */
  publish(records: OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    return Promise.all(
      records.map(
        (record) =>
          new Promise<void>((resolve, reject) => {
            this.queue.push({ record, resolve, reject });
            this.scheduleFlush();
          }),
      ),
    ).then(() => undefined);
  }

  /** Sends one record on its own and returns where it landed (for read-your-writes). */
  async publishOne(record: OutgoingRecord, timeoutMs?: number): Promise<RecordMetadata> {
    const send = this.producer.send({ topic: record.topic, acks: -1, messages: [toMessage(record)] });
    const [meta] = await (timeoutMs ? withTimeout(send, timeoutMs) : send);
    if (!meta) throw new Error(`broker returned no metadata for ${record.topic}`);
    return meta;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.inFlight) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      void this.flushAll();
    });
  }

  private async flushAll(): Promise<void> {
    this.inFlight = true;
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      await this.flush(batch);
    }
    this.inFlight = false;
  }

  private async flush(batch: Pending[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { record } of batch) {
      const list = byTopic.get(record.topic) ?? [];
      list.push(toMessage(record));
      byTopic.set(record.topic, list);
    }
    try {
      await this.producer.sendBatch({
        acks: -1,
        compression: CompressionTypes.None,
        topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      });
      for (const p of batch) p.resolve();
    } catch (e) {
      for (const p of batch) p.reject(e as Error);
    }
  }
}

function toMessage(r: OutgoingRecord): Message {
  return r.partition === undefined ? { key: r.key, value: r.value } : { key: r.key, value: r.value, partition: r.partition };
}

export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PublishTimeoutError(`Kafka did not acknowledge within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
