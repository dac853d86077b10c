import type { Kafka, ITopicConfig } from 'kafkajs';
import type { Topics } from '@app/contracts';

const DAY_MS = 24 * 3600 * 1000;

export interface TopicLayout {
  partitions: number;
  /** How long replayable history (events, attempts, dispatch) is kept; the read model can be rebuilt within it. */
  retentionMs: number;
}

/** The topic set with explicit partition counts and configs; creating it is idempotent and every app does it at start. */
export function topicSpecs(topics: Topics, layout: TopicLayout): ITopicConfig[] {
  const history = [{ name: 'retention.ms', value: String(layout.retentionMs) }];
  const spec = (topic: string, numPartitions: number, configEntries = history): ITopicConfig => ({
    topic,
    numPartitions,
    replicationFactor: 1,
    configEntries,
  });
  return [
    spec(topics.events, layout.partitions),
    spec(topics.eventsInvalid, 1),
    spec(topics.subscriptions, 3, [
      { name: 'cleanup.policy', value: 'compact' },
      { name: 'min.compaction.lag.ms', value: '0' },
    ]),
    // Same partition count as events: partition p of dispatch holds the decisions for partition p of events.
    spec(topics.dispatch, layout.partitions),
    spec(topics.attempts, layout.partitions),
    spec(topics.deliveries, layout.partitions),
    spec(topics.deadLetter, 1),
    spec(topics.audit, 3),
    ...topics.retryTiers.map((t) => spec(t.topic, layout.partitions)),
  ];
}

export async function ensureTopics(kafka: Kafka, topics: Topics, layout: TopicLayout): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topicSpecs(topics, layout).filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      try {
        await admin.createTopics({ topics: missing, waitForLeaders: true });
      } catch (e) {
        // Another app may have created them between list and create.
        if (!/already exists/i.test((e as Error).message)) throw e;
      }
    }
  } finally {
    await admin.disconnect();
  }
}

export const DEFAULT_RETENTION_MS = 7 * DAY_MS;
