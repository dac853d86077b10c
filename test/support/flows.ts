import { api } from './api';
import { eventually } from './eventually';

export interface Subscription {
  id: string;
  url: string;
  events: string[];
  secret: string;
}

export async function subscribe(url: string, events: string[], extra: Record<string, unknown> = {}): Promise<Subscription> {
  const res = await api<Subscription>('POST', '/webhooks', { url, events, ...extra });
  if (res.status !== 201) throw new Error(`subscribe failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function publish(event: { id?: string; type: string; data: Record<string, unknown> }): Promise<string> {
  const res = await api<{ id: string }>('POST', '/events', event);
  if (res.status !== 202) throw new Error(`publish failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export interface StatusBody {
  event_id: string;
  type: string;
  status: string;
  attempts: number;
  last_attempt: string | null;
  deliveries: Array<{ subscription_id: string; url: string; status: string; attempts: number; last_status_code: number | null; last_error: string | null; next_attempt_at: string | null; last_attempt: string | null }>;
}

/** Waits until the event's status is one of `statuses`. */
export function statusOf(eventId: string, statuses: string[], timeoutMs?: number): Promise<StatusBody> {
  return eventually(async () => {
    const res = await api<StatusBody>('GET', `/webhooks/status?event_id=${encodeURIComponent(eventId)}`);
    return res.status === 200 && statuses.includes(res.body.status) ? res.body : undefined;
  }, `event ${eventId} to reach ${statuses.join('/')}`, timeoutMs);
}
