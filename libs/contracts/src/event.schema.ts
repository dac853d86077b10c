import { z } from 'zod';
import { tenantIdSchema } from './record-envelope';

export const EVENT_ID_PATTERN = /^[A-Za-z0-9._:~-]{1,128}$/;
export const EVENT_TYPE_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
export const MAX_EVENT_TYPE_LENGTH = 128;
export const MAX_JSON_DEPTH = 32;

function depth(value: unknown, level = 0): number {
  if (level > MAX_JSON_DEPTH) return level;
  if (Array.isArray(value)) return Math.max(level, ...value.map((v) => depth(v, level + 1)));
  if (value !== null && typeof value === 'object') {
    return Math.max(level, ...Object.values(value).map((v) => depth(v, level + 1)));
  }
  return level;
}

export const eventIdSchema = z
  .string()
  .regex(EVENT_ID_PATTERN, 'id must be 1-128 characters of letters, digits and . _ : ~ -');

export const eventTypeSchema = z
  .string()
  .max(MAX_EVENT_TYPE_LENGTH, `type must be at most ${MAX_EVENT_TYPE_LENGTH} characters`)
  .regex(EVENT_TYPE_PATTERN, 'type must be dot-separated words of letters, digits, "_" and "-", e.g. "order.created"');

export const eventDataSchema = z
  .record(z.string(), z.unknown(), { message: 'data must be a JSON object' })
  .refine((d) => depth(d) <= MAX_JSON_DEPTH, `data may nest at most ${MAX_JSON_DEPTH} levels deep`);

/**
 * The public record on `<prefix>.events`, written by `POST /events` or by producers straight to Kafka.
 * Key = id. Unknown fields are refused so a typo never silently drops data.
 */
export const producerEventSchema = z.strictObject({
  id: eventIdSchema,
  type: eventTypeSchema,
  data: eventDataSchema,
  timestamp: z.iso.datetime({ offset: true, message: 'timestamp must be an ISO-8601 date-time' }).optional(),
  /** The tenant whose subscriptions the event is for; absent: subscriptions without a tenant. */
  tenant_id: tenantIdSchema.optional(),
});
export type ProducerEvent = z.infer<typeof producerEventSchema>;

/** An event as hookstream carries it after acceptance: the timestamp is always known. */
export const webhookEventSchema = z.strictObject({
  id: eventIdSchema,
  type: eventTypeSchema,
  timestamp: z.iso.datetime({ offset: true }),
  data: eventDataSchema,
  tenant_id: tenantIdSchema.nullable().default(null),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

/**
 * Event types of the `hookstream.` family are hookstream's own: producers may not publish them through the
 * API. A `hookstream.test` event (POST /webhooks/:id/test) reaches only the subscription its data names.
 */
export const RESERVED_TYPE_PREFIX = 'hookstream.';
export const TEST_EVENT_TYPE = 'hookstream.test';
