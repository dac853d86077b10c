import { z } from 'zod';
import { eventIdSchema, eventTypeSchema, webhookEventSchema } from './event.schema';
import { iso, record, recordTenant } from './record-envelope';
import { ATTEMPT_OUTCOMES } from './status';

/*
 * The records of the delivery pipeline. Every record about an event is keyed by the event id, so all of
 * them land on the partition of the event. Fields marked "added later" default for older records.
 */

/** `<prefix>.dispatch`: which subscriptions an accepted event fans out to (and which it skipped). */
export const dispatchRecordSchema = record('dispatch', {
  event_id: eventIdSchema,
  event_type: eventTypeSchema,
  source: z.object({ partition: z.number().int(), offset: z.string() }),
  subscriptions: z.array(z.object({ id: z.string(), url: z.string() })),
  at: iso,
  /** Added later. */
  tenant_id: recordTenant,
  /** Added later: matching subscriptions that were disabled; their deliveries are `skipped`. */
  skipped: z.array(z.object({ id: z.string(), url: z.string(), reason: z.string() })).default([]),
  /** Added later: when the event was accepted (Kafka's timestamp of its record). */
  accepted_at: iso.nullable().default(null),
});
export type DispatchRecord = z.infer<typeof dispatchRecordSchema>;

export const attemptOutcomeSchema = z.enum(ATTEMPT_OUTCOMES);

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
  /** Added later. */
  tenant_id: recordTenant,
  /** Added later: for a first attempt, from the event's acceptance to the attempt's end. */
  latency_ms: z.number().int().min(0).nullable().default(null),
});
export type AttemptRecord = z.infer<typeof attemptRecordSchema>;

export const DEFERRAL_REASONS = ['in_flight_cap', 'circuit_open', 'rate_limit'] as const;
export type DeferralReason = (typeof DEFERRAL_REASONS)[number];

/**
 * `<prefix>.attempts` too: a delivery put off without a request (its endpoint at its in-flight cap, its
 * circuit open, or over its rate limit). It spends no attempt; `attempt` is the one it will be.
 */
export const deferralRecordSchema = record('deferral', {
  event_id: eventIdSchema,
  event_type: eventTypeSchema,
  subscription_id: z.string(),
  url: z.string(),
  attempt: z.number().int().min(1),
  reason: z.enum(DEFERRAL_REASONS),
  at: iso,
  next_attempt_at: iso,
  tenant_id: recordTenant,
});
export type DeferralRecord = z.infer<typeof deferralRecordSchema>;

/** What the attempts topic carries. */
export const attemptsTopicRecordSchema = z.discriminatedUnion('kind', [attemptRecordSchema, deferralRecordSchema]);

/** Retry tiers and `<prefix>.deliveries`: one delivery of one event to one subscription, due at `due_at`. */
export const deliveryTaskSchema = record('delivery', {
  event: webhookEventSchema,
  subscription_id: z.string(),
  attempt: z.number().int().min(1),
  due_at: iso,
  /** Attempt number at which this retry sequence ends (first attempt + RETRY_MAX). */
  last_attempt: z.number().int().min(1),
  /** Added later: past this a deferred delivery is not put off again; it ends `failed`. */
  deadline_at: iso.nullable().default(null),
  /** Added later: why this attempt was put off last (a rate-limit deferral comes back at its reserved slot). */
  deferred_for: z.enum(DEFERRAL_REASONS).nullable().default(null),
  /** Added later: when the event was accepted (Kafka's timestamp of its record), for first-attempt latency. */
  accepted_at: iso.nullable().default(null),
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
