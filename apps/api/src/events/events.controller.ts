import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import { AuditSubject } from '../audit/audit-subject.decorator';
import { ZodPipe } from '../common/zod.pipe';
import { PublishEventDoc, publishEventSchema } from './dto/publish-event.dto';
import { AttemptView, EventsService } from './events.service';

@ApiTags('events')
@ApiBearerAuth()
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Post()
  @HttpCode(202)
  @AuditSubject({ event: { response: 'id' } })
  @ApiBody({ type: PublishEventDoc })
  publish(@Body(new ZodPipe(publishEventSchema)) body: ReturnType<typeof publishEventSchema.parse>): Promise<{ id: string; status_url: string }> {
    return this.events.publish(body);
  }

  @Get(':id/attempts')
  @AuditSubject({ event: { param: 'id' } })
  attempts(@Param('id') id: string): Promise<AttemptView[]> {
    return this.events.attempts(id);
  }

  @Post(':id/retry')
  @HttpCode(202)
  @AuditSubject({ event: { param: 'id' } })
  retry(@Param('id') id: string): Promise<{ id: string; retried: number }> {
    return this.events.retryFailed(id);
  }
}
