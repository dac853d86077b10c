import type { RecordMetadata, TopicMessages } from 'kafkajs';

export interface OutgoingRecord {
  topic: string;
  key: string;
  value: Buffer | null;
  partition?: number;
}

/** Where an acknowledged record landed. */
export interface Placed {
  partition: number;
  offset: string;
}

/** The producer as the publisher needs it: one produce request per call, no retries of its own. */
export interface ProducerPort {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  sendBatch(topicMessages: TopicMessages[]): Promise<RecordMetadata[]>;
}

/** One record on its way: it settles once, either acknowledged or given up at its deadline. */
export interface Pending {
  record: OutgoingRecord;
  partition: number;
  deadline: number;
  tries: number;
  lastError?: Error;
  /** queued: waiting for a lane or a retry; sending: in a produce request now; done: settled. */
  state: 'queued' | 'sending' | 'done';
  resolve: (placed: Placed) => void;
  reject: (e: Error) => void;
}

/**
 * The records bound for one broker (the leader of their partitions), sent with group commit: one produce
 * request in flight, and what arrives meanwhile goes out next as one request. A lane's failure is its own:
 * records for other brokers travel in other lanes, so one broker lost never fails records bound for others.
 */
export class PublishLane {
  private queue: Pending[] = [];
  private busy = false;

  constructor(
    private readonly producer: ProducerPort,
    private readonly onFailed: (records: Pending[], error: Error) => void,
  ) {}

  push(pending: Pending): void {
    this.queue.push(pending);
    if (this.busy) return;
    this.busy = true;
    setImmediate(() => void this.drain());
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      // A record given up while it waited here is never sent: its caller has been told it was not written.
      const batch = this.queue.filter((p) => p.state === 'queued');
      this.queue = [];
      if (batch.length === 0) continue;
      for (const p of batch) p.state = 'sending';
      try {
        const placed = place(batch, await this.producer.sendBatch(toTopicMessages(batch)));
        batch.forEach((p, i) => settle(p, placed[i]!));
      } catch (e) {
        const failed = batch.filter((p) => p.state === 'sending');
        for (const p of failed) p.state = 'queued';
        this.onFailed(failed, e as Error);
      }
    }
    this.busy = false;
  }
}

function settle(p: Pending, placed: Placed): void {
  // A record whose deadline passed while it was in flight was already answered as unacknowledged.
  if (p.state !== 'sending') return;
  p.state = 'done';
  p.resolve(placed);
}

function toTopicMessages(batch: Pending[]): TopicMessages[] {
  const byTopic = new Map<string, TopicMessages>();
  for (const { record, partition } of batch) {
    const entry = byTopic.get(record.topic) ?? { topic: record.topic, messages: [] };
    entry.messages.push({ key: record.key, value: record.value, partition });
    byTopic.set(record.topic, entry);
  }
  return [...byTopic.values()];
}

/** Each record's offset: its partition's base offset plus its place among that partition's records in the request. */
function place(batch: Pending[], metadata: RecordMetadata[]): Placed[] {
  const base = new Map(metadata.map((m) => [`${m.topicName}\u0000${m.partition}`, BigInt(m.baseOffset ?? m.offset ?? '0')]));
  const seen = new Map<string, bigint>();
  return batch.map(({ record, partition }) => {
    const key = `${record.topic}\u0000${partition}`;
    const index = seen.get(key) ?? 0n;
    seen.set(key, index + 1n);
    return { partition, offset: ((base.get(key) ?? 0n) + index).toString() };
  });
}
