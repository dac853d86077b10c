import { uniqueId } from '../support/env';
import { statusOf, subscribe } from '../support/flows';
import { closeKafka, findRecord, produce, topic } from '../support/kafka';
import { Receiver } from '../support/receiver';

describe('records on the events topic that break the contract', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(async () => {
    await receiver.stop();
    await closeKafka();
  });

  it('sets invalid records aside with the reason and still delivers the next valid one', async () => {
    const type = `${uniqueId('inv')}.ok`;
    await subscribe(receiver.url('/inv'), [type]);
    const notJson = uniqueId('bad_json');
    const noType = uniqueId('bad_type');
    const wrongKey = uniqueId('bad_key');
    const good = uniqueId('evt_good');
    await produce(topic('events'), [
      { key: notJson, value: '{"id": oops' },
      { key: noType, value: JSON.stringify({ id: noType, data: {} }) },
      { key: 'another-key', value: JSON.stringify({ id: wrongKey, type, data: {} }) },
      { key: good, value: JSON.stringify({ id: good, type, data: { fine: true } }) },
    ]);

    await statusOf(good, ['delivered']);
    expect(receiver.byEvent(good)).toHaveLength(1);
    expect(receiver.byEvent(wrongKey)).toHaveLength(0);

    const reasonFor = (key: string) =>
      findRecord(topic('events.invalid'), (k, v) => (k === key && v ? (JSON.parse(v) as { reason: string; value: string }) : undefined));
    expect((await reasonFor(notJson)).reason).toMatch(/not valid JSON/);
    const missing = await reasonFor(noType);
    expect(missing.reason).toMatch(/^type: /);
    expect(missing.value).toContain(noType);
    expect((await reasonFor('another-key')).reason).toMatch(/must equal the event id/);
  });
});
