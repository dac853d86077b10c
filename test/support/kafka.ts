import { Kafka, logLevel, Partitioners, Producer, RecordMetadata } from 'kafkajs';
import { testEnv } from './env';

let kafka: Kafka | undefined;
let producer: Promise<Producer> | undefined;

export function testKafka(): Kafka {
  kafka ??= new Kafka({ clientId: 'hookstream-tests', brokers: testEnv().env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
  return kafka;
}

export function topic(name: string): string {
  return `${testEnv().prefix}.${name}`;
}

/** Writes raw records straight to a topic, as an outside producer would; says where they landed. */
export async function produce(
  topicName: string,
  messages: Array<{ key: string | Buffer | null; value: string | Buffer | null; partition?: number }>,
): Promise<RecordMetadata[]> {
  producer ??= (async () => {
    // The partitioner the apps use too (murmur2 of the key, as Java clients do), so keys land where theirs do.
    const p = testKafka().producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await p.connect();
    return p;
  })();
  return (await producer).send({ topic: topicName, messages });
}

const defaultPartitioner = Partitioners.DefaultPartitioner();

/** The partition kafkajs's default partitioner (murmur2, as the apps' producers use) picks for a key. */
export function partitionOf(key: string, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, i) => ({ partitionErrorCode: 0, partitionId: i, leader: 0, replicas: [0], isr: [0] }));
  return defaultPartitioner({ topic: 'any', partitionMetadata, message: { key, value: null } });
}

/** How many partitions a topic has. */
export async function partitionCount(topicName: string): Promise<number> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    return (await admin.fetchTopicOffsets(topicName)).length;
  } finally {
    await admin.disconnect();
  }
}

/** The offset a consumer group has committed per partition of a topic (-1: none yet). */
export async function committedOffsets(groupId: string, topicName: string): Promise<Map<number, number>> {
  const admin = testKafka().admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topicName] });
    return new Map((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

export async function closeKafka(): Promise<void> {
  const p = producer;
  producer = undefined;
  await (await p)?.disconnect();
}

/** Reads a topic from the beginning until `found` returns a value or time runs out. */
export async function findRecord<T>(topicName: string, found: (key: string | null, value: string | null) => T | undefined, timeoutMs = 20000): Promise<T> {
  const consumer = testKafka().consumer({ groupId: `test-reader-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName, fromBeginning: true });
  try {
    return await new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching record on ${topicName} within ${timeoutMs} ms`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          const hit = found(message.key?.toString() ?? null, message.value?.toString() ?? null);
          if (hit !== undefined) {
            clearTimeout(timer);
            resolve(hit);
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
}

export interface RawRecord {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

/** Every record of `topics` up to their end offsets at the time of the call. */
export async function readToEnd(topics: string[]): Promise<RawRecord[]> {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  try {
    for (const t of topics) for (const p of await admin.fetchTopicOffsets(t)) ends.set(`${t}:${p.partition}`, Number(p.high));
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId: `test-scan-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const seen = new Map<string, number>();
  const records: RawRecord[] = [];
  try {
    await new Promise<void>((resolve) => {
      const done = () => [...ends].every(([k, end]) => (seen.get(k) ?? 0) >= end);
      if (done()) return resolve();
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) records.push({ topic: batch.topic, partition: batch.partition, offset: Number(m.offset), key: m.key?.toString() ?? null, value: m.value?.toString() ?? null });
          seen.set(`${batch.topic}:${batch.partition}`, Number(batch.lastOffset()) + 1);
          if (done()) resolve();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Every record of every topic of this run (topics named `<prefix>.…`), read up to the end offsets of now. */
export async function allRecordsOfRun(): Promise<RawRecord[]> {
  const admin = testKafka().admin();
  await admin.connect();
  const topics = (await admin.listTopics().finally(() => admin.disconnect())).filter((t) => t.startsWith(`${testEnv().prefix}.`));
  return readToEnd(topics);
}

/**
 * Reads a topic from the beginning until a record was seen for every wanted id (`idOf` names a record's
 * id, or undefined), or fails after `timeoutMs` naming the ids still missing.
 */
export async function collectRecords<T>(topicName: string, idOf: (value: T) => string | undefined, wanted: Set<string>, timeoutMs = 30000): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  const consumer = testKafka().consumer({ groupId: `test-collect-${Date.now()}-${Math.random()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: topicName, fromBeginning: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${wanted.size - found.size} of ${wanted.size} records never reached ${topicName}: ${[...wanted].filter((w) => !found.has(w)).slice(0, 10).join(', ')}`)), timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (!message.value) return;
          const value = JSON.parse(message.value.toString()) as T;
          const id = idOf(value);
          if (id !== undefined && wanted.has(id)) found.set(id, value);
          if (found.size === wanted.size) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return found;
}
