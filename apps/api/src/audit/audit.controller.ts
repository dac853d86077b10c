import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
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
  list(@Query('since') since?: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string): Promise<AuditPage> {
    return this.audit.page(since, cursor, limit);
  }
}
