// The shapes of the operator API's answers that the dashboard reads (the API's documented contract).

export interface Me {
  key_id: string;
  role: 'admin' | 'tenant';
  tenant_id: string | null;
}

export type Circuit = 'closed' | 'open' | 'half_open';

export interface EndpointHealth {
  circuit: Circuit;
  failure_streak: number;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
}

export interface Endpoint {
  id: string;
  tenant_id: string | null;
  url: string;
  events: string[];
  filter: Record<string, unknown> | null;
  headers: Record<string, string> | null;
  rate_limit: number | null;
  auth: { type: 'basic'; username: string } | null;
  description: string | null;
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
  /** Absent on an API that does not report endpoint health yet. */
  health?: EndpointHealth;
}

export interface CreatedEndpoint extends Endpoint {
  secret: string;
}

export interface RotatedSecret {
  id: string;
  secret: string;
  previous_secret_expires_at: string;
}

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed' | 'skipped';
export type EventStatus = 'pending' | 'retrying' | 'delivered' | 'failed' | 'no_subscribers';

export interface EndpointDelivery {
  event_id: string;
  tenant_id: string | null;
  event_type: string;
  status: DeliveryStatus;
  attempts: number;
  created_at: string;
  last_attempt: string | null;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
}

export interface EventSummary {
  event_id: string;
  tenant_id: string | null;
  type: string;
  status: EventStatus;
  accepted_at: string;
  attempts: number;
  deliveries: { total: number; pending: number; retrying: number; delivered: number; failed: number; skipped: number };
}

export interface EventDelivery {
  subscription_id: string;
  url: string;
  status: DeliveryStatus;
  attempts: number;
  last_attempt: string | null;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
}

export interface EventStatusAnswer {
  event_id: string;
  tenant_id?: string | null;
  type: string;
  status: EventStatus;
  attempts: number;
  last_attempt: string | null;
  deliveries: EventDelivery[];
}

export interface Attempt {
  subscription_id: string;
  attempt: number;
  started_at: string;
  duration_ms: number | null;
  status_code: number | null;
  error: string | null;
  outcome: 'delivered' | 'failed';
  next_attempt_at?: string | null;
}

export interface StatsBucket {
  start: string;
  delivered: number;
  failed: number;
  attempts: number;
  retries: number;
  deferred: number;
  first_attempt_p50_ms: number | null;
  first_attempt_p95_ms: number | null;
}

export interface EndpointStats {
  subscription_id: string;
  tenant_id: string | null;
  url: string;
  attempts: number;
  delivered: number;
  failed: number;
  success_rate: number | null;
  last_error: string | null;
  last_error_at: string | null;
}

export interface Stats {
  since: string;
  until: string;
  bucket: string;
  buckets: StatsBucket[];
  endpoints: EndpointStats[];
}

export interface Tenant {
  id: string;
  name: string;
  metadata: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
}

export interface TenantKey {
  id: string;
  key: string;
  description: string | null;
  created_at: string;
}

/** One page of a keyset-paginated list. */
export type Page<K extends string, T> = { [P in K]: T[] } & { next_cursor: string | null };
