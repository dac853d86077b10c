import type { Admin, ITopicConfig, Kafka } from 'kafkajs';
import type { Topics } from '@app/contracts';
import { ReplicaShortfall, ReplicationSettings, replicationSettings, topicsBelowFactor } from './replication';

const DAY_MS = 24 * 3600 * 1000;

export interface TopicLayout {
  partitions: number;
  /** How long replayable history (events, attempts, dispatch) is kept; the read model can be rebuilt within it. */
  retentionMs: number;
  /** KAFKA_REPLICATION_FACTOR and KAFKA_MIN_INSYNC_REPLICAS as configured (unset: derived from the cluster). */
  replication: { factor?: number; minInsync?: number };
}

/** The topic set with explicit partition counts, replication and configs; creating it is idempotent and every app does it at start. */
export function topicSpecs(topics: Topics, layout: TopicLayout, replication: ReplicationSettings): ITopicConfig[] {
  const durability = { name: 'min.insync.replicas', value: String(replication.minInsync) };
  const history = [{ name: 'retention.ms', value: String(layout.retentionMs) }, durability];
  const compacted = [{ name: 'cleanup.policy', value: 'compact' }, { name: 'min.compaction.lag.ms', value: '0' }, durability];
  const spec = (topic: string, numPartitions: number, configEntries = history): ITopicConfig => ({
    topic,
    numPartitions,
    replicationFactor: replication.factor,
    configEntries,
  });
  return [
    spec(topics.events, layout.partitions),
    spec(topics.eventsInvalid, 1),
    spec(topics.subscriptions, 3, compacted),
    // Same partition count as events: partition p of dispatch holds the decisions for partition p of events.
    spec(topics.dispatch, layout.partitions),
    spec(topics.attempts, layout.partitions),
    spec(topics.deliveries, layout.partitions),
    spec(topics.deadLetter, 1),
    spec(topics.audit, 3),
    spec(topics.endpointHealth, 3, compacted),
    spec(topics.tenants, 1, compacted),
    spec(topics.tenantKeys, 1, compacted),
    ...topics.retryTiers.map((t) => spec(t.topic, layout.partitions)),
  ];
}

export interface TopicsReport {
  replication: ReplicationSettings;
  /** Topics that existed before with fewer replicas than the factor (they are not changed here). */
  belowFactor: ReplicaShortfall[];
}

export async function ensureTopics(kafka: Kafka, topics: Topics, layout: TopicLayout): Promise<TopicsReport> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    const replication = replicationSettings(layout.replication, brokers.length);
    const specs = topicSpecs(topics, layout, replication);
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      try {
        await admin.createTopics({ topics: missing, waitForLeaders: true });
      } catch (e) {
        // The apps start together: another one may have created some between list and create.
        // kafkajs 2.2 reports per-topic failures as an aggregate error's `errors` (older lines: `topicErrors`).
        const failure = e as { errors?: Array<{ type?: string }>; topicErrors?: Array<{ type?: string }> };
        const errors = failure.errors ?? failure.topicErrors;
        if (!errors || errors.some((t) => t.type !== 'TOPIC_ALREADY_EXISTS')) throw e;
      }
    }
    await untilLeadersKnown(admin, specs.map((t) => t.topic));
    return { replication, belowFactor: await topicsBelowFactor(admin, specs.map((t) => t.topic), replication.factor) };
  } finally {
    await admin.disconnect();
  }
}

export const DEFAULT_RETENTION_MS = 7 * DAY_MS;

/**
 * A topic another app just created may not be in the broker's metadata yet ("does not host this
 * topic-partition"); every app waits here until each partition has a leader, so its clients start clean.
 */
async function untilLeadersKnown(admin: Admin, names: string[], timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: names });
      if (topics.length === names.length && topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) throw new Error(`topics without leaders after ${timeoutMs} ms: ${names.join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
