import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Scope } from '../access/caller.decorator';
import type { TenantScope } from '../access/tenant-scope';
import { AuditSubject } from '../audit/audit-subject.decorator';
import { StatsAnswer, StatsService } from './stats.service';

@ApiTags('operations')
@ApiBearerAuth()
@Controller('stats')
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  /** Per time bucket: deliveries delivered and failed, attempts, retries, deferrals, first-attempt latency; per endpoint: success rate, last error. */
  @Get()
  @AuditSubject({ subscription: { query: 'subscription_id' }, tenant: { query: 'tenant_id' } })
  @ApiQuery({ name: 'since', required: false, description: 'ISO-8601; default an hour before until' })
  @ApiQuery({ name: 'until', required: false, description: 'ISO-8601; default now' })
  @ApiQuery({ name: 'bucket', required: false, description: '1m, 5m, 15m, 1h or 1d; default from the window' })
  @ApiQuery({ name: 'subscription_id', required: false })
  @ApiQuery({ name: 'tenant_id', required: false })
  get(@Scope() scope: TenantScope, @Query() q: { since?: string; until?: string; bucket?: string; subscription_id?: string; tenant_id?: string }): Promise<StatsAnswer> {
    return this.stats.of(scope, q);
  }
}
