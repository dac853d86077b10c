import { z } from 'zod';

/** Envelope fields every internal record carries: its kind and schema version. */
export const record = <K extends string, S extends z.ZodRawShape>(kind: K, shape: S) => z.object({ kind: z.literal(kind), version: z.literal(1), ...shape });

export const iso = z.iso.datetime({ offset: true });

/** A tenant id: 1-64 letters, digits, "_" and "-". */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const tenantIdSchema = z.string().regex(TENANT_ID_PATTERN, 'tenant_id must be 1-64 letters, digits, "_" or "-"');

/** The tenant of a record: null for everything outside tenants (older records carry none). */
export const recordTenant = tenantIdSchema.nullable().default(null);
