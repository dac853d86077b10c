import type { DeliveryRow, EventRow } from '@app/persistence';

export type EventStatus = 'pending' | 'retrying' | 'delivered' | 'failed' | 'no_subscribers';

export interface DeliveryStatusView {
  subscription_id: string;
  url: string;
  status: DeliveryRow['status'];
  attempts: number;
  last_attempt: string | null;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
}

export interface EventStatusView {
  event_id: string;
  type: string;
  status: EventStatus;
  attempts: number;
  last_attempt: string | null;
  deliveries: DeliveryStatusView[];
}

/** SPEC's rule: pending/retrying while any delivery is, else delivered when all are, else failed; no match → no_subscribers. */
export function eventStatus(event: Pick<EventRow, 'subscriberCount'>, deliveries: Array<Pick<DeliveryRow, 'status'>>): EventStatus {
  if (deliveries.length === 0) return event.subscriberCount === 0 ? 'no_subscribers' : 'pending';
  if (deliveries.some((d) => d.status === 'retrying')) return 'retrying';
  if (deliveries.some((d) => d.status === 'pending')) return 'pending';
  return deliveries.every((d) => d.status === 'delivered') ? 'delivered' : 'failed';
}

export function toStatusView(event: EventRow, deliveries: DeliveryRow[]): EventStatusView {
  const views = deliveries.map((d) => ({
    subscription_id: d.subscriptionId,
    url: d.url,
    status: d.status,
    attempts: d.attempts,
    last_attempt: d.lastAttemptAt?.toISOString() ?? null,
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
  }));
  const last = views.map((v) => v.last_attempt).filter((v): v is string => v !== null).sort().pop() ?? null;
  return {
    event_id: event.id,
    type: event.type,
    status: eventStatus(event, deliveries),
    attempts: views.reduce((n, v) => n + v.attempts, 0),
    last_attempt: last,
    deliveries: views,
  };
}
