import { BadRequestException, Injectable } from '@nestjs/common';
import { AuditRepository, AuditRow } from '@app/persistence';
import type { TenantScope } from '../access/tenant-scope';

export interface AuditPage {
  entries: Array<{
    id: string;
    at: string;
    kind: AuditRow['kind'];
    key_id: string | null;
    client_ip: string | null;
    method: string | null;
    path: string | null;
    status: number | null;
    subscription_id: string | null;
    event_id: string | null;
    tenant_id: string | null;
    detail: Record<string, unknown> | null;
  }>;
  /** Pass as `cursor` for the next page; null on the last page. */
  next_cursor: string | null;
}

export const MAX_AUDIT_PAGE = 1000;

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  /** The audit log oldest first; a tenant key reads only its tenant's entries. */
  async page(scope: TenantScope, since: string | undefined, cursor: string | undefined, limitText: string | undefined, tenantId: string | undefined): Promise<AuditPage> {
    const sinceAt = since === undefined ? null : new Date(since);
    if (sinceAt && Number.isNaN(sinceAt.getTime())) throw new BadRequestException('since must be an ISO-8601 date-time');
    if (cursor !== undefined && !/^\d{1,19}$/.test(cursor)) throw new BadRequestException('cursor must be the next_cursor of a previous page');
    const limit = limitText === undefined ? 100 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_AUDIT_PAGE) throw new BadRequestException(`limit must be a whole number from 1 to ${MAX_AUDIT_PAGE}`);
    const rows = await this.audit.page(sinceAt, cursor ?? null, limit, scope.readTenant(tenantId));
    return {
      entries: rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        kind: r.kind,
        key_id: r.keyId,
        client_ip: r.clientIp,
        method: r.method,
        path: r.path,
        status: r.status,
        subscription_id: r.subscriptionId,
        event_id: r.eventId,
        tenant_id: r.tenantId,
        detail: r.detail,
      })),
      next_cursor: rows.length === limit ? rows[rows.length - 1]!.id : null,
    };
  }
}
