import type { EndpointHealthRecord, SubscriptionRecord } from '@app/contracts';
import type { SecretBox } from '@app/security';

export interface EndpointHealthView {
  circuit: EndpointHealthRecord['circuit'];
  failure_streak: number;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
}

/** A subscription as the API shows it: never the password or secret (the secret only when just created). */
export interface SubscriptionView {
  id: string;
  tenant_id: string | null;
  url: string;
  events: string[];
  filter: Record<string, unknown> | null;
  headers: Record<string, string>;
  rate_limit: number | null;
  auth: { type: 'basic'; username: string } | null;
  description: string | null;
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: string | null;
  created_at: string;
  updated_at: string;
  health: EndpointHealthView;
  secret?: string;
}

const HEALTHY: EndpointHealthView = { circuit: 'closed', failure_streak: 0, last_success_at: null, last_failure_at: null, last_error: null };

/** Header values are shown (they are the caller's own settings), except authorization's, which is a credential. */
function headersOf(s: SubscriptionRecord, box: SecretBox): Record<string, string> {
  return Object.fromEntries(
    Object.entries(s.headers_sealed).map(([name, sealed]) => {
      if (name === 'authorization') return [name, '[sealed]'];
      try {
        return [name, box.open(sealed)];
      } catch {
        return [name, '[cannot be opened with the configured keys]'];
      }
    }),
  );
}

export function toView(s: SubscriptionRecord, box: SecretBox, health?: EndpointHealthRecord): SubscriptionView {
  return {
    id: s.id,
    tenant_id: s.tenant_id,
    url: s.url,
    events: s.events,
    filter: s.filter,
    headers: headersOf(s, box),
    rate_limit: s.rate_limit,
    auth: s.auth ? { type: s.auth.type, username: s.auth.username } : null,
    description: s.description,
    enabled: s.enabled,
    disabled_reason: s.disabled_reason,
    disabled_at: s.disabled_at,
    created_at: s.created_at,
    updated_at: s.updated_at,
    health: health
      ? { circuit: health.circuit, failure_streak: health.failure_streak, last_success_at: health.last_success_at, last_failure_at: health.last_failure_at, last_error: health.last_error }
      : HEALTHY,
  };
}
