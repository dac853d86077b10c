import type { EntityManager } from 'typeorm';
import { AttemptRecord, deliveryStatusAfter, DeferralRecord, DispatchRecord } from '@app/contracts';
import { bulkUpsert, Row } from './bulk-upsert';
import { AttemptRow, DeferralRow, DeliveryRow } from './entities';
import { rowTenant } from './projection-changes';

const deliveryKey = (tenant: string | null, eventId: string, subscriptionId: string) => `${rowTenant(tenant)}\u0000${eventId}\u0000${subscriptionId}`;

/**
 * A row per fanned-out delivery (`pending`) and per skipped one (`skipped`, with the reason), unless an
 * attempt or deferral of this batch writes the row anyway. A row that exists keeps its state; only its
 * acceptance time is filled in when an attempt created it first.
 */
export async function writeFannedOut(m: EntityManager, dispatches: DispatchRecord[], changed: Set<string>): Promise<void> {
  const rows = dispatches.flatMap((d) => {
    const common = { tenantId: rowTenant(d.tenant_id), eventId: d.event_id, attempts: 0, acceptedAt: d.accepted_at ?? d.at, updatedAt: d.at };
    return [
      ...d.subscriptions.map((s): Row<DeliveryRow> => ({ ...common, subscriptionId: s.id, url: s.url, status: 'pending', lastError: null })),
      ...d.skipped.map((s): Row<DeliveryRow> => ({ ...common, subscriptionId: s.id, url: s.url, status: 'skipped', lastError: s.reason })),
    ].filter((r) => !changed.has(deliveryKey(d.tenant_id, d.event_id, r.subscriptionId!)));
  });
  await bulkUpsert(m, DeliveryRow, {
    columns: ['tenantId', 'eventId', 'subscriptionId', 'url', 'status', 'attempts', 'lastError', 'acceptedAt', 'updatedAt'],
    rows,
    conflict: ['tenantId', 'eventId', 'subscriptionId'],
    set: { acceptedAt: 'keep' },
  });
}

/** Inserts attempt rows; returns the keys of those that were new (a replayed attempt inserts nothing). */
export async function insertAttempts(m: EntityManager, records: AttemptRecord[]): Promise<Set<string>> {
  const inserted = await bulkUpsert(m, AttemptRow, {
    columns: ['tenantId', 'eventId', 'subscriptionId', 'attempt', 'url', 'startedAt', 'durationMs', 'statusCode', 'error', 'outcome', 'nextAttemptAt'],
    rows: records.map((a) => ({
      tenantId: rowTenant(a.tenant_id),
      eventId: a.event_id,
      subscriptionId: a.subscription_id,
      attempt: a.attempt,
      url: a.url,
      startedAt: a.started_at,
      durationMs: a.duration_ms,
      statusCode: a.status_code,
      error: a.error,
      outcome: a.outcome,
      nextAttemptAt: a.next_attempt_at,
    })),
    conflict: ['tenantId', 'eventId', 'subscriptionId', 'attempt'],
    returning: ['tenantId', 'eventId', 'subscriptionId', 'attempt'],
  });
  return new Set(inserted.map((r) => `${String(r.tenant_id)}\u0000${String(r.event_id)}\u0000${String(r.subscription_id)}\u0000${String(r.attempt)}`));
}

export const attemptKey = (a: AttemptRecord) => `${deliveryKey(a.tenant_id, a.event_id, a.subscription_id)}\u0000${a.attempt}`;

/** Inserts deferral rows; returns the sources of those that were new. */
export async function insertDeferrals(m: EntityManager, records: Array<DeferralRecord & { source: string }>): Promise<Set<string>> {
  const inserted = await bulkUpsert(m, DeferralRow, {
    columns: ['source', 'tenantId', 'eventId', 'subscriptionId', 'attempt', 'reason', 'at', 'nextAttemptAt'],
    rows: records.map((d) => ({
      source: d.source,
      tenantId: rowTenant(d.tenant_id),
      eventId: d.event_id,
      subscriptionId: d.subscription_id,
      attempt: d.attempt,
      reason: d.reason,
      at: d.at,
      nextAttemptAt: d.next_attempt_at,
    })),
    conflict: ['source'],
    returning: ['source'],
  });
  return new Set(inserted.map((r) => String(r.source)));
}

