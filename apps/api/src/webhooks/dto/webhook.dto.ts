import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import { tenantIdSchema } from '@app/contracts';
import { SECRET_PATTERN } from '@app/delivery';
import { EVENT_FILTER_PATTERN, filterProblems } from '@app/subscriptions';
import { customHeadersSchema } from './headers';

export const MAX_URL_LENGTH = 2048;
export const MAX_EVENT_FILTERS = 100;

const basicAuth = z.strictObject({
  type: z.literal('basic', { message: 'auth.type must be "basic"' }),
  username: z.string().min(1, 'auth.username must not be empty').max(256),
  password: z.string().min(1, 'auth.password must not be empty').max(1024),
});

const events = z
  .array(
    z
      .string()
      .max(128)
      .regex(EVENT_FILTER_PATTERN, 'each event filter is a type ("order.created"), "*" or a prefix ("order.*")'),
  )
  .min(1, 'events must list at least one event type (or "*")')
  .max(MAX_EVENT_FILTERS, `events may list at most ${MAX_EVENT_FILTERS} filters`);

/** A payload filter; every problem is a 400 naming its part. */
const payloadFilter = z.record(z.string(), z.unknown()).superRefine((f, ctx) => {
  for (const message of filterProblems(f)) ctx.addIssue({ code: 'custom', message });
});

const rateLimit = z.number().positive('rate_limit must be more than 0 deliveries per second').max(10000, 'rate_limit may be at most 10000 per second');

export const createWebhookSchema = z.strictObject({
  url: z.string().min(1, 'url is required').max(MAX_URL_LENGTH, `url may be at most ${MAX_URL_LENGTH} characters`),
  events,
  auth: basicAuth.optional(),
  secret: z.string().regex(SECRET_PATTERN, 'secret must be "whsec_" followed by at least 24 bytes of base64').optional(),
  description: z.string().max(500).optional(),
  tenant_id: tenantIdSchema.optional(),
  filter: payloadFilter.nullable().optional(),
  headers: customHeadersSchema.optional(),
  rate_limit: rateLimit.nullable().optional(),
});
export type CreateWebhook = z.infer<typeof createWebhookSchema>;

export const updateWebhookSchema = z.strictObject({
  url: createWebhookSchema.shape.url.optional(),
  events: events.optional(),
  auth: basicAuth.nullable().optional(),
  description: z.string().max(500).nullable().optional(),
  enabled: z.boolean().optional(),
  filter: payloadFilter.nullable().optional(),
  headers: customHeadersSchema.optional(),
  rate_limit: rateLimit.nullable().optional(),
});
export type UpdateWebhook = z.infer<typeof updateWebhookSchema>;

class BasicAuthDoc {
  @ApiProperty({ enum: ['basic'] }) type!: 'basic';
  @ApiProperty() username!: string;
  @ApiProperty({ writeOnly: true }) password!: string;
}

export class CreateWebhookDoc {
  @ApiProperty({ example: 'https://example.com/hooks', description: 'absolute https:// URL without credentials' }) url!: string;
  @ApiProperty({ example: ['order.*'], description: 'event types; "*" for all, "prefix.*" for a family' }) events!: string[];
  @ApiPropertyOptional({ type: BasicAuthDoc }) auth?: BasicAuthDoc;
  @ApiPropertyOptional({ description: 'whsec_… signing secret; generated when absent' }) secret?: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional({ description: 'the tenant the endpoint belongs to (implied for tenant keys)' }) tenant_id?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { 'data.amount': { gte: 100 } } }) filter?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, description: 'custom request headers (at most 20)' }) headers?: Record<string, string>;
  @ApiPropertyOptional({ description: 'deliveries per second at most' }) rate_limit?: number;
}

export class UpdateWebhookDoc {
  @ApiPropertyOptional() url?: string;
  @ApiPropertyOptional() events?: string[];
  @ApiPropertyOptional({ type: BasicAuthDoc, nullable: true }) auth?: BasicAuthDoc | null;
  @ApiPropertyOptional({ nullable: true }) description?: string | null;
  @ApiPropertyOptional() enabled?: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) filter?: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' } }) headers?: Record<string, string>;
  @ApiPropertyOptional({ nullable: true }) rate_limit?: number | null;
}

export const recoverSchema = z.strictObject({
  since: z.iso.datetime({ offset: true, message: 'since must be an ISO-8601 date-time' }),
  until: z.iso.datetime({ offset: true, message: 'until must be an ISO-8601 date-time' }).optional(),
});
export type Recover = z.infer<typeof recoverSchema>;

export class RecoverDoc {
  @ApiProperty({ description: 'ISO-8601; deliveries that ended failed or skipped at or after it' }) since!: string;
  @ApiPropertyOptional({ description: 'ISO-8601; before it (default: now)' }) until?: string;
}
