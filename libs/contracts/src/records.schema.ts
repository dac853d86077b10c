import { z } from 'zod';
import { eventIdSchema, eventTypeSchema, webhookEventSchema } from './event.schema';
import { ATTEMPT_OUTCOMES } from './status';

/** Envelope fields every internal record carries: its kind and schema version. */
const record = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) =>
  z.object({ kind: z.literal(kind), version: z.literal(1), ...shape });

const iso = z.iso.datetime({ offset: true });

/** `<prefix>.subscriptions` (compacted). Secrets and passwords are sealed (AES-256-GCM), never plain. */
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
});
export type SubscriptionRecord = z.infer<typeof subscriptionRecordSchema>;

/** `<prefix>.dispatch`: which subscriptions an accepted event fans out to. */
export const dispatchRecordSchema = record('dispatch', {
  event_id: eventIdSchema,
  event_type: eventTypeSchema,
  source: z.object({ partition: z.number().int(), offset: z.string() }),
  subscriptions: z.array(z.object({ id: z.string(), url: z.string() })),
  at: iso,
});
export type DispatchRecord = z.infer<typeof dispatchRecordSchema>;

export const attemptOutcomeSchema = z.enum(ATTEMPT_OUTCOMES);
export type AttemptOutcome = z.infer<typeof attemptOutcomeSchema>;

/** `<prefix>.attempts`: one per HTTP try (or per try that could not be made). */
export const attemptRecordSchema = record('attempt', {
  event_id: eventIdSchema,
  event_type: eventTypeSchema,
  subscription_id: z.string(),
  url: z.string(),
  attempt: z.number().int().min(1),
  started_at: iso,
  duration_ms: z.number().int().min(0),
  status_code: z.number().int().nullable(),
  error: z.string().nullable(),
  outcome: attemptOutcomeSchema,
  /** Set when another attempt is scheduled. */
  next_attempt_at: iso.nullable(),
});
export type AttemptRecord = z.infer<typeof attemptRecordSchema>;

/** Retry tiers and `<prefix>.deliveries`: one delivery of one event to one subscription, due at `due_at`. */
export const deliveryTaskSchema = record('delivery', {
  event: webhookEventSchema,
  subscription_id: z.string(),
  attempt: z.number().int().min(1),
  due_at: iso,
  /** Attempt number at which this retry sequence ends (first attempt + RETRY_MAX). */
  last_attempt: z.number().int().min(1),
});
export type DeliveryTask = z.infer<typeof deliveryTaskSchema>;

/** `<prefix>.events.invalid`. */
export const invalidEventRecordSchema = record('invalid-event', {
  reason: z.string(),
  source: z.object({ topic: z.string(), partition: z.number().int(), offset: z.string() }),
  key: z.string().nullable(),
  /** The refused value as text, cut to its first 16 KiB. */
  value: z.string().nullable(),
  value_truncated: z.boolean().default(false),
  at: iso,
});
export type InvalidEventRecord = z.infer<typeof invalidEventRecordSchema>;

/** `<prefix>.audit`: one per API call. The key id names the caller; the key itself never appears. */
export const auditRecordSchema = record('audit', {
  at: iso,
  key_id: z.string().nullable(),
  client_ip: z.string(),
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  duration_ms: z.number().int().min(0),
  subscription_id: z.string().nullable(),
  event_id: z.string().nullable(),
  /** The tenant the call concerned (the caller's, or the one it named); null for calls outside tenants. */
  tenant_id: z.string().nullable().default(null),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

/** `<prefix>.dead-letter`. */
export const deadLetterRecordSchema = record('dead-letter', {
  event: webhookEventSchema,
  subscription_id: z.string(),
  attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  at: iso,
});
export type DeadLetterRecord = z.infer<typeof deadLetterRecordSchema>;

export { eventTypeSchema };
