import { EntityManager } from 'typeorm';
import { DispatchRecord } from '@app/contracts';
import { bulkUpsert, Row } from './bulk-upsert';
import { Database } from './database';
import { attemptKey, insertAttempts, insertDeferrals, writeDeliveryStates, writeFannedOut } from './delivery-projection';
import { AuditRow, EventRow, SubscriptionRow } from './entities';
import { foldEventStatus } from './event-status-fold';
import { ProjectionChanges, rowTenant } from './projection-changes';
import { addToStats } from './stats-rollup';

/**
 * Writes batches into the read model, one transaction per batch and one multi-row statement per table.
 * Every statement is idempotent and order-independent, so replays and redelivered batches change nothing.
 */
export class ProjectionRepository {
  constructor(private readonly db: Database) {}

  /** Empties the read model (for a rebuild from Kafka). */
  async truncateAll(): Promise<void> {
    const tables = this.db.current().entityMetadatas.map((m) => `"${m.tableName}"`);
    await this.db.current().query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY`);
  }

  async apply(c: ProjectionChanges): Promise<void> {
    await this.db.current().transaction(async (m) => {
      await this.subscriptions(m, c);
      await this.events(m, c.events, c.dispatches);
      const newAttempts = await insertAttempts(m, c.attempts);
      const newDeferrals = await insertDeferrals(m, c.deferrals);
      const changed = await writeDeliveryStates(m, c.attempts, c.deferrals, c.dispatches);
      await writeFannedOut(m, c.dispatches, changed);
      await foldEventStatus(m, [
        ...c.events.map((e) => ({ tenantId: rowTenant(e.tenant_id), id: e.id })),
        ...c.dispatches.map((d) => ({ tenantId: rowTenant(d.tenant_id), id: d.event_id })),
        ...c.attempts.map((a) => ({ tenantId: rowTenant(a.tenant_id), id: a.event_id })),
        ...c.deferrals.map((d) => ({ tenantId: rowTenant(d.tenant_id), id: d.event_id })),
      ]);
      await addToStats(
        m,
        c.attempts.filter((a) => newAttempts.has(attemptKey(a))),
        c.deferrals.filter((d) => newDeferrals.has(d.source)),
      );
      await bulkUpsert(m, AuditRow, {
        columns: ['source', 'at', 'kind', 'keyId', 'clientIp', 'method', 'path', 'status', 'subscriptionId', 'eventId', 'detail', 'tenantId'],
        rows: c.audit,
        conflict: ['source'],
        orderBy: 'at',
      });
    });
  }

  private async subscriptions(m: EntityManager, c: ProjectionChanges): Promise<void> {
    const latest = [...new Map(c.subscriptions.map((s) => [s.id, s])).values()];
    const rows: Array<Row<SubscriptionRow>> = latest.map((s) => ({
      id: s.id,
      url: s.url,
      events: s.events,
      authType: s.auth?.type ?? null,
      authUsername: s.auth?.username ?? null,
      authPasswordSealed: s.auth?.password_sealed ?? null,
      secretSealed: s.secret_sealed,
      description: s.description,
      enabled: s.enabled,
      createdAt: s.created_at,
      updatedAt: s.updated_at,
      tenantId: s.tenant_id,
      filter: s.filter,
      headersSealed: s.headers_sealed,
      rateLimit: s.rate_limit,
      disabledReason: s.disabled_reason,
      disabledAt: s.disabled_at,
    }));
    const replaced = [
      'url', 'events', 'authType', 'authUsername', 'authPasswordSealed', 'secretSealed', 'description', 'enabled', 'updatedAt',
      'tenantId', 'filter', 'headersSealed', 'rateLimit', 'disabledReason', 'disabledAt',
    ] as const;
    await bulkUpsert(m, SubscriptionRow, {
      columns: ['id', ...replaced, 'createdAt'],
      rows,
      conflict: ['id'],
      set: Object.fromEntries(replaced.map((p) => [p, 'excluded'])),
    });
    if (c.deletedSubscriptions.length > 0) await m.getRepository(SubscriptionRow).delete(c.deletedSubscriptions);
  }

  /**
   * One row per event, from its accepted record and its dispatch record (whichever this batch holds), in one
   * statement: under load both usually arrive together and the row is written once.
   */
  private async events(m: EntityManager, accepted: ProjectionChanges['events'], dispatches: DispatchRecord[]): Promise<void> {
    const rows = new Map<string, Row<EventRow>>();
    // The first record of an id wins (same key, same partition, so first in order is first accepted).
    for (const e of accepted) {
      const key = `${rowTenant(e.tenant_id)}\u0000${e.id}`;
      if (!rows.has(key)) rows.set(key, { tenantId: rowTenant(e.tenant_id), id: e.id, type: e.type, data: e.data, occurredAt: e.timestamp, acceptedAt: e.accepted_at, subscriberCount: null });
    }
    for (const d of dispatches) {
      const key = `${rowTenant(d.tenant_id)}\u0000${d.event_id}`;
      const row = rows.get(key);
      if (row) row.subscriberCount = d.subscriptions.length + d.skipped.length;
      // A dispatch without its event in the batch: its acceptance time stands in until the event's own row lands.
      else rows.set(key, { tenantId: rowTenant(d.tenant_id), id: d.event_id, type: d.event_type, data: null, occurredAt: null, acceptedAt: d.accepted_at ?? d.at, subscriberCount: d.subscriptions.length + d.skipped.length });
    }
    await bulkUpsert(m, EventRow, {
      columns: ['tenantId', 'id', 'type', 'data', 'occurredAt', 'acceptedAt', 'subscriberCount'],
      rows: [...rows.values()],
      conflict: ['tenantId', 'id'],
      set: { data: 'keep', occurredAt: 'keep', acceptedAt: 'least', subscriberCount: 'fill' },
    });
  }
}
