import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { EVENT_STATUSES, EventStatus, eventTypeSchema } from '@app/contracts';
import { ConsoleRepository, encodeCursor } from '@app/persistence';
import { SubscriptionIndex } from '@app/subscriptions';
import type { TenantScope } from '../access/tenant-scope';
import { listParam, pageParams } from '../common/query-params';

export interface EventListItem {
  event_id: string;
  tenant_id: string | null;
  type: string;
  status: EventStatus;
  accepted_at: string;
  attempts: number;
  deliveries: { total: number; pending: number; retrying: number; delivered: number; failed: number; skipped: number };
}

export interface EventListQuery {
  status?: string;
  type?: string;
  subscription_id?: string;
  tenant_id?: string;
  since?: string;
  until?: string;
  limit?: string;
  cursor?: string;
}

/** `GET /events`: events newest first, filtered, a page at a time; a tenant key sees only its tenant's. */
@Injectable()
export class EventListService {
  constructor(
    private readonly console: ConsoleRepository,
    private readonly subscriptions: SubscriptionIndex,
  ) {}

  async list(scope: TenantScope, q: EventListQuery): Promise<{ events: EventListItem[]; next_cursor: string | null }> {
    if (q.type !== undefined && !(q.type.endsWith('.*') ? eventTypeSchema.safeParse(q.type.slice(0, -2)).success : eventTypeSchema.safeParse(q.type).success)) {
      throw new BadRequestException('type must be an event type ("order.created") or a prefix ("order.*")');
    }
    if (q.subscription_id !== undefined) {
      const sub = this.subscriptions.get(q.subscription_id);
      // Another tenant's endpoint is a 404, as one that does not exist (a deleted one still has history for admins).
      if ((sub && !scope.sees(sub.tenant_id)) || (!sub && !scope.isAdmin)) throw new NotFoundException(`no subscription with id "${q.subscription_id}"`);
    }
    const page = pageParams(q);
    const { limit } = page;
    const rows = await this.console.listEvents({
      ...page,
      statuses: listParam('status', q.status, EVENT_STATUSES),
      type: q.type ?? null,
      subscriptionId: q.subscription_id ?? null,
      tenantId: scope.readTenant(q.tenant_id),
    });
    const last = rows[rows.length - 1];
    return {
      events: rows.map((e) => ({
        event_id: e.id,
        tenant_id: e.tenantId || null,
        type: e.type,
        status: e.status,
        accepted_at: e.acceptedAt.toISOString(),
        attempts: e.attempts,
        deliveries: { total: e.deliveriesTotal, pending: e.deliveriesPending, retrying: e.deliveriesRetrying, delivered: e.deliveriesDelivered, failed: e.deliveriesFailed, skipped: e.deliveriesSkipped },
      })),
      next_cursor: rows.length === limit && last ? encodeCursor([last.acceptedAt.toISOString(), last.tenantId, last.id]) : null,
    };
  }
}
