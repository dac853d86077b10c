import { CompressionTypes, Kafka, Message, Partitioners, Producer, RecordMetadata } from 'kafkajs';
import { GroupCommit } from './group-commit';

export interface OutgoingRecord {
  topic: string;
  key: string;
  value: Buffer | null;
  partition?: number;
}

export class PublishTimeoutError extends Error {}

/**
 * The one producer of an app, with group commit: one batch is in flight at a time, and every record
 * published meanwhile goes out as the next batch once it is acknowledged (by all in-sync replicas) — one
 * produce request for many callers under load, no added wait when idle, and batches in publish order.
 */
export class Publisher {
  private readonly producer: Producer;
  private readonly batches = new GroupCommit<OutgoingRecord>((records) => this.send(records));

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
    return records.length === 0 ? Promise.resolve() : this.batches.add(records);
  }

  /** Sends one record on its own and returns where it landed (for read-your-writes). */
  async publishOne(record: OutgoingRecord, timeoutMs?: number): Promise<RecordMetadata> {
    const send = this.producer.send({ topic: record.topic, acks: -1, messages: [toMessage(record)] });
    const [meta] = await (timeoutMs ? withTimeout(send, timeoutMs) : send);
    if (!meta) throw new Error(`broker returned no metadata for ${record.topic}`);
    return meta;
  }

  private async send(records: OutgoingRecord[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const record of records) {
      const list = byTopic.get(record.topic) ?? [];
      list.push(toMessage(record));
      byTopic.set(record.topic, list);
    }
    await this.producer.sendBatch({
      acks: -1,
      compression: CompressionTypes.None,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
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
