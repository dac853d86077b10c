import { DeliveryStatus, EventStatus, eventStatus } from '@app/contracts';
import type { DeliveryRow, EventRow } from '@app/persistence';

export interface DeliveryStatusView {
  subscription_id: string;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  last_attempt: string | null;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
}

export interface EventStatusView {
  event_id: string;
  tenant_id: string | null;
  type: string;
  status: EventStatus;
  attempts: number;
  last_attempt: string | null;
  deliveries: DeliveryStatusView[];
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
    tenant_id: event.tenantId || null,
    type: event.type,
    status: eventStatus(event.subscriberCount, deliveries.map((d) => d.status)),
    attempts: views.reduce((n, v) => n + v.attempts, 0),
    last_attempt: last,
    deliveries: views,
  };
}
