import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { AuditSubject } from '../audit/audit-subject.decorator';
import { EventStatusView } from './status.model';
import { StatusService } from './status.service';

@ApiTags('status')
@ApiBearerAuth()
@Controller('webhooks/status')
export class StatusController {
  constructor(private readonly status: StatusService) {}

  @Get()
  @AuditSubject({ event: { query: 'event_id' } })
  @ApiQuery({ name: 'event_id', required: true })
  get(@Query('event_id') eventId?: string): Promise<EventStatusView> {
    if (!eventId) throw new BadRequestException('pass the event id as ?event_id=');
    return this.status.ofEvent(eventId);
  }
}
