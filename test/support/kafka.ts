import { Kafka, logLevel, Producer } from 'kafkajs';
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

/** Writes raw records straight to a topic, as an outside producer would. */
export async function produce(topicName: string, messages: Array<{ key: string | null; value: string | null; partition?: number }>): Promise<void> {
  producer ??= (async () => {
    const p = testKafka().producer();
    await p.connect();
    return p;
  })();
  await (await producer).send({ topic: topicName, messages });
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
