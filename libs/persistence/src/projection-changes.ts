import type { AttemptRecord, DispatchRecord, SubscriptionRecord, WebhookEvent } from '@app/contracts';
import type { AuditRow } from './entities';
import type { Row } from './bulk-upsert';

/** One audit log entry and the Kafka record it came from. */
export type AuditEntry = Required<Pick<Row<AuditRow>, 'source' | 'at' | 'kind' | 'keyId' | 'clientIp' | 'method' | 'path' | 'status' | 'subscriptionId' | 'eventId' | 'detail'>>;

/** Everything one consumed batch changes in the read model. */
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

/** The changes of several batches as one (for one transaction). */
export function mergeChanges(into: ProjectionChanges, from: ProjectionChanges): ProjectionChanges {
  into.audit.push(...from.audit);
  into.subscriptions.push(...from.subscriptions);
  into.deletedSubscriptions.push(...from.deletedSubscriptions);
  into.events.push(...from.events);
  into.dispatches.push(...from.dispatches);
  into.attempts.push(...from.attempts);
  return into;
}
