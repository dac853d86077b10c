import type { SubscriptionRecord } from '@app/contracts';

/** A subscription as the API shows it: never the password, and the secret only when just created. */
export interface SubscriptionView {
  id: string;
  url: string;
  events: string[];
  auth: { type: 'basic'; username: string } | null;
  description: string | null;
  enabled: boolean;
  created_at: string;
  updated_at: string;
  secret?: string;
}

export function toView(s: SubscriptionRecord): SubscriptionView {
  return {
    id: s.id,
    url: s.url,
    events: s.events,
    auth: s.auth ? { type: s.auth.type, username: s.auth.username } : null,
    description: s.description,
    enabled: s.enabled,
    created_at: s.created_at,
    updated_at: s.updated_at,
  };
}
