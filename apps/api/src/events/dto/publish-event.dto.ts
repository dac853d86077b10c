import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { producerEventSchema, RESERVED_TYPE_PREFIX } from '@app/contracts';

/** The body of POST /events: the producer record without a required id (one is generated when absent). */
export const publishEventSchema = producerEventSchema
  .partial({ id: true })
  .refine((e) => !e.type.startsWith(RESERVED_TYPE_PREFIX), { message: `types starting "${RESERVED_TYPE_PREFIX}" are hookstream's own`, path: ['type'] });

export class PublishEventDoc {
  @ApiPropertyOptional({ description: 'idempotency key (per tenant); generated (evt_…) when absent', example: 'evt_order_1001' }) id?: string;
  @ApiProperty({ example: 'order.created' }) type!: string;
  @ApiProperty({ example: { order_id: 1001 }, type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'ISO-8601; defaults to the time of acceptance' }) timestamp?: string;
  @ApiPropertyOptional({ description: "the tenant whose endpoints get it (implied for tenant keys); without one, endpoints without a tenant" }) tenant_id?: string;
}
