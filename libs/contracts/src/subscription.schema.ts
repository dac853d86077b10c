import { z } from 'zod';
import { iso, record, recordTenant } from './record-envelope';

/** Why an endpoint stopped receiving: by an operator, or by hookstream (410 Gone, failing too long). */
export const disabledReasonSchema = z.string().max(500).nullable().default(null);

/**
 * `<prefix>.subscriptions` (compacted; key = id; a null value deletes). Secrets, passwords and custom header
 * values are sealed (AES-256-GCM), never plain. Fields after `updated_at` were added later and default
 * for older records.
 */
export const subscriptionRecordSchema = record('subscription', {
  id: z.string().min(1),
  url: z.string().url(),
  events: z.array(z.string().min(1)).min(1),
  auth: z.object({ type: z.literal('basic'), username: z.string(), password_sealed: z.string() }).nullable(),
  secret_sealed: z.string(),
  /** Secrets replaced by a rotation, still signing beside the current one until they expire. */
  previous_secrets: z.array(z.object({ secret_sealed: z.string(), expires_at: iso })).default([]),
  description: z.string().nullable(),
  enabled: z.boolean(),
  created_at: iso,
  updated_at: iso,
  tenant_id: recordTenant,
  /** Payload filter: path → condition, all must hold (see libs/subscriptions payload-filter). */
  filter: z.record(z.string(), z.unknown()).nullable().default(null),
  /** Custom request headers: name → sealed value. */
  headers_sealed: z.record(z.string(), z.string()).default({}),
  /** Deliveries per second at most; null: no limit. */
  rate_limit: z.number().positive().nullable().default(null),
  disabled_reason: disabledReasonSchema,
  disabled_at: iso.nullable().default(null),
});
export type SubscriptionRecord = z.infer<typeof subscriptionRecordSchema>;

/** `<prefix>.endpoint-health` (compacted; key = subscription id): what a dispatcher knows of an endpoint. */
export const endpointHealthRecordSchema = record('endpoint-health', {
  subscription_id: z.string(),
  circuit: z.enum(['closed', 'open', 'half_open']),
  failure_streak: z.number().int().min(0),
  /** Start of the current run of nothing but failures; null while the last attempt succeeded. */
  failing_since: iso.nullable(),
  last_success_at: iso.nullable(),
  last_failure_at: iso.nullable(),
  last_error: z.string().nullable(),
  /** When an open circuit lets its next probe through. */
  open_until: iso.nullable(),
  at: iso,
});
export type EndpointHealthRecord = z.infer<typeof endpointHealthRecordSchema>;
