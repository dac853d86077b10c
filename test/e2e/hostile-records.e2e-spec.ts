import fc from 'fast-check';
import { uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { statusOf, subscribe } from '../support/flows';
import { checkProperty, fuzzSeed } from '../support/fuzz';
import { hostileRecord } from '../support/hostile-records';
import { closeKafka, collectRecords, partitionCount, partitionOf, produce, topic } from '../support/kafka';
import { deadApps } from '../support/processes';
import { Receiver } from '../support/receiver';

interface InvalidRecord {
  reason: string;
  key: string | null;
  value: string | null;
  value_truncated?: boolean;
  source: { topic: string; partition: number; offset: string };
}

/**
 * Property-based, against the run's real events topic and apps: batches of records that break the event
 * contract in seeded, random ways (see test/support/hostile-records.ts). Every one must land on the invalid
 * topic with a reason that names what is wrong, and every partition must go on delivering afterwards.
 */
describe('hostile records on the events topic', () => {
  const seed = fuzzSeed();
  const receiver = new Receiver();
  const markerType = `${uniqueId('hostile')}.marker`;
  beforeAll(async () => {
    await receiver.start();
    await subscribe(receiver.url('/after-hostile'), [markerType]);
  });
  afterAll(async () => {
    await receiver.stop();
    await closeKafka();
  });

  it('sets each aside on the invalid topic with its reason, and a valid event after them on every partition is delivered', async () => {
    const events = topic('events');
    const partitions = await partitionCount(events);
    await checkProperty('hostile records', seed, 5, fc.array(hostileRecord, { minLength: 6, maxLength: 12 }), async (records) => {
      const written: Array<{ source: string; key: string | null; value: string | null; reason: RegExp; label: string }> = [];
      for (const r of records) {
        const [landed] = await produce(events, [{ key: r.key, value: r.value }]);
        const text = (v: string | Buffer | null) => (v === null ? null : v.toString());
        written.push({ source: `${landed!.partition}:${landed!.baseOffset}`, key: text(r.key), value: text(r.value), reason: r.reason, label: r.label });
      }
      const markers = Array.from({ length: partitions }, (_, p) => {
        let id = uniqueId('after');
        while (partitionOf(id, partitions) !== p) id = uniqueId('after');
        return id;
      });
      await produce(events, markers.map((id) => ({ key: id, value: JSON.stringify({ id, type: markerType, data: { after: 'hostile records' } }) })));

      const invalid = await collectRecords<InvalidRecord>(topic('events.invalid'), (r) => (r.source?.topic === events ? `${r.source.partition}:${r.source.offset}` : undefined), new Set(written.map((w) => w.source)));
      for (const w of written) {
        const set = invalid.get(w.source)!;
        expect([w.label, set.reason]).toEqual([w.label, expect.stringMatching(w.reason)]);
        // Key and value are kept as text (a long one cut short, and then marked) for whoever looks into it.
        const keeps = (sent: string | null, kept: string | null, cut: boolean) => (sent === null ? kept === null : kept !== null && (cut ? kept.length > 0 && sent.startsWith(kept) : sent === kept));
        expect([w.label, 'key', keeps(w.key, set.key, w.key !== null && set.key !== w.key)]).toEqual([w.label, 'key', true]);
        expect([w.label, 'value', keeps(w.value, set.value, set.value_truncated === true)]).toEqual([w.label, 'value', true]);
      }
      for (const id of markers) await eventually(async () => (receiver.byEvent(id).length > 0 ? true : undefined), `the valid event ${id} after the hostile ones`);
      await statusOf(markers[0]!, ['delivered']);
      for (const id of markers) expect([id, receiver.byEvent(id).length]).toEqual([id, 1]);
      expect(deadApps()).toEqual([]);
    });
  });
});
