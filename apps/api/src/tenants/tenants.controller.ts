import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { AdminOnly } from '../access/access.decorators';
import { AuditSubject } from '../audit/audit-subject.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { CreateKey, CreateKeyDoc, createKeySchema, CreateTenant, CreateTenantDoc, createTenantSchema, UpdateTenant, UpdateTenantDoc, updateTenantSchema } from './dto/tenant.dto';
import { KeyView, TenantPage, TenantsService, TenantView } from './tenants.service';

/** Tenants and their keys: admin keys only. */
@ApiTags('tenants')
@ApiBearerAuth()
@AdminOnly()
@Controller('tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @AuditSubject({ tenant: { response: 'id' } })
  @ApiBody({ type: CreateTenantDoc })
  create(@Body(new ZodPipe(createTenantSchema)) dto: CreateTenant): Promise<TenantView> {
    return this.tenants.create(dto);
  }

  @Get()
  list(@Query('limit') limit?: string, @Query('cursor') cursor?: string): TenantPage {
    return this.tenants.list(limit, cursor);
  }

  @Get(':id')
  @AuditSubject({ tenant: { param: 'id' } })
  get(@Param('id') id: string): TenantView {
    return this.tenants.get(id);
  }

  @Patch(':id')
  @AuditSubject({ tenant: { param: 'id' } })
  @ApiBody({ type: UpdateTenantDoc })
  update(@Param('id') id: string, @Body(new ZodPipe(updateTenantSchema)) dto: UpdateTenant): Promise<TenantView> {
    return this.tenants.update(id, dto);
  }

  /** Deletes the tenant's subscriptions and revokes its keys; its history stays readable to admin keys. */
  @Delete(':id')
  @HttpCode(204)
  @AuditSubject({ tenant: { param: 'id' } })
  remove(@Param('id') id: string): Promise<void> {
    return this.tenants.remove(id);
  }

  @Post(':id/keys')
  @AuditSubject({ tenant: { param: 'id' } })
  @ApiBody({ type: CreateKeyDoc })
  createKey(@Param('id') id: string, @Body(new ZodPipe(createKeySchema)) dto: CreateKey): Promise<KeyView & { key: string }> {
    return this.tenants.createKey(id, dto);
  }

  @Get(':id/keys')
  @AuditSubject({ tenant: { param: 'id' } })
  keys(@Param('id') id: string): Promise<{ keys: KeyView[] }> {
    return this.tenants.keys(id);
  }

  @Delete(':id/keys/:keyId')
  @HttpCode(204)
  @AuditSubject({ tenant: { param: 'id' } })
  revoke(@Param('id') id: string, @Param('keyId') keyId: string): Promise<void> {
    return this.tenants.revoke(id, keyId);
  }
}
