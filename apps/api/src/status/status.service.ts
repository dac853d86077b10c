import { Injectable, NotFoundException } from '@nestjs/common';
import { StatusRepository } from '@app/persistence';
import { EventStatusView, toStatusView } from './status.model';

@Injectable()
export class StatusService {
  constructor(private readonly status: StatusRepository) {}

  async ofEvent(eventId: string): Promise<EventStatusView> {
    const [event, deliveries] = await Promise.all([this.status.findEvent(eventId), this.status.findDeliveries(eventId)]);
    if (!event) throw new NotFoundException(`no event with id "${eventId}" (it may take a moment to appear after publishing)`);
    return toStatusView(event, deliveries);
  }
}
