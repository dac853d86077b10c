import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Scope } from '../access/caller.decorator';
import type { TenantScope } from '../access/tenant-scope';
import { AuditSubject } from '../audit/audit-subject.decorator';
import { eventIdParam, tenantIdParam } from '../common/id.pipe';
import { ZodPipe } from '../common/zod.pipe';
import { PublishEventDoc, publishEventSchema } from './dto/publish-event.dto';
import { EventListItem, EventListQuery, EventListService } from './event-list.service';
import { AttemptView, EventsService } from './events.service';

/** Events: admin keys and tenant keys (a tenant key publishes and reads within its tenant). */
@ApiTags('events')
@ApiBearerAuth()
@Controller('events')
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly lists: EventListService,
  ) {}

  @Post()
  @HttpCode(202)
  @AuditSubject({ event: { response: 'id' } })
  @ApiBody({ type: PublishEventDoc })
  publish(@Scope() scope: TenantScope, @Body(new ZodPipe(publishEventSchema)) body: ReturnType<typeof publishEventSchema.parse>): Promise<{ id: string; status_url: string }> {
    return this.events.publish(scope, body);
  }

  @Get()
  @AuditSubject({ subscription: { query: 'subscription_id' }, tenant: { query: 'tenant_id' } })
  @ApiQuery({ name: 'status', required: false, description: 'pending, retrying, delivered, failed, no_subscribers (comma-separated)' })
  @ApiQuery({ name: 'type', required: false, description: 'an event type, or a prefix ("order.*")' })
  @ApiQuery({ name: 'subscription_id', required: false })
  @ApiQuery({ name: 'tenant_id', required: false })
  @ApiQuery({ name: 'since', required: false })
  @ApiQuery({ name: 'until', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-200, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'next_cursor of the previous page' })
  list(@Scope() scope: TenantScope, @Query() q: EventListQuery): Promise<{ events: EventListItem[]; next_cursor: string | null }> {
    return this.lists.list(scope, q);
  }

  @Get(':id/attempts')
  @AuditSubject({ event: { param: 'id' }, tenant: { query: 'tenant_id' } })
  attempts(@Scope() scope: TenantScope, @Param('id', eventIdParam()) id: string, @Query('tenant_id', tenantIdParam()) tenantId?: string): Promise<AttemptView[]> {
    return this.events.attempts(scope, id, tenantId);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @AuditSubject({ event: { param: 'id' }, tenant: { query: 'tenant_id' } })
  retry(@Scope() scope: TenantScope, @Param('id', eventIdParam()) id: string, @Query('tenant_id', tenantIdParam()) tenantId?: string): Promise<{ id: string; retried: number }> {
    return this.events.retryFailed(scope, id, tenantId);
  }
}
