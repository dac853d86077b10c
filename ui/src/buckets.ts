import type { Stats, StatsBucket } from './types';

const BUCKET_MS: Record<string, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '1d': 86_400_000 };

const empty = (start: string): StatsBucket => ({
  start,
  delivered: 0,
  failed: 0,
  attempts: 0,
  retries: 0,
  deferred: 0,
  first_attempt_p50_ms: null,
  first_attempt_p95_ms: null,
});

/**
 * Every bucket of the window, the empty ones included, so a chart's time axis spans the whole window
 * (the API may leave out buckets in which nothing happened).
 */
export function denseBuckets(stats: Stats): StatsBucket[] {
  const size = BUCKET_MS[stats.bucket];
  const since = new Date(stats.since).getTime();
  const until = new Date(stats.until).getTime();
  if (!size || !Number.isFinite(since) || !Number.isFinite(until) || until <= since) return stats.buckets;
  const byStart = new Map(stats.buckets.map((b) => [new Date(b.start).getTime(), b]));
  const filled: StatsBucket[] = [];
  for (let t = Math.floor(since / size) * size; t < until; t += size) {
    filled.push(byStart.get(t) ?? empty(new Date(t).toISOString()));
    byStart.delete(t);
  }
  // Buckets the API aligned differently are kept rather than dropped.
  return byStart.size === 0 ? filled : [...filled, ...byStart.values()].sort((a, b) => a.start.localeCompare(b.start));
}
