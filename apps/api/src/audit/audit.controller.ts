import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Scope } from '../access/caller.decorator';
import type { TenantScope } from '../access/tenant-scope';
import { AuditPage, AuditService } from './audit.service';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiQuery({ name: 'since', required: false, description: 'ISO-8601; entries at or after it' })
  @ApiQuery({ name: 'limit', required: false, description: '1-1000, default 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'next_cursor of the previous page' })
  @ApiQuery({ name: 'tenant_id', required: false, description: "an admin key's way to read one tenant's entries" })
  list(
    @Scope() scope: TenantScope,
    @Query('since') since?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('tenant_id') tenantId?: string,
  ): Promise<AuditPage> {
    return this.audit.page(scope, since, cursor, limit, tenantId);
  }
}
