import { EntityManager } from 'typeorm';
import { Database } from './database';
import type { AttemptRecord, DispatchRecord, SubscriptionRecord, WebhookEvent } from '@app/contracts';

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';

/** Everything one consumed batch changes in the read model. */
/** One audit log entry and the Kafka record it came from. */
export interface AuditEntry {
  source: string;
  at: string;
  kind: 'api.call' | 'delivery.attempt';
  keyId: string | null;
  clientIp: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  subscriptionId: string | null;
  eventId: string | null;
  detail: Record<string, unknown> | null;
}

export interface ProjectionChanges {
  audit: AuditEntry[];
  subscriptions: SubscriptionRecord[];
  deletedSubscriptions: string[];
  /** Accepted events; `accepted_at` is the Kafka record's timestamp, so a replay gives the same row. */
  events: Array<WebhookEvent & { accepted_at: string }>;
  dispatches: DispatchRecord[];
  attempts: AttemptRecord[];
}

export function emptyChanges(): ProjectionChanges {
  return { audit: [], subscriptions: [], deletedSubscriptions: [], events: [], dispatches: [], attempts: [] };
}

export function statusOfAttempt(a: Pick<AttemptRecord, 'outcome' | 'next_attempt_at'>): DeliveryStatus {
  if (a.outcome === 'delivered') return 'delivered';
  return a.next_attempt_at ? 'retrying' : 'failed';
}

/**
 * Writes batches into the read model, one transaction per batch and one multi-row statement per table.
 * Every statement is idempotent and order-independent, so replays and redelivered batches change nothing.
 */
export class ProjectionRepository {
  constructor(private readonly db: Database) {}

  /** Empties the read model (for a rebuild from Kafka). */
  async truncateAll(): Promise<void> {
    await this.db.current().query('TRUNCATE events, deliveries, attempts, subscriptions, audit_log RESTART IDENTITY');
  }

  async apply(c: ProjectionChanges): Promise<void> {
    await this.db.current().transaction(async (m) => {
      await this.subscriptions(m, c.subscriptions);
      if (c.deletedSubscriptions.length > 0) {
        await m.query('DELETE FROM subscriptions WHERE id = ANY($1::text[])', [c.deletedSubscriptions]);
      }
      await this.events(m, c.events, c.dispatches);
      await this.pendingDeliveries(m, c.dispatches, c.attempts);
      await this.attempts(m, c.attempts);
      await this.audit(m, c.audit);
    });
  }

  private async audit(m: EntityManager, rows: AuditEntry[]): Promise<void> {
    if (rows.length === 0) return;
    const col = <K extends keyof AuditEntry>(k: K) => rows.map((r) => r[k]);
    await m.query(
      `INSERT INTO audit_log (source, at, kind, key_id, client_ip, method, path, status, subscription_id, event_id, detail)
       SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[], $10::text[], $11::jsonb[])
       ORDER BY 2
       ON CONFLICT (source) DO NOTHING`,
      [
        col('source'), col('at'), col('kind'), col('keyId'), col('clientIp'), col('method'), col('path'), col('status'),
        col('subscriptionId'), col('eventId'), rows.map((r) => (r.detail ? JSON.stringify(r.detail) : null)),
      ],
    );
  }

  private async subscriptions(m: EntityManager, rows: SubscriptionRecord[]): Promise<void> {
    const latest = [...new Map(rows.map((s) => [s.id, s])).values()];
    if (latest.length === 0) return;
    await m.query(
      `INSERT INTO subscriptions (id, url, events, auth_type, auth_username, auth_password_sealed, secret_sealed, description, enabled, created_at, updated_at)
       SELECT id, url, events::jsonb, auth_type, auth_username, auth_password_sealed, secret_sealed, description, enabled, created_at, updated_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::boolean[], $10::timestamptz[], $11::timestamptz[])
         AS t(id, url, events, auth_type, auth_username, auth_password_sealed, secret_sealed, description, enabled, created_at, updated_at)
       ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, events = EXCLUDED.events, auth_type = EXCLUDED.auth_type,
         auth_username = EXCLUDED.auth_username, auth_password_sealed = EXCLUDED.auth_password_sealed,
         secret_sealed = EXCLUDED.secret_sealed, description = EXCLUDED.description, enabled = EXCLUDED.enabled,
         updated_at = EXCLUDED.updated_at
       WHERE subscriptions.updated_at <= EXCLUDED.updated_at`,
      [
        latest.map((s) => s.id),
        latest.map((s) => s.url),
        latest.map((s) => JSON.stringify(s.events)),
        latest.map((s) => s.auth?.type ?? null),
        latest.map((s) => s.auth?.username ?? null),
        latest.map((s) => s.auth?.password_sealed ?? null),
        latest.map((s) => s.secret_sealed),
        latest.map((s) => s.description),
        latest.map((s) => s.enabled),
        latest.map((s) => s.created_at),
        latest.map((s) => s.updated_at),
      ],
    );
  }