/**
 * The state of each delivery after this batch's attempts and deferrals: per delivery only the latest change
 * counts (most attempts made, then latest), and a stored state that is newer is never overwritten. A
 * deferral spends no attempt: the delivery is `retrying` with the attempts it has made so far.
 */
export async function writeDeliveryStates(m: EntityManager, attempts: AttemptRecord[], deferrals: DeferralRecord[], dispatches: DispatchRecord[]): Promise<Set<string>> {
  // The acceptance time of deliveries whose fan-out is in this batch too (their pending row is then not written).
  const acceptedAt = new Map<string, string>();
  for (const d of dispatches) for (const s of d.subscriptions) acceptedAt.set(deliveryKey(d.tenant_id, d.event_id, s.id), d.accepted_at ?? d.at);
  const latest = new Map<string, Row<DeliveryRow> & { attempts: number; updatedAt: string }>();
  const offer = (key: string, row: Row<DeliveryRow> & { attempts: number; updatedAt: string }) => {
    const seen = latest.get(key);
    if (!seen || seen.attempts < row.attempts || (seen.attempts === row.attempts && seen.updatedAt <= row.updatedAt)) latest.set(key, row);
  };
  for (const a of attempts) {
    const ended = new Date(Date.parse(a.started_at) + a.duration_ms).toISOString();
    offer(deliveryKey(a.tenant_id, a.event_id, a.subscription_id), {
      tenantId: rowTenant(a.tenant_id),
      eventId: a.event_id,
      subscriptionId: a.subscription_id,
      url: a.url,
      status: deliveryStatusAfter(a),
      attempts: a.attempt,
      lastAttemptAt: ended,
      lastStatusCode: a.status_code,
      lastError: a.error,
      nextAttemptAt: a.next_attempt_at,
      updatedAt: ended,
    });
  }
  for (const d of deferrals) {
    offer(deliveryKey(d.tenant_id, d.event_id, d.subscription_id), {
      tenantId: rowTenant(d.tenant_id),
      eventId: d.event_id,
      subscriptionId: d.subscription_id,
      url: d.url,
      status: 'retrying',
      attempts: d.attempt - 1,
      nextAttemptAt: d.next_attempt_at,
      updatedAt: d.at,
    });
  }
  const rows = [...latest.entries()].map(([k, r]) => ({ ...r, acceptedAt: acceptedAt.get(k) ?? null }));
  const fromAttempts = rows.filter((r) => r.lastAttemptAt !== undefined);
  const fromDeferrals = rows.filter((r) => r.lastAttemptAt === undefined);
  const key = ['tenantId', 'eventId', 'subscriptionId'] as const;
  const state = ['url', 'status', 'attempts', 'lastAttemptAt', 'lastStatusCode', 'lastError', 'nextAttemptAt', 'updatedAt'] as const;
  await bulkUpsert(m, DeliveryRow, {
    columns: [...key, ...state, 'acceptedAt'],
    rows: fromAttempts,
    conflict: [...key],
    set: { ...Object.fromEntries(state.map((p) => [p, 'excluded'])), acceptedAt: 'keep' },
    unlessNewer: ['attempts', 'updatedAt'],
  });
  // A deferral leaves the last attempt's outcome (status code, error, time) as it was.
  const deferralState = ['url', 'status', 'attempts', 'nextAttemptAt', 'updatedAt'] as const;
  await bulkUpsert(m, DeliveryRow, {
    columns: [...key, ...deferralState, 'acceptedAt'],
    rows: fromDeferrals,
    conflict: [...key],
    set: { ...Object.fromEntries(deferralState.map((p) => [p, 'excluded'])), acceptedAt: 'keep' },
    unlessNewer: ['attempts', 'updatedAt'],
  });
  return new Set(latest.keys());
}

export { deliveryKey };
