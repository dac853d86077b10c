import { Database } from './database';
import { DeliveryStatsRow, LATENCY_BOUNDS_MS, LATENCY_PROPERTIES } from './delivery-stats.entity';

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

/** Delivery statistics from the per-minute rollup: a window's minutes summed into buckets and per endpoint. */
export class StatsRepository {
  constructor(private readonly db: Database) {}

  async buckets(q: StatsQuery): Promise<StatsBucket[]> {
    const qb = this.db
      .current()
      .getRepository(DeliveryStatsRow)
      .createQueryBuilder('s')
      .select(`to_timestamp(floor(extract(epoch from s.minute) / :bucket) * :bucket)`, 'start')
      .setParameter('bucket', q.bucketSeconds);
    for (const c of COUNTERS) qb.addSelect(`sum(s.${c})::int`, c);
    for (const p of LATENCY_PROPERTIES) qb.addSelect(`sum(s.${p})::int`, p);
    this.window(qb, q);
    const rows: Array<Record<string, unknown>> = await qb.groupBy('1').orderBy('1').getRawMany();
    return rows.map((r) => {
      const histogram = LATENCY_PROPERTIES.map((p) => Number(r[p] ?? 0));
      return {
        start: (r.start as Date).toISOString(),
        delivered: Number(r.delivered),
        failed: Number(r.failed),
        attempts: Number(r.attempts),
        retries: Number(r.retries),
        deferred: Number(r.deferred),
        first_attempt_p50_ms: percentileOf(histogram, 0.5),
        first_attempt_p95_ms: percentileOf(histogram, 0.95),
      };
    });
  }

  async endpoints(q: StatsQuery): Promise<EndpointStats[]> {
    const qb = this.db
      .current()
      .getRepository(DeliveryStatsRow)
      .createQueryBuilder('s')
      .select('s.subscriptionId', 'subscription_id')
      .addSelect('s.tenantId', 'tenant_id')
      .addSelect('sum(s.attempts)::int', 'attempts')
      .addSelect('sum(s.delivered)::int', 'delivered')
      .addSelect('sum(s.failed)::int', 'failed')
      .addSelect('(array_agg(s.lastError ORDER BY s.lastErrorAt DESC NULLS LAST))[1]', 'last_error')
      .addSelect('max(s.lastErrorAt)', 'last_error_at');
    this.window(qb, q);
    const rows: Array<Record<string, unknown>> = await qb.groupBy('s.subscriptionId').addGroupBy('s.tenantId').getRawMany();
    return rows.map((r) => ({
      subscription_id: String(r.subscription_id),
      tenant_id: String(r.tenant_id),
      attempts: Number(r.attempts),
      delivered: Number(r.delivered),
      failed: Number(r.failed),
      last_error: r.last_error_at ? (r.last_error as string | null) : null,
      last_error_at: r.last_error_at ? (r.last_error_at as Date).toISOString() : null,
    }));
  }

  private window(qb: { andWhere: (w: string, p?: Record<string, unknown>) => unknown }, q: StatsQuery): void {
    qb.andWhere('s.minute >= :since AND s.minute < :until', { since: q.since, until: q.until });
    if (q.subscriptionId !== null) qb.andWhere('s.subscriptionId = :sub', { sub: q.subscriptionId });
    if (q.tenantId !== null) qb.andWhere('s.tenantId = :tenant', { tenant: q.tenantId });
  }
}
