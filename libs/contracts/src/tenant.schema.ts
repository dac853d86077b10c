import { z } from 'zod';
import { iso, record, tenantIdSchema } from './record-envelope';

/** `<prefix>.tenants` (compacted; key = tenant id; a null value deletes). */
export const tenantRecordSchema = record('tenant', {
  id: tenantIdSchema,
  name: z.string().min(1).max(200),
  metadata: z.record(z.string(), z.unknown()).default({}),
  created_at: iso,
  updated_at: iso,
});
export type TenantRecord = z.infer<typeof tenantRecordSchema>;

/** `<prefix>.tenant-keys` (compacted; key = key id; a null value revokes). Only the key's SHA-256 is kept. */
export const tenantKeyRecordSchema = record('tenant-key', {
  id: z.string().min(1),
  tenant_id: tenantIdSchema,
  key_sha256: z.string().regex(/^[0-9a-f]{64}$/),
  description: z.string().max(500).nullable(),
  created_at: iso,
});
export type TenantKeyRecord = z.infer<typeof tenantKeyRecordSchema>;
