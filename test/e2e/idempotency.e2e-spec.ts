import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { statusOf, subscribe } from '../support/flows';
import { closeKafka, committedOffsets, partitionCount, partitionOf, produce, readToEnd, topic } from '../support/kafka';
import { Receiver } from '../support/receiver';

describe('event id idempotency', () => {
  const receiver = new Receiver();
  let type: string;
  let subs: string[];

  beforeAll(async () => {
    await receiver.start();
    type = `${uniqueId('idem')}.thing`;
    subs = [(await subscribe(receiver.url('/one'), [type])).id, (await subscribe(receiver.url('/two'), [type])).id];
  });
  afterAll(async () => {
    await receiver.stop();
    await closeKafka();
  });

  /**
   * Waits for the deliveries, then proves the dispatcher finished every copy of the id: a marker event on
   * the same partition (so after the repeats in partition order) is delivered, and the dispatcher's group has
   * committed past the marker, which it does only once every unit before it is done. Only then is the
   * receiver's count final.
   */
  async function expectOneDeliveryPerSubscription(id: string, published: number): Promise<void> {
    const status = await statusOf(id, ['delivered']);
    expect(status.deliveries.map((d) => d.subscription_id).sort()).toEqual([...subs].sort());
    const events = topic('events');
    const partitions = await partitionCount(events);
    const partition = partitionOf(id, partitions);
    let marker = uniqueId('marker');
    while (partitionOf(marker, partitions) !== partition) marker = uniqueId('marker');
    const [landed] = await produce(events, [{ key: marker, value: JSON.stringify({ id: marker, type, data: {} }) }]);
    expect(landed!.partition).toBe(partition);
    const copies = (await readToEnd([events])).filter((r) => r.key === id);
    expect(copies).toHaveLength(published);
    expect(copies.every((c) => c.partition === partition && c.offset < Number(landed!.baseOffset))).toBe(true);
    await statusOf(marker, ['delivered']);
    await eventually(async () => {
      const committed = (await committedOffsets(`${testEnv().prefix}.dispatcher`, events)).get(partition) ?? -1;
      return committed > Number(landed!.baseOffset) ? true : undefined;
    }, `the dispatcher to commit past the marker on partition ${partition}`);
    expect(receiver.byEvent(id).map((r) => r.path).sort()).toEqual(['/one', '/two']);
    expect((await statusOf(id, ['delivered'])).attempts).toBe(2);
  }

  it('delivers an id published twice through the API once per subscription', async () => {
    const id = uniqueId('evt_twice');
    const first = await api('POST', '/events', { id, type, data: { n: 1 } });
    const second = await api('POST', '/events', { id, type, data: { n: 2 } });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body).toEqual(first.body);
    await expectOneDeliveryPerSubscription(id, 2);
    expect(JSON.parse(receiver.byEvent(id)[0]!.body).data).toEqual({ n: 1 });
  });

  it('delivers an id published ten times concurrently once per subscription', async () => {
    const id = uniqueId('evt_concurrent');
    const results = await Promise.all(Array.from({ length: 10 }, () => api('POST', '/events', { id, type, data: {} })));
    expect(results.every((r) => r.status === 202)).toBe(true);
    await expectOneDeliveryPerSubscription(id, 10);
  });

  it('treats the same id from the API and straight from Kafka as one event', async () => {
    const id = uniqueId('evt_mixed');
    await Promise.all([
      api('POST', '/events', { id, type, data: {} }),
      produce(topic('events'), [{ key: id, value: JSON.stringify({ id, type, data: {} }) }]),
      produce(topic('events'), [{ key: id, value: JSON.stringify({ id, type, data: {} }) }]),
    ]);
    await expectOneDeliveryPerSubscription(id, 3);
  });
});
