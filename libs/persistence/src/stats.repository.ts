import type { SelectQueryBuilder } from 'typeorm';
import { Database } from './database';
import { DeliveryCounters, DeliveryStatsHourlyRow, DeliveryStatsRow, LATENCY_BOUNDS_MS, LATENCY_PROPERTIES } from './delivery-stats.entity';
import { statsParts, StatsPart } from './stats-window';

export interface StatsQuery {
  since: Date;
  until: Date;
  bucketSeconds: number;
  subscriptionId: string | null;
  /** '' for endpoints outside tenants; null for all. */
  tenantId: string | null;
}

export interface StatsBucket {
  start: string;
  delivered: number;
  failed: number;
  attempts: number;
  retries: number;
  deferred: number;
  first_attempt_p50_ms: number | null;
  first_attempt_p95_ms: number | null;
}

export interface EndpointStats {
  subscription_id: string;
  tenant_id: string;
  attempts: number;
  delivered: number;
  failed: number;
  last_error: string | null;
  last_error_at: string | null;
}

const COUNTERS = ['attempts', 'retries', 'delivered', 'failed', 'deferred'] as const;

/** The upper bound (ms) under which `share` of the histogram's first attempts finished; null when empty. */
export function percentileOf(histogram: number[], share: number): number | null {
  const total = histogram.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const [i, n] of histogram.entries()) {
    seen += n;
    if (seen >= share * total) return LATENCY_BOUNDS_MS[i] ?? LATENCY_BOUNDS_MS[LATENCY_BOUNDS_MS.length - 1]! * 2;
  }
  return null;
}

type Sums = Record<(typeof COUNTERS)[number], number> & { histogram: number[] };

/**
 * Delivery statistics from the rollups: a window's periods summed into buckets and per endpoint. Whole hours
 * come from the hourly rollup and the minutes at either edge from the per-minute one (`statsParts`), so a
 * window of days reads a few rows per endpoint and hour; the parts are summed here.
 */
export class StatsRepository {
  constructor(private readonly db: Database) {}

  async buckets(q: StatsQuery): Promise<StatsBucket[]> {
    const parts = statsParts(q.since, q.until, q.bucketSeconds);
    const rows = (await Promise.all(parts.map((part) => this.bucketRows(q, part)))).flat();
    const byStart = new Map<number, Sums>();
    for (const r of rows) {
      const start = (r.start as Date).getTime();
      const sums = byStart.get(start) ?? { attempts: 0, retries: 0, delivered: 0, failed: 0, deferred: 0, histogram: LATENCY_PROPERTIES.map(() => 0) };
      for (const c of COUNTERS) sums[c] += Number(r[c]);
      LATENCY_PROPERTIES.forEach((p, i) => (sums.histogram[i]! += Number(r[p] ?? 0)));
      byStart.set(start, sums);
    }
    return [...byStart.entries()]
      .sort(([a], [b]) => a - b)
      .map(([start, s]) => ({
        start: new Date(start).toISOString(),
        delivered: s.delivered,
        failed: s.failed,
        attempts: s.attempts,
        retries: s.retries,
        deferred: s.deferred,
        first_attempt_p50_ms: percentileOf(s.histogram, 0.5),
        first_attempt_p95_ms: percentileOf(s.histogram, 0.95),
      }));
  }

  async endpoints(q: StatsQuery): Promise<EndpointStats[]> {
    // The per-endpoint sums cover the whole window whatever the bucket, so hours serve even with minute buckets.
    const parts = statsParts(q.since, q.until, 3600);
    const rows = (await Promise.all(parts.map((part) => this.endpointRows(q, part)))).flat();
    const byEndpoint = new Map<string, EndpointStats>();
    for (const r of rows) {
      const key = `${String(r.subscription_id)}\u0000${String(r.tenant_id)}`;
      const at = r.last_error_at ? (r.last_error_at as Date).toISOString() : null;
      const e = byEndpoint.get(key) ?? { subscription_id: String(r.subscription_id), tenant_id: String(r.tenant_id), attempts: 0, delivered: 0, failed: 0, last_error: null, last_error_at: null };
      e.attempts += Number(r.attempts);
      e.delivered += Number(r.delivered);
      e.failed += Number(r.failed);
      if (at !== null && (e.last_error_at === null || at > e.last_error_at)) Object.assign(e, { last_error: r.last_error as string | null, last_error_at: at });
      byEndpoint.set(key, e);
    }
    return [...byEndpoint.values()];
  }

  private bucketRows(q: StatsQuery, part: StatsPart): Promise<Array<Record<string, unknown>>> {
    const qb = this.from(q, part).select(`to_timestamp(floor(extract(epoch from s.${part.time}) / :bucket) * :bucket)`, 'start').setParameter('bucket', q.bucketSeconds);
    for (const c of COUNTERS) qb.addSelect(`sum(s.${c})::int`, c);
    for (const p of LATENCY_PROPERTIES) qb.addSelect(`sum(s.${p})::int`, p);
    return qb.groupBy('1').getRawMany();
  }

  private endpointRows(q: StatsQuery, part: StatsPart): Promise<Array<Record<string, unknown>>> {
    return this.from(q, part)
      .select('s.subscriptionId', 'subscription_id')
      .addSelect('s.tenantId', 'tenant_id')
      .addSelect('sum(s.attempts)::int', 'attempts')
      .addSelect('sum(s.delivered)::int', 'delivered')
      .addSelect('sum(s.failed)::int', 'failed')
      .addSelect('(array_agg(s.lastError ORDER BY s.lastErrorAt DESC NULLS LAST))[1]', 'last_error')
      .addSelect('max(s.lastErrorAt)', 'last_error_at')
      .groupBy('s.subscriptionId')
      .addGroupBy('s.tenantId')
      .getRawMany();
  }

  /** The rows of one part of the window, of the endpoint or tenant asked for. */
  private from(q: StatsQuery, part: StatsPart): SelectQueryBuilder<DeliveryCounters> {
    const entity = part.time === 'minute' ? DeliveryStatsRow : DeliveryStatsHourlyRow;
    const qb = this.db.current().getRepository<DeliveryCounters>(entity).createQueryBuilder('s');
    qb.where(`s.${part.time} >= :from AND s.${part.time} < :to`, { from: part.from, to: part.to });
    if (q.subscriptionId !== null) qb.andWhere('s.subscriptionId = :sub', { sub: q.subscriptionId });
    if (q.tenantId !== null) qb.andWhere('s.tenantId = :tenant', { tenant: q.tenantId });
    return qb;
  }
}
