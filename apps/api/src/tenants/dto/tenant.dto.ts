import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { z } from 'zod';
import { tenantIdSchema } from '@app/contracts';

const metadata = z
  .record(z.string().max(64), z.unknown())
  .refine((m) => Object.keys(m).length <= 50 && JSON.stringify(m).length <= 8192, 'metadata may hold at most 50 keys and 8 KiB');

export const createTenantSchema = z.strictObject({
  id: tenantIdSchema.optional(),
  name: z.string().min(1, 'name must not be empty').max(200),
  metadata: metadata.optional(),
});
export type CreateTenant = z.infer<typeof createTenantSchema>;

export const updateTenantSchema = z.strictObject({ name: createTenantSchema.shape.name.optional(), metadata: metadata.optional() });
export type UpdateTenant = z.infer<typeof updateTenantSchema>;

export const createKeySchema = z.strictObject({ description: z.string().max(500).optional() });
export type CreateKey = z.infer<typeof createKeySchema>;

export class CreateTenantDoc {
  @ApiPropertyOptional({ description: '1-64 letters, digits, "_" or "-"; generated (ten_…) when absent' }) id?: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) metadata?: Record<string, unknown>;
}

export class UpdateTenantDoc {
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) metadata?: Record<string, unknown>;
}

export class CreateKeyDoc {
  @ApiPropertyOptional() description?: string;
}
