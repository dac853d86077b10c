import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import { SECRET_PATTERN } from '@app/delivery';
import { EVENT_FILTER_PATTERN } from '@app/subscriptions';

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

export const createWebhookSchema = z.strictObject({
  url: z.string().min(1, 'url is required').max(MAX_URL_LENGTH, `url may be at most ${MAX_URL_LENGTH} characters`),
  events,
  auth: basicAuth.optional(),
  secret: z.string().regex(SECRET_PATTERN, 'secret must be "whsec_" followed by at least 24 bytes of base64').optional(),
  description: z.string().max(500).optional(),
});
export type CreateWebhook = z.infer<typeof createWebhookSchema>;

export const updateWebhookSchema = z.strictObject({
  url: createWebhookSchema.shape.url.optional(),
  events: events.optional(),
  auth: basicAuth.nullable().optional(),
  description: z.string().max(500).nullable().optional(),
  enabled: z.boolean().optional(),
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
}

export class UpdateWebhookDoc {
  @ApiPropertyOptional() url?: string;
  @ApiPropertyOptional() events?: string[];
  @ApiPropertyOptional({ type: BasicAuthDoc, nullable: true }) auth?: BasicAuthDoc | null;
  @ApiPropertyOptional({ nullable: true }) description?: string | null;
  @ApiPropertyOptional() enabled?: boolean;
}
