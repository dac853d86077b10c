import { EntityManager } from 'typeorm';
import { AttemptRecord, deliveryStatusAfter, DispatchRecord } from '@app/contracts';
import { bulkUpsert, Row } from './bulk-upsert';
import { Database } from './database';
import { AttemptRow, AuditRow, DeliveryRow, EventRow, SubscriptionRow } from './entities';
import type { ProjectionChanges } from './projection-changes';

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
      await this.pendingDeliveries(m, c.dispatches, c.attempts);
      await this.attempts(m, c.attempts);
      await bulkUpsert(m, AuditRow, {
        columns: ['source', 'at', 'kind', 'keyId', 'clientIp', 'method', 'path', 'status', 'subscriptionId', 'eventId', 'detail'],
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
    }));
    const replaced = ['url', 'events', 'authType', 'authUsername', 'authPasswordSealed', 'secretSealed', 'description', 'enabled', 'updatedAt'] as const;
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
      if (!rows.has(e.id)) rows.set(e.id, { id: e.id, type: e.type, data: e.data, occurredAt: e.timestamp, acceptedAt: e.accepted_at, subscriberCount: null });
    }
    for (const d of dispatches) {
      const row = rows.get(d.event_id);
      if (row) row.subscriberCount = d.subscriptions.length;
      // A dispatch without its event in the batch: acceptance time is the dispatch time until the event's own row lands.
      else rows.set(d.event_id, { id: d.event_id, type: d.event_type, data: null, occurredAt: null, acceptedAt: d.at, subscriberCount: d.subscriptions.length });
    }
    await bulkUpsert(m, EventRow, {
      columns: ['id', 'type', 'data', 'occurredAt', 'acceptedAt', 'subscriberCount'],
      rows: [...rows.values()],
      conflict: ['id'],
      set: { data: 'keep', occurredAt: 'keep', acceptedAt: 'least', subscriberCount: 'fill' },
    });
  }

  /** A pending row per fanned-out delivery, unless an attempt of this batch writes the row anyway. */
  private async pendingDeliveries(m: EntityManager, dispatches: DispatchRecord[], attempts: AttemptRecord[]): Promise<void> {
    const attempted = new Set(attempts.map((a) => `${a.event_id}\u0000${a.subscription_id}`));
    const rows = dispatches.flatMap((d) =>
      d.subscriptions
        .filter((s) => !attempted.has(`${d.event_id}\u0000${s.id}`))
        .map((s): Row<DeliveryRow> => ({ eventId: d.event_id, subscriptionId: s.id, url: s.url, status: 'pending', attempts: 0 })),
    );
    await bulkUpsert(m, DeliveryRow, { columns: ['eventId', 'subscriptionId', 'url', 'status', 'attempts'], rows, conflict: ['eventId', 'subscriptionId'] });
  }

  private async attempts(m: EntityManager, records: AttemptRecord[]): Promise<void> {
    const unique = [...new Map(records.map((a) => [`${a.event_id}\u0000${a.subscription_id}\u0000${a.attempt}`, a])).values()];
    await bulkUpsert(m, AttemptRow, {
      columns: ['eventId', 'subscriptionId', 'attempt', 'url', 'startedAt', 'durationMs', 'statusCode', 'error', 'outcome'],
      rows: unique.map((a) => ({
        eventId: a.event_id,
        subscriptionId: a.subscription_id,
        attempt: a.attempt,
        url: a.url,
        startedAt: a.started_at,
        durationMs: a.duration_ms,
        statusCode: a.status_code,
        error: a.error,
        outcome: a.outcome,
      })),
      conflict: ['eventId', 'subscriptionId', 'attempt'],
    });
    // Per delivery, only the latest attempt of the batch decides its state; older ones never overwrite newer.
    const latest = new Map<string, AttemptRecord>();
    for (const a of unique) {
      const key = `${a.event_id}\u0000${a.subscription_id}`;
      const seen = latest.get(key);
      if (!seen || seen.attempt < a.attempt) latest.set(key, a);
    }
    const state = ['url', 'status', 'attempts', 'lastAttemptAt', 'lastStatusCode', 'lastError', 'nextAttemptAt'] as const;
    await bulkUpsert(m, DeliveryRow, {
      columns: ['eventId', 'subscriptionId', ...state],
      rows: [...latest.values()].map((a) => ({
        eventId: a.event_id,
        subscriptionId: a.subscription_id,
        url: a.url,
        status: deliveryStatusAfter(a),
        attempts: a.attempt,
        lastAttemptAt: new Date(Date.parse(a.started_at) + a.duration_ms),
        lastStatusCode: a.status_code,
        lastError: a.error,
        nextAttemptAt: a.next_attempt_at,
      })),
      conflict: ['eventId', 'subscriptionId'],
      set: Object.fromEntries(state.map((p) => [p, 'excluded'])),
      unlessNewer: 'attempts',
    });
  }
}
