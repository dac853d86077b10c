import { Database } from './database';
import { AttemptRow, DeliveryRow, EventRow } from './entities';

/** Reads of one event's status for the API. `tenantId` is '' for events outside tenants. */
export class StatusRepository {
  constructor(private readonly db: Database) {}

  findEvent(tenantId: string, id: string): Promise<EventRow | null> {
    return this.db.current().getRepository(EventRow).findOneBy({ tenantId, id });
  }

  findDeliveries(tenantId: string, eventId: string): Promise<DeliveryRow[]> {
    return this.db.current().getRepository(DeliveryRow).find({ where: { tenantId, eventId }, order: { subscriptionId: 'ASC' } });
  }

  findAttempts(tenantId: string, eventId: string): Promise<AttemptRow[]> {
    return this.db
      .current()
      .getRepository(AttemptRow)
      .find({ where: { tenantId, eventId }, order: { startedAt: 'ASC', subscriptionId: 'ASC', attempt: 'ASC' } });
  }
}
