import { statsParts } from './stats-window';

const at = (iso: string) => new Date(iso);
const shown = (parts: ReturnType<typeof statsParts>) => parts.map((p) => `${p.time} ${p.from.toISOString().slice(11, 16)}–${p.to.toISOString().slice(11, 16)}`);

describe('statsParts', () => {
  it('reads the whole hours of a window from the hourly rollup and its edges from minutes', () => {
    expect(shown(statsParts(at('2026-01-01T08:20:30Z'), at('2026-01-01T14:05:00Z'), 3600))).toEqual(['minute 08:20–09:00', 'hour 09:00–14:00', 'minute 14:00–14:05']);
    expect(shown(statsParts(at('2026-01-01T08:00:00Z'), at('2026-01-02T08:00:00Z'), 86400))).toEqual(['hour 08:00–08:00']);
  });

  it('reads minutes only for buckets under an hour, or when no whole hour fits', () => {
    expect(shown(statsParts(at('2026-01-01T08:00:00Z'), at('2026-01-01T20:00:00Z'), 300))).toEqual(['minute 08:00–20:00']);
    expect(shown(statsParts(at('2026-01-01T08:10:00Z'), at('2026-01-01T09:50:00Z'), 3600))).toEqual(['minute 08:10–09:50']);
    expect(shown(statsParts(at('2026-01-01T08:10:00Z'), at('2026-01-01T09:00:00Z'), 3600))).toEqual(['minute 08:10–09:00']);
  });

  it('leaves no gap and no overlap: the parts tile the window', () => {
    for (const [since, until] of [['2026-01-01T08:20:30Z', '2026-01-03T14:05:00Z'], ['2026-01-01T00:00:00Z', '2026-01-01T05:00:00.001Z']] as const) {
      const parts = statsParts(at(since), at(until), 3600);
      expect(parts[0]!.from.toISOString()).toBe(at(since).toISOString());
      expect(parts[parts.length - 1]!.to.toISOString()).toBe(at(until).toISOString());
      for (let i = 1; i < parts.length; i++) expect(parts[i]!.from.getTime()).toBe(parts[i - 1]!.to.getTime());
    }
  });
});
