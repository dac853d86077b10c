import type { Kafka } from 'kafkajs';
import type { Logger } from '@app/observability';
import { SubscriptionIndex } from './subscription-index';

/** An index whose end-offset look-ups (`catchUp`) finish only when the test says so. */
function indexWithManualLookups() {
  const fakeKafka = { consumer: () => ({}), admin: () => ({}) } as unknown as Kafka;
  const index = new SubscriptionIndex(fakeKafka, 'subs', 'test', {} as Logger);
  const lookups: Array<{ startedAt: number; finish: () => void }> = [];
  (index as unknown as { view: { catchUp: () => Promise<void> } }).view.catchUp = () =>
    new Promise<void>((resolve) => lookups.push({ startedAt: Date.now(), finish: resolve }));
  return { index, lookups };
}

const settled = async (p: Promise<void>) => {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await Promise.resolve();
  return done;
};

describe('SubscriptionIndex.syncedSince', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1000 }));
  afterEach(() => jest.useRealTimers());

  it('joins a look-up that started after the event, and needs none once one has finished', async () => {
    const { index, lookups } = indexWithManualLookups();
    const a = index.syncedSince(1000);
    const b = index.syncedSince(999);
    expect(lookups).toHaveLength(1);
    lookups[0]!.finish();
    expect(await settled(a)).toBe(true);
    expect(await settled(b)).toBe(true);
    expect(await settled(index.syncedSince(1000))).toBe(true);
    expect(lookups).toHaveLength(1);
  });

  it('starts a new look-up at once for an event newer than the running one, without waiting for it', async () => {
    const { index, lookups } = indexWithManualLookups();
    const early = index.syncedSince(1000);
    jest.setSystemTime(1010);
    const late = index.syncedSince(1005);
    expect(lookups.map((l) => l.startedAt)).toEqual([1000, 1010]);
    lookups[1]!.finish();
    expect(await settled(late)).toBe(true);
    expect(await settled(early)).toBe(false);
    lookups[0]!.finish();
    expect(await settled(early)).toBe(true);
  });

  it('runs at most four look-ups; a fifth waits for one to finish and then starts after its caller', async () => {
    const { index, lookups } = indexWithManualLookups();
    const waits = [1, 2, 3, 4, 5].map((n) => {
      jest.setSystemTime(1000 + n * 10);
      return index.syncedSince(1000 + n * 10);
    });
    expect(lookups).toHaveLength(4);
    lookups[0]!.finish();
    await settled(waits[0]!);
    expect(lookups).toHaveLength(5);
    expect(lookups[4]!.startedAt).toBeGreaterThanOrEqual(1050);
    expect(await settled(waits[4]!)).toBe(false);
    lookups[4]!.finish();
    expect(await settled(waits[4]!)).toBe(true);
  });
});
