import { EndOffsets } from '@app/kafka';
import { uniqueId } from '../support/env';
import { closeKafka, produce, testKafka, topic } from '../support/kafka';

describe('end offsets of a topic, read in one request per broker', () => {
  const name = topic(uniqueId('ends'));
  const ends = new EndOffsets(testKafka());
  const admin = testKafka().admin();

  beforeAll(async () => {
    await Promise.all([ends.connect(), admin.connect()]);
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 3 }], waitForLeaders: true });
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [name] }).catch(() => undefined);
    await Promise.all([ends.disconnect(), admin.disconnect()]);
    await closeKafka();
  });

  it("uses kafkajs's cluster client and agrees with the admin API after writes", async () => {
    expect(ends.via).toBe('cluster');
    expect((await ends.of(name)).map((p) => p.end)).toEqual([0, 0, 0]);
    for (const [partition, count] of [5, 0, 2].entries()) {
      if (count > 0) await produce(name, Array.from({ length: count }, (_, n) => ({ key: `k${n}`, value: `v${n}`, partition })));
    }
    const mine = (await ends.of(name)).sort((a, b) => a.partition - b.partition);
    const theirs = (await admin.fetchTopicOffsets(name)).map((p) => ({ partition: p.partition, end: Number(p.high) })).sort((a, b) => a.partition - b.partition);
    expect(mine).toEqual(theirs);
    expect(mine.map((p) => p.end)).toEqual([5, 0, 2]);
  });
});
