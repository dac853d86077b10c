const HOUR_MS = 3_600_000;

/** One stretch of a statistics window and the rollup it is read from (its `time` column). */
export interface StatsPart {
  time: 'minute' | 'hour';
  from: Date;
  to: Date;
}

/**
 * The window [since, until) as stretches of rollup rows: with buckets of an hour or more, the whole hours
 * inside it from the hourly rollup and the minutes before the first and after the last from the per-minute
 * one; otherwise (or when no whole hour fits) minutes only. Every minute counts once, exactly as in a window
 * read from minutes alone: an hour's minutes all lie inside [since, until), and in one bucket (buckets of an
 * hour or a day start on whole UTC hours).
 */
export function statsParts(since: Date, until: Date, bucketSeconds: number): StatsPart[] {
  const firstHour = Math.ceil(since.getTime() / HOUR_MS) * HOUR_MS;
  const lastHour = Math.floor(until.getTime() / HOUR_MS) * HOUR_MS;
  if (bucketSeconds % 3600 !== 0 || firstHour >= lastHour) return [{ time: 'minute', from: since, to: until }];
  const parts: StatsPart[] = [{ time: 'hour', from: new Date(firstHour), to: new Date(lastHour) }];
  if (since.getTime() < firstHour) parts.unshift({ time: 'minute', from: since, to: new Date(firstHour) });
  if (lastHour < until.getTime()) parts.push({ time: 'minute', from: new Date(lastHour), to: until });
  return parts;
}
