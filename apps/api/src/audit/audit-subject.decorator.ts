import { SetMetadata } from '@nestjs/common';

export const AUDIT_SUBJECT = 'hookstream:audit-subject';

/** Where a route's audited subject comes from: a route parameter, a query parameter, or the response body. */
export type SubjectSource = { param: string } | { query: string } | { response: string };

export interface AuditSubjectSpec {
  subscription?: SubjectSource;
  event?: SubjectSource;
  tenant?: SubjectSource;
}

/**
 * Names what a route's audit record is about, e.g. `@AuditSubject({ subscription: { param: 'id' } })`.
 * Parameter and query sources are read before access is decided, so refused calls name their subject too.
 */
export const AuditSubject = (spec: AuditSubjectSpec) => SetMetadata(AUDIT_SUBJECT, spec);
