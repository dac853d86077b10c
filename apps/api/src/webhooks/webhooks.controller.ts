import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Scope } from '../access/caller.decorator';
import type { TenantScope } from '../access/tenant-scope';
import { AuditSubject } from '../audit/audit-subject.decorator';
import { ZodPipe } from '../common/zod.pipe';
import {
  CreateWebhook,
  CreateWebhookDoc,
  createWebhookSchema,
  Recover,
  RecoverDoc,
  recoverSchema,
  UpdateWebhook,
  UpdateWebhookDoc,
  updateWebhookSchema,
} from './dto/webhook.dto';
import { DeliveryListItem, EndpointActionsService } from './endpoint-actions.service';
import { SubscriptionView } from './subscription.view';
import { WebhooksService } from './webhooks.service';

/** Subscriptions (endpoints): admin keys and tenant keys, a tenant key seeing only its tenant's. */
@ApiTags('subscriptions')
@ApiBearerAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly actions: EndpointActionsService,
  ) {}

  @Post()
  @AuditSubject({ subscription: { response: 'id' }, tenant: { response: 'tenant_id' } })
  @ApiBody({ type: CreateWebhookDoc })
  create(@Scope() scope: TenantScope, @Body(new ZodPipe(createWebhookSchema)) dto: CreateWebhook): Promise<SubscriptionView> {
    return this.webhooks.create(scope, dto);
  }

  @Get()
  @ApiQuery({ name: 'tenant_id', required: false })
  list(@Scope() scope: TenantScope, @Query('tenant_id') tenantId?: string): SubscriptionView[] {
    return this.webhooks.list(scope, tenantId);
  }

  @Get(':id')
  @AuditSubject({ subscription: { param: 'id' } })
  get(@Scope() scope: TenantScope, @Param('id') id: string): SubscriptionView {
    return this.webhooks.get(scope, id);
  }

  @Patch(':id')
  @AuditSubject({ subscription: { param: 'id' } })
  @ApiBody({ type: UpdateWebhookDoc })
  update(@Scope() scope: TenantScope, @Param('id') id: string, @Body(new ZodPipe(updateWebhookSchema)) dto: UpdateWebhook): Promise<SubscriptionView> {
    return this.webhooks.update(scope, id, dto);
  }

  @Post(':id/secret/rotate')
  @HttpCode(200)
  @AuditSubject({ subscription: { param: 'id' } })
  rotate(@Scope() scope: TenantScope, @Param('id') id: string): Promise<{ id: string; secret: string; previous_secret_expires_at: string }> {
    return this.webhooks.rotateSecret(scope, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @AuditSubject({ subscription: { param: 'id' } })
  remove(@Scope() scope: TenantScope, @Param('id') id: string): Promise<void> {
    return this.webhooks.remove(scope, id);
  }

  /** Sends again every delivery of this endpoint that ended failed or skipped in the window. */
  @Post(':id/recover')
  @HttpCode(202)
  @AuditSubject({ subscription: { param: 'id' } })
  @ApiBody({ type: RecoverDoc })
  recover(@Scope() scope: TenantScope, @Param('id') id: string, @Body(new ZodPipe(recoverSchema)) dto: Recover): Promise<{ count: number }> {
    return this.actions.recover(scope, id, dto);
  }

  /** Publishes a test event (hookstream.test) that reaches this endpoint only. */
  @Post(':id/test')
  @HttpCode(202)
  @AuditSubject({ subscription: { param: 'id' }, event: { response: 'event_id' } })
  test(@Scope() scope: TenantScope, @Param('id') id: string): Promise<{ event_id: string; status_url: string }> {
    return this.actions.test(scope, id);
  }

  @Get(':id/deliveries')
  @AuditSubject({ subscription: { param: 'id' } })
  @ApiQuery({ name: 'status', required: false, description: 'pending, retrying, delivered, failed, skipped (comma-separated)' })
  @ApiQuery({ name: 'since', required: false })
  @ApiQuery({ name: 'until', required: false })
  @ApiQuery({ name: 'limit', required: false })
  @ApiQuery({ name: 'cursor', required: false })
  deliveries(
    @Scope() scope: TenantScope,
    @Param('id') id: string,
    @Query() q: { status?: string; since?: string; until?: string; limit?: string; cursor?: string },
  ): Promise<{ deliveries: DeliveryListItem[]; next_cursor: string | null }> {
    return this.actions.deliveries(scope, id, q);
  }
}
