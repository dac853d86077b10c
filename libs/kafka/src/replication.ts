import type { Admin } from 'kafkajs';

export interface ReplicationSettings {
  /** Copies of every partition hookstream creates. */
  factor: number;
  /** Replicas that must hold a record before the producer (acks=all) is told it is written. */
  minInsync: number;
}

/**
 * KAFKA_REPLICATION_FACTOR defaults to 3, or to the number of brokers when the cluster has fewer (one broker
 * on a laptop); KAFKA_MIN_INSYNC_REPLICAS to 2 at a factor of 3 or more (one broker may be lost without
 * refusing writes or losing acknowledged ones), else 1.
 */
export function replicationSettings(configured: { factor?: number; minInsync?: number }, brokers: number): ReplicationSettings {
  const factor = configured.factor ?? Math.max(1, Math.min(3, brokers));
  if (factor > brokers) {
    throw new Error(`KAFKA_REPLICATION_FACTOR is ${factor} but the cluster has ${brokers} broker(s); lower it or add brokers`);
  }
  const minInsync = configured.minInsync ?? (factor >= 3 ? 2 : 1);
  if (minInsync > factor) {
    throw new Error(`KAFKA_MIN_INSYNC_REPLICAS is ${minInsync}, more than the replication factor ${factor}: no write could ever succeed`);
  }
  return { factor, minInsync };
}

export interface ReplicaShortfall {
  topic: string;
  /** The fewest replicas any of its partitions has. */
  replicas: number;
}

/** Topics with a partition holding fewer replicas than the factor asks (created earlier with a smaller one). */
export async function topicsBelowFactor(admin: Admin, topics: string[], factor: number): Promise<ReplicaShortfall[]> {
  const { topics: found } = await admin.fetchTopicMetadata({ topics });
  return found.flatMap((t) => {
    const replicas = Math.min(...t.partitions.map((p) => p.replicas.length));
    return replicas < factor ? [{ topic: t.name, replicas }] : [];
  });
}

/** What an operator runs to raise them: Kafka's own reassignment tool, with a plan per topic. */
export function raiseFactorHint(shortfalls: ReplicaShortfall[], factor: number, brokers: string[]): string {
  const names = shortfalls.map((s) => `${s.topic} (${s.replicas})`).join(', ');
  return (
    `topics below KAFKA_REPLICATION_FACTOR=${factor}: ${names}. Raise them with Kafka's reassignment tool: write a plan ` +
    `listing ${factor} broker ids as "replicas" for every partition of each topic, then run ` +
    `kafka-reassign-partitions.sh --bootstrap-server ${brokers.join(',')} --reassignment-json-file plan.json --execute ` +
    `(and --verify until it reports completion); set min.insync.replicas on them with kafka-configs.sh --alter`
  );
}
