import { nextStep } from './retry-plan';

const tiers = [1000, 4000, 16000, 64000, 256000].map((delayMs) => ({ topic: `t${delayMs}`, delayMs }));
const now = new Date('2026-01-01T00:00:00Z');

describe('nextStep', () => {
  it('walks the tiers in order for a first sequence (attempts 1..6)', () => {
    const delays = [1, 2, 3, 4, 5].map((a) => {
      const s = nextStep(tiers, a, 6, null, now);
      return s.kind === 'retry' ? s.tier.delayMs : null;
    });
    expect(delays).toEqual([1000, 4000, 16000, 64000, 256000]);
    expect(nextStep(tiers, 6, 6, null, now)).toEqual({ kind: 'give-up' });
  });

  it('starts again at the first tier for a manual retry sequence', () => {
    const s = nextStep(tiers, 7, 12, null, now);
    expect(s.kind === 'retry' && s.tier.delayMs).toBe(1000);
  });

  it('honours Retry-After by moving to the first tier at least that long, capped at the largest', () => {
    const a = nextStep(tiers, 1, 6, 5000, now);
    expect(a.kind === 'retry' && a.tier.delayMs).toBe(16000);
    const b = nextStep(tiers, 1, 6, 10_000_000, now);
    expect(b.kind === 'retry' && b.tier.delayMs).toBe(256000);
    const c = nextStep(tiers, 3, 6, 500, now);
    expect(c.kind === 'retry' && c.tier.delayMs).toBe(16000);
  });

  it('gives the due time', () => {
    const s = nextStep(tiers, 1, 6, null, now);
    expect(s.kind === 'retry' && s.dueAt.toISOString()).toBe('2026-01-01T00:00:01.000Z');
  });

  it('gives up at once when no retries are configured', () => {
    expect(nextStep([], 1, 1, null, now)).toEqual({ kind: 'give-up' });
  });
});

describe('retry jitter', () => {
  const tiers = [
    { topic: 't1', delayMs: 1000 },
    { topic: 't2', delayMs: 4000 },
  ];
  const now = new Date(0);

  it('moves a retry later by up to the jitter share of its delay, never earlier', () => {
    const at = (r: number) => {
      const step = nextStep(tiers, 1, 3, null, now, 0.1, () => r);
      return step.kind === 'retry' ? step.dueAt.getTime() : -1;
    };
    expect(at(0)).toBe(1000);
    expect(at(0.5)).toBe(1050);
    expect(at(0.999)).toBe(1100);
    const spread = new Set(Array.from({ length: 200 }, () => (nextStep(tiers, 1, 3, null, now, 0.1) as { dueAt: Date }).dueAt.getTime()));
    expect(Math.min(...spread)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...spread)).toBeLessThanOrEqual(1100);
    expect(spread.size).toBeGreaterThan(20);
  });
});
