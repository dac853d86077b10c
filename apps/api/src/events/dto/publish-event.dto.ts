import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { producerEventSchema } from '@app/contracts';

/** The body of POST /events: the producer record without a required id (one is generated when absent). */
export const publishEventSchema = producerEventSchema.partial({ id: true });

export class PublishEventDoc {
  @ApiPropertyOptional({ description: 'idempotency key; generated (evt_…) when absent', example: 'evt_order_1001' }) id?: string;
  @ApiProperty({ example: 'order.created' }) type!: string;
  @ApiProperty({ example: { order_id: 1001 }, type: 'object', additionalProperties: true }) data!: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'ISO-8601; defaults to the time of acceptance' }) timestamp?: string;
}
