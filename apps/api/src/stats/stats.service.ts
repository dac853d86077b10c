import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { StatsBucket, StatsRepository } from '@app/persistence';
import { SubscriptionIndex } from '@app/subscriptions';
import type { TenantScope } from '../access/tenant-scope';
import { timeParam } from '../common/query-params';

const BUCKETS: Record<string, number> = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600, '1d': 86400 };
const HOUR = 3_600_000;

export interface StatsAnswer {
  since: string;
  until: string;
  bucket: string;
  buckets: StatsBucket[];
  endpoints: Array<{ subscription_id: string; tenant_id: string | null; url: string | null; attempts: number; delivered: number; failed: number; success_rate: number | null; last_error: string | null; last_error_at: string | null }>;
}

/** The bucket that keeps a window's chart readable: minutes up to 2 h, 5 minutes up to 12 h, hours up to 3 days, else days. */
function bucketFor(windowMs: number): string {
  if (windowMs <= 2 * HOUR) return '1m';
  if (windowMs <= 12 * HOUR) return '5m';
  if (windowMs <= 72 * HOUR) return '1h';
  return '1d';
}

/** Delivery statistics over a window, per time bucket and per endpoint (worst success rate first). */
@Injectable()
export class StatsService {
  constructor(
    private readonly stats: StatsRepository,
    private readonly subscriptions: SubscriptionIndex,
  ) {}

  async of(scope: TenantScope, q: { since?: string; until?: string; bucket?: string; subscription_id?: string; tenant_id?: string }): Promise<StatsAnswer> {
    const until = timeParam('until', q.until) ?? new Date();
    const since = timeParam('since', q.since) ?? new Date(until.getTime() - HOUR);
    if (until <= since) throw new BadRequestException('until must be after since');
    const bucket = q.bucket ?? bucketFor(until.getTime() - since.getTime());
    const seconds = BUCKETS[bucket];
    if (seconds === undefined) throw new BadRequestException(`bucket must be one of ${Object.keys(BUCKETS).join(', ')}`);
    if ((until.getTime() - since.getTime()) / 1000 / seconds > 2000) throw new BadRequestException('the window holds more than 2000 buckets; choose a larger bucket');
    if (q.subscription_id !== undefined) {
      const sub = this.subscriptions.get(q.subscription_id);
      if (!sub || !scope.sees(sub.tenant_id)) throw new NotFoundException(`no subscription with id "${q.subscription_id}"`);
    }
    const tenant = scope.readTenant(q.tenant_id);
    const query = { since, until, bucketSeconds: seconds, subscriptionId: q.subscription_id ?? null, tenantId: tenant === null ? null : tenant };
    const [buckets, endpoints] = await Promise.all([this.stats.buckets(query), this.stats.endpoints(query)]);
    // Success rate: the share of attempts that delivered (each delivered delivery has exactly one such attempt).
    const rate = (e: { delivered: number; attempts: number }) => (e.attempts === 0 ? null : e.delivered / e.attempts);
    return {
      since: since.toISOString(),
      until: until.toISOString(),
      bucket,
      buckets,
      endpoints: endpoints
        .map((e) => ({
          subscription_id: e.subscription_id,
          tenant_id: e.tenant_id || null,
          url: this.subscriptions.get(e.subscription_id)?.url ?? null,
          attempts: e.attempts,
          delivered: e.delivered,
          failed: e.failed,
          success_rate: rate(e),
          last_error: e.last_error,
          last_error_at: e.last_error_at,
        }))
        .sort((a, b) => (a.success_rate ?? 1) - (b.success_rate ?? 1)),
    };
  }
}
