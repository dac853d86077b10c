import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Scope } from '../access/caller.decorator';
import type { TenantScope } from '../access/tenant-scope';
import { AuditSubject } from '../audit/audit-subject.decorator';
import { eventIdParam, tenantIdParam } from '../common/id.pipe';
import { EventStatusView } from './status.model';
import { StatusService } from './status.service';

@ApiTags('status')
@ApiBearerAuth()
@Controller('webhooks/status')
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get()
  @AuditSubject({ event: { query: 'event_id' }, tenant: { query: 'tenant_id' } })
  @ApiQuery({ name: 'event_id', required: true })
  @ApiQuery({ name: 'tenant_id', required: false, description: "an admin key's way to name the event's tenant" })
  get(@Scope() scope: TenantScope, @Query('event_id', eventIdParam('event_id', false)) eventId?: string, @Query('tenant_id', tenantIdParam()) tenantId?: string): Promise<EventStatusView> {
    if (!eventId) throw new BadRequestException('pass the event id as ?event_id=');
    return this.status.ofEvent(scope, eventId, tenantId);
  }
}
