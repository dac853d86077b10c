import { Database } from './database';
import { AuditRow } from './entities';

/** Reads of the audit log, oldest first, in pages keyed by the row id. */
export class AuditRepository {
  constructor(private readonly db: Database) {}

  page(since: Date | null, afterId: string | null, limit: number): Promise<AuditRow[]> {
    const q = this.db
      .current()
      .getRepository(AuditRow)
      .createQueryBuilder('a')
      .orderBy('a.id', 'ASC')
      .limit(limit);
    if (since) q.andWhere('a.at >= :since', { since });
    if (afterId) q.andWhere('a.id > :afterId', { afterId });
    return q.getMany();
  }
}
