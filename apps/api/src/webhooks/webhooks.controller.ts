import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { AuditSubject } from '../audit/audit-subject.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { CreateWebhook, CreateWebhookDoc, createWebhookSchema, UpdateWebhook, UpdateWebhookDoc, updateWebhookSchema } from './dto/webhook.dto';
import { SubscriptionView } from './subscription.view';
import { WebhooksService } from './webhooks.service';

@ApiTags('subscriptions')
@ApiBearerAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @AuditSubject({ subscription: { response: 'id' } })
  @ApiBody({ type: CreateWebhookDoc })
  create(@Body(new ZodPipe(createWebhookSchema)) dto: CreateWebhook): Promise<SubscriptionView> {
    return this.webhooks.create(dto);
  }

  @Get()
  list(): SubscriptionView[] {
    return this.webhooks.list();
  }

  @Get(':id')
  @AuditSubject({ subscription: { param: 'id' } })
  get(@Param('id') id: string): SubscriptionView {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @AuditSubject({ subscription: { param: 'id' } })
  @ApiBody({ type: UpdateWebhookDoc })
  update(@Param('id') id: string, @Body(new ZodPipe(updateWebhookSchema)) dto: UpdateWebhook): Promise<SubscriptionView> {
    return this.webhooks.update(id, dto);
  }

  @Post(':id/secret/rotate')
  @AuditSubject({ subscription: { param: 'id' } })
  @HttpCode(200)
  rotate(@Param('id') id: string): Promise<{ id: string; secret: string; previous_secret_expires_at: string }> {
    return this.webhooks.rotateSecret(id);
  }

  @Delete(':id')
  @AuditSubject({ subscription: { param: 'id' } })
  @HttpCode(204)
  remove(@Param('id') id: string): Promise<void> {
    return this.webhooks.remove(id);
  }
}
