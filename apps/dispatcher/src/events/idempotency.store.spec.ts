import { IdempotencyStore } from './idempotency.store';

describe('IdempotencyStore', () => {
  it('reports a repeated id within the window', () => {
    const s = new IdempotencyStore(1000, 10_000);
    expect(s.checkAndRemember(0, 'a', 0)).toBe(false);
    expect(s.checkAndRemember(0, 'a', 500)).toBe(true);
    expect(s.checkAndRemember(1, 'a', 500)).toBe(false);
  });

  it('forgets ids after the window', () => {
    const s = new IdempotencyStore(1000, 10_000);
    s.checkAndRemember(0, 'a', 0);
    expect(s.checkAndRemember(0, 'a', 1000)).toBe(false);
  });

  it('expires old ids as new ones arrive, keeping memory bounded by the window', () => {
    const s = new IdempotencyStore(100, 10_000);
    for (let t = 0; t < 1000; t++) s.checkAndRemember(0, `id${t}`, t);
    expect(s.count).toBeLessThanOrEqual(101);
  });

  it('never holds more than the cap, evicting the oldest first', () => {
    const s = new IdempotencyStore(1e9, 1000);
    for (let t = 0; t < 5000; t++) s.checkAndRemember(t % 3, `id${t}`, t);
    expect(s.count).toBe(1000);
    expect(s.checkAndRemember(4999 % 3, 'id4999', 6000)).toBe(true);
    expect(s.checkAndRemember(0, 'id0', 6000)).toBe(false);
  });

  it('forgets a partition that moved away', () => {
    const s = new IdempotencyStore(1e9, 1000);
    s.checkAndRemember(2, 'x', 0);
    s.forget(2);
    expect(s.count).toBe(0);
    expect(s.checkAndRemember(2, 'x', 1)).toBe(false);
  });
});
