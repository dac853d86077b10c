import { api } from '../support/api';
import { uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { statusOf, subscribe } from '../support/flows';
import { closeKafka, produce, topic } from '../support/kafka';
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

  /** Waits for the deliveries, then gives the settled status a moment to show a second sequence if one started. */
  async function expectOneDeliveryPerSubscription(id: string): Promise<void> {
    const status = await statusOf(id, ['delivered']);
    expect(status.deliveries.map((d) => d.subscription_id).sort()).toEqual([...subs].sort());
    // A later, unrelated event on the same partition key space proves the dispatcher moved past the repeats.
    const marker = uniqueId('marker');
    expect((await api('POST', '/events', { id: marker, type, data: {} })).status).toBe(202);
    await statusOf(marker, ['delivered']);
    expect(receiver.byEvent(id).map((r) => r.path).sort()).toEqual(['/one', '/two']);
    expect(status.attempts).toBe(2);
  }

  it('delivers an id published twice through the API once per subscription', async () => {
    const id = uniqueId('evt_twice');
    const first = await api('POST', '/events', { id, type, data: { n: 1 } });
    const second = await api('POST', '/events', { id, type, data: { n: 2 } });
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body).toEqual(first.body);
    await expectOneDeliveryPerSubscription(id);
    expect(JSON.parse(receiver.byEvent(id)[0]!.body).data).toEqual({ n: 1 });
  });

  it('delivers an id published ten times concurrently once per subscription', async () => {
    const id = uniqueId('evt_concurrent');
    const results = await Promise.all(Array.from({ length: 10 }, () => api('POST', '/events', { id, type, data: {} })));
    expect(results.every((r) => r.status === 202)).toBe(true);
    await expectOneDeliveryPerSubscription(id);
  });

  it('treats the same id from the API and straight from Kafka as one event', async () => {
    const id = uniqueId('evt_mixed');
    await Promise.all([
      api('POST', '/events', { id, type, data: {} }),
      produce(topic('events'), [{ key: id, value: JSON.stringify({ id, type, data: {} }) }]),
      produce(topic('events'), [{ key: id, value: JSON.stringify({ id, type, data: {} }) }]),
    ]);
    await expectOneDeliveryPerSubscription(id);
    await eventually(async () => (receiver.byEvent(id).length === 2 ? true : undefined), 'two requests');
  });
});
