import { uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { publish, statusOf, subscribe } from '../support/flows';
import { Receiver } from '../support/receiver';

describe('parallel delivery', () => {
  const slow = new Receiver();
  const fast = new Receiver();
  beforeAll(async () => {
    await slow.start();
    await fast.start();
    slow.respond = () => ({ status: 200, delayMs: 1800 });
  });
  afterAll(async () => {
    await slow.stop();
    await fast.stop();
  });

  it('keeps delivering to a fast endpoint while a slow one holds its requests', async () => {
    const ns = uniqueId('par');
    await subscribe(slow.url(), [`${ns}.slow`]);
    await subscribe(fast.url(), [`${ns}.fast`]);
    const slowIds = await Promise.all(Array.from({ length: 12 }, () => publish({ type: `${ns}.slow`, data: {} })));
    const fastIds = await Promise.all(Array.from({ length: 12 }, () => publish({ type: `${ns}.fast`, data: {} })));
    const started = Date.now();

    // The slow endpoint answers after 1.8 s; the fast one must all be done well before that.
    await eventually(async () => (fastIds.every((id) => fast.byEvent(id).length === 1) ? true : undefined), 'fast deliveries', 10000);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(slowIds.every((id) => slow.byEvent(id).length === 1)).toBe(true);
    // The slow requests arrived together (in parallel), not one after another.
    const arrivals = slowIds.map((id) => slow.byEvent(id)[0]!.at);
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeLessThan(1500);
    for (const id of slowIds) expect((await statusOf(id, ['delivered'])).attempts).toBe(1);
  });
});
