import type { Response } from 'express';

/** Who made a call: the key (by id, never its value), what it may do, and from which address. */
export interface Caller {
  keyId: string;
  role: 'admin' | 'tenant';
  /** The tenant a tenant key acts for; null for admin keys. */
  tenantId: string | null;
  ip: string;
}

/** What the audit record of a call names as its subject. */
export interface AuditSubjectIds {
  subscription_id: string | null;
  event_id: string | null;
  tenant_id: string | null;
}

/** Per-request state shared by the access guard, the audit interceptor and the audit trail. */
export interface CallContext {
  caller: Caller | null;
  subject: AuditSubjectIds;
  /** A public route (health, the dashboard's files): not audited, it names no one and changes nothing. */
  isPublic: boolean;
}

/** The call context of a response, created on first use. */
export function callContext(res: Response): CallContext {
  const locals = res.locals as { hookstream?: CallContext };
  locals.hookstream ??= { caller: null, subject: { subscription_id: null, event_id: null, tenant_id: null }, isPublic: false };
  return locals.hookstream;
}
