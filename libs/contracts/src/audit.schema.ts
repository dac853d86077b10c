import { z } from 'zod';
import { iso, record, recordTenant } from './record-envelope';

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
  tenant_id: recordTenant,
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

/** `<prefix>.audit` too: hookstream disabled an endpoint by itself (410 Gone, or failing for too long). */
export const endpointDisabledRecordSchema = record('endpoint-disabled', {
  at: iso,
  subscription_id: z.string(),
  url: z.string(),
  reason: z.string(),
  tenant_id: recordTenant,
});
export type EndpointDisabledRecord = z.infer<typeof endpointDisabledRecordSchema>;

export const auditTopicRecordSchema = z.discriminatedUnion('kind', [auditRecordSchema, endpointDisabledRecordSchema]);
