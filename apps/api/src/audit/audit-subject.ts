import type { Request } from 'express';
import type { AuditSubjectIds } from '../access/caller';
import type { AuditSubjectSpec, SubjectSource } from './audit-subject.decorator';

const FIELDS = { subscription: 'subscription_id', event: 'event_id', tenant: 'tenant_id' } as const;

function pick(source: SubjectSource, req: Request | null, body: unknown): string | undefined {
  if ('param' in source) return req ? asId(req.params[source.param]) : undefined;
  if ('query' in source) return req ? asId(req.query[source.query]) : undefined;
  return body !== null && typeof body === 'object' ? asId((body as Record<string, unknown>)[source.response]) : undefined;
}

function asId(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v.slice(0, 256) : undefined;
}

function resolve(spec: AuditSubjectSpec, req: Request | null, body: unknown): Partial<AuditSubjectIds> {
  const out: Partial<AuditSubjectIds> = {};
  for (const [name, field] of Object.entries(FIELDS) as Array<[keyof AuditSubjectSpec, keyof AuditSubjectIds]>) {
    const source = spec[name];
    const value = source ? pick(source, req, body) : undefined;
    if (value !== undefined) out[field] = value;
  }
  return out;
}

/** The subject ids a route's parameters and query name (known before the call is allowed or refused). */
export function subjectFromRequest(spec: AuditSubjectSpec, req: Request): Partial<AuditSubjectIds> {
  return resolve(spec, req, null);
}

/** The subject ids a route's response names (e.g. the id of what it created). */
export function subjectFromResponse(spec: AuditSubjectSpec, body: unknown): Partial<AuditSubjectIds> {
  return resolve(spec, null, body);
}