  /**
   * One row per event, from its accepted record and its dispatch record (whichever this batch holds), in one
   * statement: under load both usually arrive together and the row is written once.
   */
  private async events(m: EntityManager, accepted: ProjectionChanges['events'], dispatches: DispatchRecord[]): Promise<void> {
    const rows = new Map<string, { type: string; data: unknown; occurred: string | null; accepted: string | null; subscribers: number | null }>();
    // The first record of an id wins (same key, same partition, so first in order is first accepted).
    for (const e of accepted) {
      if (!rows.has(e.id)) rows.set(e.id, { type: e.type, data: e.data, occurred: e.timestamp, accepted: e.accepted_at, subscribers: null });
    }
    for (const d of dispatches) {
      const row = rows.get(d.event_id);
      if (row) row.subscribers = d.subscriptions.length;
      else rows.set(d.event_id, { type: d.event_type, data: null, occurred: null, accepted: null, subscribers: d.subscriptions.length });
    }
    if (rows.size === 0) return;
    const list = [...rows];
    await m.query(
      `INSERT INTO events (id, type, data, occurred_at, accepted_at, subscriber_count)
       SELECT id, type, data, occurred_at, COALESCE(accepted_at, now()), subscriber_count
       FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[], $5::timestamptz[], $6::int[]) AS t(id, type, data, occurred_at, accepted_at, subscriber_count)
       ON CONFLICT (id) DO UPDATE SET data = COALESCE(events.data, EXCLUDED.data),
         occurred_at = COALESCE(events.occurred_at, EXCLUDED.occurred_at),
         accepted_at = LEAST(events.accepted_at, EXCLUDED.accepted_at),
         subscriber_count = COALESCE(EXCLUDED.subscriber_count, events.subscriber_count)`,
      [
        list.map(([id]) => id),
        list.map(([, r]) => r.type),
        list.map(([, r]) => (r.data === null ? null : JSON.stringify(r.data))),
        list.map(([, r]) => r.occurred),
        list.map(([, r]) => r.accepted),
        list.map(([, r]) => r.subscribers),
      ],
    );
  }

  /** A pending row per fanned-out delivery, unless an attempt of this batch writes the row anyway. */
  private async pendingDeliveries(m: EntityManager, dispatches: DispatchRecord[], attempts: AttemptRecord[]): Promise<void> {
    const attempted = new Set(attempts.map((a) => `${a.event_id}\u0000${a.subscription_id}`));
    const pending = dispatches.flatMap((d) =>
      d.subscriptions.filter((s) => !attempted.has(`${d.event_id}\u0000${s.id}`)).map((s) => ({ event: d.event_id, sub: s.id, url: s.url })),
    );
    if (pending.length === 0) return;
    await m.query(
      `INSERT INTO deliveries (event_id, subscription_id, url, status, attempts)
       SELECT e, s, u, 'pending', 0 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(e, s, u)
       ON CONFLICT (event_id, subscription_id) DO NOTHING`,
      [pending.map((p) => p.event), pending.map((p) => p.sub), pending.map((p) => p.url)],
    );
  }

  private async attempts(m: EntityManager, rows: AttemptRecord[]): Promise<void> {
    if (rows.length === 0) return;
    const unique = [...new Map(rows.map((a) => [`${a.event_id}\u0000${a.subscription_id}\u0000${a.attempt}`, a])).values()];
    await m.query(
      `INSERT INTO attempts (event_id, subscription_id, attempt, url, started_at, duration_ms, status_code, error, outcome)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[], $6::int[], $7::int[], $8::text[], $9::text[])
       ON CONFLICT DO NOTHING`,
      [
        unique.map((a) => a.event_id),
        unique.map((a) => a.subscription_id),
        unique.map((a) => a.attempt),
        unique.map((a) => a.url),
        unique.map((a) => a.started_at),
        unique.map((a) => a.duration_ms),
        unique.map((a) => a.status_code),
        unique.map((a) => a.error),
        unique.map((a) => a.outcome),
      ],
    );
    // Per delivery, only the latest attempt of the batch decides its state; older ones never overwrite newer.
    const latest = new Map<string, AttemptRecord>();
    for (const a of unique) {
      const key = `${a.event_id}\u0000${a.subscription_id}`;
      const seen = latest.get(key);
      if (!seen || seen.attempt < a.attempt) latest.set(key, a);
    }
    const l = [...latest.values()];
    await m.query(
      `INSERT INTO deliveries (event_id, subscription_id, url, status, attempts, last_attempt_at, last_status_code, last_error, next_attempt_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamptz[], $7::int[], $8::text[], $9::timestamptz[])
       ON CONFLICT (event_id, subscription_id) DO UPDATE SET url = EXCLUDED.url, status = EXCLUDED.status,
         attempts = EXCLUDED.attempts, last_attempt_at = EXCLUDED.last_attempt_at, last_status_code = EXCLUDED.last_status_code,
         last_error = EXCLUDED.last_error, next_attempt_at = EXCLUDED.next_attempt_at
       WHERE deliveries.attempts <= EXCLUDED.attempts`,
      [
        l.map((a) => a.event_id),
        l.map((a) => a.subscription_id),
        l.map((a) => a.url),
        l.map((a) => statusOfAttempt(a)),
        l.map((a) => a.attempt),
        l.map((a) => new Date(Date.parse(a.started_at) + a.duration_ms).toISOString()),
        l.map((a) => a.status_code),
        l.map((a) => a.error),
        l.map((a) => a.next_attempt_at),
      ],
    );
  }
}
