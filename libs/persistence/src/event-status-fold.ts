import type { EntityManager } from 'typeorm';
import { DeliveryStatus, eventStatus } from '@app/contracts';
import { bulkUpdate } from './bulk-upsert';
import { DeliveryRow, EventRow } from './entities';

/**
 * Folds the deliveries of the given events into their event rows: status (by the one rule in
 * libs/contracts), delivery counts per status, attempts and last attempt. Run after every batch for the
 * events it touched, so event lists filter and sort on columns instead of aggregating deliveries.
 */
export async function foldEventStatus(m: EntityManager, events: Array<{ tenantId: string; id: string }>): Promise<void> {
  if (events.length === 0) return;
  const unique = [...new Map(events.map((e) => [`${e.tenantId}\u0000${e.id}`, e])).values()];
  const rows: Array<{ tenant_id: string; id: string; subscriber_count: number | null; status: DeliveryStatus | null; n: string; attempts: string | null; last: Date | null }> = await m
    .createQueryBuilder()
    .select(['e.tenant_id AS tenant_id', 'e.id AS id', 'e.subscriber_count AS subscriber_count', 'd.status AS status'])
    .addSelect('count(d.subscription_id)', 'n')
    .addSelect('sum(d.attempts)', 'attempts')
    .addSelect('max(d.last_attempt_at)', 'last')
    .from(EventRow, 'e')
    .leftJoin(DeliveryRow, 'd', 'd.tenant_id = e.tenant_id AND d.event_id = e.id')
    .where('(e.tenant_id, e.id) IN (SELECT * FROM unnest(:tenants::text[], :ids::text[]))', { tenants: unique.map((e) => e.tenantId), ids: unique.map((e) => e.id) })
    .groupBy('e.tenant_id')
    .addGroupBy('e.id')
    .addGroupBy('e.subscriber_count')
    .addGroupBy('d.status')
    .getRawMany();
  const folded = new Map<string, { tenantId: string; id: string; subscriberCount: number | null; counts: Record<DeliveryStatus, number>; attempts: number; last: Date | null }>();
  for (const r of rows) {
    const key = `${r.tenant_id}\u0000${r.id}`;
    let f = folded.get(key);
    if (!f) folded.set(key, (f = { tenantId: r.tenant_id, id: r.id, subscriberCount: r.subscriber_count, counts: { pending: 0, retrying: 0, delivered: 0, failed: 0, skipped: 0 }, attempts: 0, last: null }));
    if (r.status === null) continue;
    f.counts[r.status] += Number(r.n);
    f.attempts += Number(r.attempts ?? 0);
    if (r.last && (!f.last || r.last > f.last)) f.last = r.last;
  }
  await bulkUpdate(m, EventRow, {
    key: ['tenantId', 'id'],
    columns: ['status', 'attempts', 'lastAttemptAt', 'deliveriesTotal', 'deliveriesPending', 'deliveriesRetrying', 'deliveriesDelivered', 'deliveriesFailed', 'deliveriesSkipped'],
    rows: [...folded.values()].map((f) => {
      const statuses = (Object.entries(f.counts) as Array<[DeliveryStatus, number]>).flatMap(([s, n]) => Array<DeliveryStatus>(n).fill(s));
      return {
        tenantId: f.tenantId,
        id: f.id,
        status: eventStatus(f.subscriberCount, statuses),
        attempts: f.attempts,
        lastAttemptAt: f.last,
        deliveriesTotal: statuses.length,
        deliveriesPending: f.counts.pending,
        deliveriesRetrying: f.counts.retrying,
        deliveriesDelivered: f.counts.delivered,
        deliveriesFailed: f.counts.failed,
        deliveriesSkipped: f.counts.skipped,
      };
    }),
  });
}
