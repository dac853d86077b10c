import type { Admin, Kafka } from 'kafkajs';

/** The part of kafkajs's internal cluster client this file uses (kafkajs 2.2, src/cluster/index.js). */
interface ClusterClient {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  addTargetTopic(topic: string): Promise<void>;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number }>;
  fetchTopicsOffset(topics: Array<{ topic: string; fromBeginning: boolean; partitions: Array<{ partition: number }> }>): Promise<
    Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>
  >;
}

type CreateCluster = (options: { allowAutoTopicCreation: boolean; metadataMaxAge?: number }) => ClusterClient;

/**
 * A topic's end offsets (the next offset each partition will write). kafkajs's public admin call spends two
 * ListOffsets round trips (end and start) on it; this asks for the end only, one request per broker, through
 * kafkajs's own cluster client. If that client is not where kafkajs 2.2 keeps it, it falls back to the admin call.
 */
export class EndOffsets {
  private readonly cluster: ClusterClient | null;
  private readonly admin: Admin | null;

  constructor(kafka: Kafka) {
    const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === 'private:Kafka:createCluster');
    const create = symbol ? ((kafka as unknown as Record<symbol, unknown>)[symbol] as CreateCluster | undefined) : undefined;
    this.cluster = typeof create === 'function' ? create({ allowAutoTopicCreation: false }) : null;
    this.admin = this.cluster ? null : kafka.admin();
  }

  /** Which way end offsets are read: 'cluster' (one request) or the 'admin' fallback. */
  get via(): 'cluster' | 'admin' {
    return this.cluster ? 'cluster' : 'admin';
  }

  connect(): Promise<void> {
    return this.cluster ? this.cluster.connect() : this.admin!.connect();
  }

  disconnect(): Promise<void> {
    return this.cluster ? this.cluster.disconnect() : this.admin!.disconnect();
  }

  async of(topic: string): Promise<Array<{ partition: number; end: number }>> {
    if (!this.cluster) return (await this.admin!.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, end: Number(p.high) }));
    try {
      await this.cluster.addTargetTopic(topic);
      await this.cluster.refreshMetadataIfNecessary();
      const partitions = this.cluster.findTopicPartitionMetadata(topic).map((p) => ({ partition: p.partitionId }));
      const [result] = await this.cluster.fetchTopicsOffset([{ topic, fromBeginning: false, partitions }]);
      return (result?.partitions ?? []).map((p) => ({ partition: p.partition, end: Number(p.offset) }));
    } catch (e) {
      // Leadership moved (a new topic, a broker restart): learn where partitions are now before the caller retries.
      await this.cluster.refreshMetadata().catch(() => undefined);
      throw e;
    }
  }
}
