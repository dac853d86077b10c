import type { SelectQueryBuilder } from 'typeorm';
import type { DeliveryStatus, EventStatus } from '@app/contracts';
import { Database } from './database';
import { DeliveryRow, EventRow } from './entities';

export interface EventQuery {
  statuses: EventStatus[];
  /** Exact type, or a prefix when it ends with ".*". */
  type: string | null;
  subscriptionId: string | null;
  /** '' for events outside tenants; null for every tenant. */
  tenantId: string | null;
  since: Date | null;
  until: Date | null;
  /** Sort key of the last row of the previous page: [accepted_at ISO, tenant_id, id]. */
  after: [string, string, string] | null;
  limit: number;
}

export interface DeliveryQuery {
  subscriptionId: string;
  statuses: DeliveryStatus[];
  since: Date | null;
  until: Date | null;
  after: [string, string, string] | null;
  limit: number;
}

/**
 * The operator console's lists, newest first, one page at a time (keyset: a page starts after the sort key of
 * the previous one, so deep pages cost what the first does). The indexes each query uses are declared on the
 * entities and checked with EXPLAIN in the tests.
 */
export class ConsoleRepository {
  constructor(private readonly db: Database) {}

  listEvents(q: EventQuery): Promise<EventRow[]> {
    if (q.subscriptionId !== null) return this.eventsOfSubscription(q);
    const qb = this.db.current().getRepository(EventRow).createQueryBuilder('e');
    if (q.tenantId !== null) qb.andWhere('e.tenantId = :tenant', { tenant: q.tenantId });
    this.eventFilters(qb, q);
    if (q.after) qb.andWhere('(e.acceptedAt, e.tenantId, e.id) < (:at::timestamptz, :t, :i)', { at: q.after[0], t: q.after[1], i: q.after[2] });
    return qb.orderBy('e.acceptedAt', 'DESC').addOrderBy('e.tenantId', 'DESC').addOrderBy('e.id', 'DESC').limit(q.limit).getMany();
  }

  /** Events with a delivery to one endpoint: walked through that endpoint's deliveries, in acceptance order. */
  private eventsOfSubscription(q: EventQuery): Promise<EventRow[]> {
    const qb = this.db
      .current()
      .getRepository(EventRow)
      .createQueryBuilder('e')
      .innerJoin(DeliveryRow, 'd', 'd.tenantId = e.tenantId AND d.eventId = e.id')
      .where('d.subscriptionId = :sub', { sub: q.subscriptionId });
    if (q.tenantId !== null) qb.andWhere('d.tenantId = :tenant', { tenant: q.tenantId });
    this.eventFilters(qb, q, 'd.acceptedAt');
    if (q.after) qb.andWhere('(d.acceptedAt, d.tenantId, d.eventId) < (:at::timestamptz, :t, :i)', { at: q.after[0], t: q.after[1], i: q.after[2] });
    return qb.orderBy('d.acceptedAt', 'DESC').addOrderBy('d.tenantId', 'DESC').addOrderBy('d.eventId', 'DESC').limit(q.limit).getMany();
  }

  private eventFilters(qb: SelectQueryBuilder<EventRow>, q: EventQuery, time = 'e.acceptedAt'): void {
    if (q.statuses.length > 0) qb.andWhere('e.status IN (:...statuses)', { statuses: q.statuses });
    if (q.type !== null && q.type.endsWith('.*')) qb.andWhere('e.type LIKE :prefix', { prefix: `${q.type.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    else if (q.type !== null) qb.andWhere('e.type = :type', { type: q.type });
    if (q.since) qb.andWhere(`${time} >= :since`, { since: q.since });
    if (q.until) qb.andWhere(`${time} < :until`, { until: q.until });
  }

  listDeliveries(q: DeliveryQuery): Promise<Array<DeliveryRow & { eventType: string | null }>> {
    const qb = this.db
      .current()
      .getRepository(DeliveryRow)
      .createQueryBuilder('d')
      .leftJoin(EventRow, 'e', 'e.tenantId = d.tenantId AND e.id = d.eventId')
      .addSelect('e.type', 'event_type')
      .where('d.subscriptionId = :sub', { sub: q.subscriptionId });
    if (q.statuses.length > 0) qb.andWhere('d.status IN (:...statuses)', { statuses: q.statuses });
    if (q.since) qb.andWhere('d.acceptedAt >= :since', { since: q.since });
    if (q.until) qb.andWhere('d.acceptedAt < :until', { until: q.until });
    if (q.after) qb.andWhere('(d.acceptedAt, d.tenantId, d.eventId) < (:at::timestamptz, :t, :i)', { at: q.after[0], t: q.after[1], i: q.after[2] });
    // Descending puts nulls first, as the index gives them: a delivery whose acceptance time has not reached it yet is the newest.
    qb.orderBy('d.acceptedAt', 'DESC').addOrderBy('d.tenantId', 'DESC').addOrderBy('d.eventId', 'DESC').limit(q.limit);
    return qb.getRawAndEntities().then(({ entities, raw }) => entities.map((d, i) => Object.assign(d, { eventType: (raw[i] as { event_type: string | null }).event_type })));
  }

  /**
   * Deliveries of an endpoint that ended `failed` or `skipped` in a window, with their event, after a key
   * (tenant, event id): recovery sends them again, a page at a time.
   */
  recoverable(subscriptionId: string, since: Date, until: Date, after: [string, string] | null, limit: number): Promise<Array<{ delivery: DeliveryRow; event: EventRow }>> {
    const qb = this.db
      .current()
      .getRepository(DeliveryRow)
      .createQueryBuilder('d')
      .innerJoinAndMapOne('d.event', EventRow, 'e', 'e.tenantId = d.tenantId AND e.id = d.eventId')
      .where('d.subscriptionId = :sub', { sub: subscriptionId })
      .andWhere(`d.status IN ('failed', 'skipped')`)
      .andWhere('d.updatedAt >= :since AND d.updatedAt < :until', { since, until });
    if (after) qb.andWhere('(d.tenantId, d.eventId) > (:t, :i)', { t: after[0], i: after[1] });
    return qb
      .orderBy('d.tenantId', 'ASC')
      .addOrderBy('d.eventId', 'ASC')
      .limit(limit)
      .getMany()
      .then((rows) => rows.map((d) => ({ delivery: d, event: (d as DeliveryRow & { event: EventRow }).event })));
  }
}
