import { CompressionTypes, Kafka, Partitioners } from 'kafkajs';
import { adminMetadataSource, PartitionMap } from './partition-map';
import { OutgoingRecord, Pending, Placed, ProducerPort, PublishLane } from './publish-lane';

export type { OutgoingRecord, Placed } from './publish-lane';

/**
 * A publish given up at its deadline. `written: 'no'` — the record never reached a broker and never will (it
 * is dropped from every queue); `'unknown'` — a produce request carrying it was still unanswered, so the
 * broker may hold it. Either way the caller may send the same record again: consumers drop repeated ids.
 */
export class PublishTimeoutError extends Error {
  constructor(
    message: string,
    readonly written: 'no' | 'unknown',
  ) {
    super(message);
  }
}

export interface PublisherOptions {
  /** How long a record may wait for its acknowledgement when the caller names no deadline. */
  defaultTimeoutMs?: number;
}

const partitionOf = Partitioners.DefaultPartitioner();

/**
 * The one producer of an app. A record's fate depends only on its own partition: records are grouped by
 * the broker leading their partition, each broker has a lane with one produce request in flight (group
 * commit: what arrives meanwhile is the next request), and records whose request failed are routed again
 * once leaders are learnt anew — until they are acknowledged (by all in-sync replicas) or their deadline
 * passes. kafkajs itself is told not to retry, so nothing is ever sent for a record after its caller was
 * told it was not written.
 */
export class Publisher {
  private readonly lanes = new Map<number, PublishLane>();
  private readonly defaultTimeoutMs: number;

  constructor(
    private readonly producer: ProducerPort,
    private readonly partitions: PartitionMap,
    options: PublisherOptions = {},
  ) {
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 30000;
  }

  /** `kafka` should be a client without retries of its own (see createKafka's `forPublisher`). */
  static fromKafka(kafka: Kafka, options: PublisherOptions = {}): Publisher {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false, retry: { retries: 0 } });
    const admin = kafka.admin();
    const port: ProducerPort = {
      connect: async () => void (await Promise.all([producer.connect(), admin.connect()])),
      disconnect: async () => void (await Promise.allSettled([producer.disconnect(), admin.disconnect()])),
      sendBatch: (topicMessages) => producer.sendBatch({ acks: -1, compression: CompressionTypes.None, topicMessages }),
    };
    return new Publisher(port, new PartitionMap(adminMetadataSource(admin)), options);
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /** Resolves once every record is acknowledged; rejects with PublishTimeoutError when one is not by the deadline. */
  async publish(records: OutgoingRecord[], timeoutMs = this.defaultTimeoutMs): Promise<void> {
    await Promise.all(this.submit(records, timeoutMs));
  }

  /** As publish, for one record, returning where it landed (for read-your-writes). */
  async publishOne(record: OutgoingRecord, timeoutMs = this.defaultTimeoutMs): Promise<Placed> {
    const [placed] = this.submit([record], timeoutMs);
    return placed!;
  }

  private submit(records: OutgoingRecord[], timeoutMs: number): Array<Promise<Placed>> {
    const deadline = Date.now() + timeoutMs;
    const pending: Pending[] = [];
    const promises = records.map(
      (record) =>
        new Promise<Placed>((resolve, reject) => {
          pending.push({ record, partition: record.partition ?? -1, deadline, tries: 0, state: 'queued', resolve, reject });
        }),
    );
    if (pending.length === 0) return promises;
    const timer = setTimeout(() => this.expire(pending, timeoutMs), timeoutMs);
    void Promise.allSettled(promises).then(() => clearTimeout(timer));
    for (const p of pending) void this.route(p);
    return promises;
  }

  /** Puts a record in the lane of its partition's leader, or back to wait when that is not known now. */
  private async route(p: Pending): Promise<void> {
    try {
      await this.partitions.ensure([p.record.topic]);
      const topic = this.partitions.get(p.record.topic);
      if (!topic) throw new Error(`no metadata for topic ${p.record.topic}`);
      if (p.partition < 0) {
        const partitionMetadata = topic.leaders.map((leader, partitionId) => ({ partitionId, leader, partitionErrorCode: 0, replicas: [], isr: [] }));
        p.partition = partitionOf({ topic: p.record.topic, partitionMetadata, message: { key: p.record.key, value: p.record.value } });
      }
      const leader = topic.leaders[p.partition] ?? -1;
      if (leader < 0) throw new Error(`partition ${p.partition} of ${p.record.topic} has no leader now`);
      if (p.state === 'queued') this.lane(leader).push(p);
    } catch (e) {
      this.retryLater([p], e as Error);
    }
  }

  private lane(leader: number): PublishLane {
    let lane = this.lanes.get(leader);
    if (!lane) {
      lane = new PublishLane(this.producer, (failed, e) => this.retryLater(failed, e));
      this.lanes.set(leader, lane);
    }
    return lane;
  }

  /** Failed records wait a little (doubling, at most 1 s), learn the leaders anew, and are routed again. */
  private retryLater(records: Pending[], error: Error): void {
    for (const p of records) {
      if (p.state !== 'queued') continue;
      p.tries += 1;
      p.lastError = error;
      const delay = Math.min(1000, 50 * 2 ** Math.min(p.tries, 5));
      if (Date.now() + delay >= p.deadline) continue; // its deadline answers it
      setTimeout(() => {
        if (p.state !== 'queued') return;
        this.partitions
          .refresh()
          .catch(() => undefined)
          .then(() => this.route(p), () => undefined);
      }, delay);
    }
  }

  private expire(records: Pending[], timeoutMs: number): void {
    for (const p of records) {
      if (p.state === 'done') continue;
      const why = p.lastError ? ` (${p.lastError.message})` : '';
      const error =
        p.state === 'sending'
          ? new PublishTimeoutError(`Kafka did not acknowledge within ${timeoutMs} ms${why}`, 'unknown')
          : new PublishTimeoutError(`Kafka could not be reached within ${timeoutMs} ms${why}`, 'no');
      p.state = 'done';
      p.reject(error);
    }
  }
}
