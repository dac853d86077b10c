import { Database } from './database';
import { AttemptRow, DeliveryRow, EventRow } from './entities';

/** Reads of the status read model for the API. */
export class StatusRepository {
  constructor(private readonly db: Database) {}

  findEvent(id: string): Promise<EventRow | null> {
    return this.db.current().getRepository(EventRow).findOneBy({ id });
  }

  findDeliveries(eventId: string): Promise<DeliveryRow[]> {
    return this.db.current().getRepository(DeliveryRow).find({ where: { eventId }, order: { subscriptionId: 'ASC' } });
  }

  findAttempts(eventId: string): Promise<AttemptRow[]> {
    return this.db.current().getRepository(AttemptRow).find({ where: { eventId }, order: { startedAt: 'ASC', subscriptionId: 'ASC', attempt: 'ASC' } });
  }

  async ping(): Promise<void> {
    await this.db.current().query('SELECT 1');
  }
}
