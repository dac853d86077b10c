import type { RecordMetadata, TopicMessages } from 'kafkajs';
import { PartitionMap, TopicPartitions } from './partition-map';
import { ProducerPort } from './publish-lane';
import { Publisher, PublishTimeoutError } from './publisher';

/** A cluster of brokers whose partitions' leaders the test moves, and which a test can take down. */
class FakeCluster implements ProducerPort {
  leaders: number[] = [1, 2, 3];
  down = new Set<number>();
  /** Every produce request that reached a live broker, with the messages it carried. */
  written: Array<{ broker: number; messages: Array<{ topic: string; partition: number; key: string }> }> = [];
  requests = 0;
  /** When set, a request waits for this before it is answered (a slow broker). */
  hold: Promise<void> | null = null;
  /** How long a metadata request takes (slow while brokers are unreachable). */
  metadataMs = 0;
  private offsets = new Map<string, number>();

  connect = async () => undefined;
  disconnect = async () => undefined;

  async sendBatch(topicMessages: TopicMessages[]): Promise<RecordMetadata[]> {
    this.requests += 1;
    if (this.hold) await this.hold;
    const messages = topicMessages.flatMap((t) => t.messages.map((m) => ({ topic: t.topic, partition: m.partition!, key: String(m.key) })));
    const brokers = new Set(messages.map((m) => this.leaders[m.partition]!));
    const broker = [...brokers][0]!;
    if (this.down.has(broker)) throw new Error(`connect ECONNREFUSED broker ${broker}`);
    this.written.push({ broker, messages });
    const result: RecordMetadata[] = [];
    for (const m of messages) {
      const key = `${m.topic}:${m.partition}`;
      const next = this.offsets.get(key) ?? 0;
      this.offsets.set(key, next + 1);
      if (!result.some((r) => r.topicName === m.topic && r.partition === m.partition)) {
        result.push({ topicName: m.topic, partition: m.partition, errorCode: 0, baseOffset: String(next) });
      }
    }
    return result;
  }

  metadata(): PartitionMap {
    return new PartitionMap(
      {
        fetch: async (topics) => {
          if (this.metadataMs > 0) await new Promise((r) => setTimeout(r, this.metadataMs));
          return new Map(topics.map((t): [string, TopicPartitions] => [t, { leaders: [...this.leaders] }]));
        },
      },
      0,
    );
  }

  keysWritten(): string[] {
    return this.written.flatMap((w) => w.messages.map((m) => m.key));
  }
}

const record = (key: string, partition: number) => ({ topic: 't', key, value: Buffer.from(key), partition });

describe('Publisher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('acknowledges records bound for healthy brokers while another broker is down', async () => {
    const cluster = new FakeCluster();
    cluster.down.add(2);
    const publisher = new Publisher(cluster, cluster.metadata());
    const healthy = publisher.publish([record('a', 0), record('c', 2)], 5000);
    const stuck = publisher.publish([record('b', 1)], 5000).then(
      () => 'ok',
      (e: Error) => e,
    );
    await jest.advanceTimersByTimeAsync(10);
    await expect(healthy).resolves.toBeUndefined();
    expect(cluster.keysWritten().sort()).toEqual(['a', 'c']);

    // Leadership of partition 1 moves to a live broker: the waiting record gets through within its deadline.
    cluster.leaders[1] = 3;
    await jest.advanceTimersByTimeAsync(2000);
    await expect(stuck).resolves.toBe('ok');
    expect(cluster.keysWritten().sort()).toEqual(['a', 'b', 'c']);
  });

  it('never sends a record after its caller was told it was not written', async () => {
    const cluster = new FakeCluster();
    cluster.down.add(1);
    const publisher = new Publisher(cluster, cluster.metadata());
    const result = publisher.publish([record('late', 0)], 1500).catch((e: unknown) => e);
    // From now on learning the leaders takes longer than the time left, so a retry is under way at the deadline.
    await jest.advanceTimersByTimeAsync(1);
    cluster.metadataMs = 700;
    await jest.advanceTimersByTimeAsync(1500);
    const error = await result;
    expect(error).toBeInstanceOf(PublishTimeoutError);
    expect((error as PublishTimeoutError).written).toBe('no');
    expect((error as Error).message).toMatch(/ECONNREFUSED/);

    cluster.down.clear();
    const requestsAtDeadline = cluster.requests;
    await jest.advanceTimersByTimeAsync(10000);
    expect(cluster.requests).toBe(requestsAtDeadline);
    expect(cluster.keysWritten()).toEqual([]);
  });

  it('answers a record still in flight at its deadline as unacknowledged, and does not send it again', async () => {
    const cluster = new FakeCluster();
    let answer!: () => void;
    cluster.hold = new Promise((r) => (answer = r));
    const publisher = new Publisher(cluster, cluster.metadata());
    const result = publisher.publish([record('slow', 0)], 1000).catch((e: unknown) => e);
    await jest.advanceTimersByTimeAsync(1000);
    expect(((await result) as PublishTimeoutError).written).toBe('unknown');
    cluster.hold = null;
    answer();
    await jest.advanceTimersByTimeAsync(5000);
    expect(cluster.requests).toBe(1);
  });

  it('sends what arrives while a request is in flight as one next request per broker, with each record placed', async () => {
    const cluster = new FakeCluster();
    let answer!: () => void;
    cluster.hold = new Promise((r) => (answer = r));
    const publisher = new Publisher(cluster, cluster.metadata());
    const first = publisher.publishOne(record('first', 0), 5000);
    await jest.advanceTimersByTimeAsync(1);
    expect(cluster.requests).toBe(1);
    const next = [publisher.publishOne(record('x', 0), 5000), publisher.publishOne(record('y', 0), 5000), publisher.publishOne(record('z', 0), 5000)];
    cluster.hold = null;
    answer();
    await jest.advanceTimersByTimeAsync(1);
    expect(await first).toEqual({ partition: 0, offset: '0' });
    expect(await Promise.all(next)).toEqual([
      { partition: 0, offset: '1' },
      { partition: 0, offset: '2' },
      { partition: 0, offset: '3' },
    ]);
    expect(cluster.requests).toBe(2);
  });

  it('puts a keyed record on the partition its key hashes to, as every Kafka client does', async () => {
    const cluster = new FakeCluster();
    const publisher = new Publisher(cluster, cluster.metadata());
    const placed = publisher.publishOne({ topic: 't', key: 'evt_1', value: null }, 5000);
    await jest.advanceTimersByTimeAsync(1);
    // murmur2("evt_1") masked positive, modulo 3 partitions (the Java client's default partitioner).
    expect((await placed).partition).toBe(1);
  });
});
