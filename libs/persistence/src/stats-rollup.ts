import type { EntityManager } from 'typeorm';
import type { AttemptRecord, DeferralRecord } from '@app/contracts';
import { bulkUpsert, Row } from './bulk-upsert';
import { DeliveryStatsHourlyRow, DeliveryStatsRow, LATENCY_PROPERTIES, latencyProperty } from './delivery-stats.entity';
import { rowTenant } from './projection-changes';

type StatsRow = Row<DeliveryStatsRow> & { minute: string; subscriptionId: string; tenantId: string };

const COUNTERS = ['attempts', 'retries', 'delivered', 'failed', 'deferred', ...LATENCY_PROPERTIES] as const;

const minuteOf = (iso: string) => {
  const t = new Date(iso);
  t.setUTCSeconds(0, 0);
  return t.toISOString();
};

/**
 * Adds this batch's newly inserted attempts and deferrals to the per-minute and per-hour statistics. Only rows
 * the batch inserted count (the caller passes those), so a replayed record adds nothing: the rollups stay exact.
 */
export async function addToStats(m: EntityManager, attempts: AttemptRecord[], deferrals: DeferralRecord[]): Promise<void> {
  const rows = new Map<string, StatsRow>();
  const row = (at: string, subscriptionId: string, tenantId: string | null): StatsRow => {
    const minute = minuteOf(at);
    const key = `${minute}\u0000${subscriptionId}`;
    let r = rows.get(key);
    if (!r) {
      r = { minute, subscriptionId, tenantId: rowTenant(tenantId), attempts: 0, retries: 0, delivered: 0, failed: 0, deferred: 0, lastError: null, lastErrorAt: null };
      for (const p of LATENCY_PROPERTIES) r[p] = 0;
      rows.set(key, r);
    }
    return r;
  };
  for (const a of attempts) {
    const ended = new Date(Date.parse(a.started_at) + a.duration_ms).toISOString();
    const r = row(ended, a.subscription_id, a.tenant_id);
    r.attempts! += 1;
    if (a.attempt > 1) r.retries! += 1;
    if (a.outcome === 'delivered') r.delivered! += 1;
    else if (a.next_attempt_at === null) r.failed! += 1;
    if (a.outcome === 'failed' && (r.lastErrorAt === null || String(r.lastErrorAt) < ended)) {
      r.lastError = a.error;
      r.lastErrorAt = ended;
    }
    if (a.latency_ms !== null) r[latencyProperty(a.latency_ms)]! += 1;
  }
  for (const d of deferrals) row(d.at, d.subscription_id, d.tenant_id).deferred! += 1;
  const set = { ...Object.fromEntries(COUNTERS.map((c) => [c, 'add'])), lastError: { newestBy: 'lastErrorAt' }, lastErrorAt: { newestBy: 'lastErrorAt' } } as const;
  await bulkUpsert(m, DeliveryStatsRow, {
    columns: ['minute', 'subscriptionId', 'tenantId', ...COUNTERS, 'lastError', 'lastErrorAt'],
    rows: [...rows.values()],
    conflict: ['minute', 'subscriptionId'],
    set,
  });
  await bulkUpsert(m, DeliveryStatsHourlyRow, {
    columns: ['hour', 'subscriptionId', 'tenantId', ...COUNTERS, 'lastError', 'lastErrorAt'],
    rows: hoursOf([...rows.values()]),
    conflict: ['hour', 'subscriptionId'],
    set,
  });
}

/** The minutes' sums per hour and endpoint, each with the newest of their errors. */
function hoursOf(minutes: StatsRow[]): Array<Row<DeliveryStatsHourlyRow>> {
  const hours = new Map<string, Row<DeliveryStatsHourlyRow>>();
  for (const r of minutes) {
    const hour = `${r.minute.slice(0, 13)}:00:00.000Z`;
    const key = `${hour}\u0000${r.subscriptionId}`;
    const h = hours.get(key);
    if (!h) {
      const { minute: _minute, ...counters } = r;
      hours.set(key, { ...counters, hour });
      continue;
    }
    for (const c of COUNTERS) h[c] = h[c]! + r[c]!;
    if (r.lastErrorAt !== null && (h.lastErrorAt === null || String(h.lastErrorAt) < String(r.lastErrorAt))) {
      h.lastError = r.lastError;
      h.lastErrorAt = r.lastErrorAt;
    }
  }
  return [...hours.values()];
}
