import { Injectable, NotFoundException } from '@nestjs/common';
import { StatusRepository } from '@app/persistence';
import type { TenantScope } from '../access/tenant-scope';
import { EventStatusView, toStatusView } from './status.model';

@Injectable()
export class StatusService {
  constructor(private readonly status: StatusRepository) {}

  /** An event's status within the caller's tenant (for an admin: the one named, or outside tenants). */
  async ofEvent(scope: TenantScope, eventId: string, tenantId: string | undefined): Promise<EventStatusView> {
    const tenant = scope.readTenant(tenantId) ?? '';
    const [event, deliveries] = await Promise.all([this.status.findEvent(tenant, eventId), this.status.findDeliveries(tenant, eventId)]);
    if (!event) throw new NotFoundException(`no event with id "${eventId}" (it may take a moment to appear after publishing)`);
    return toStatusView(event, deliveries);
  }
}
