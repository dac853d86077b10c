import { Database } from './database';
import { AuditRow } from './entities';

/** Reads of the audit log, oldest first, in pages keyed by the row id. */
export class AuditRepository {
  constructor(private readonly db: Database) {}

  /** `tenantId`: only that tenant's entries ('' never matches: entries outside tenants have none); null: all. */
  page(since: Date | null, afterId: string | null, limit: number, tenantId: string | null = null): Promise<AuditRow[]> {
    const q = this.db.current().getRepository(AuditRow).createQueryBuilder('a').orderBy('a.id', 'ASC').limit(limit);
    if (tenantId !== null) q.andWhere('a.tenantId = :tenantId', { tenantId });
    if (since) q.andWhere('a.at >= :since', { since });
    if (afterId) q.andWhere('a.id > :afterId', { afterId });
    return q.getMany();
  }

  /** When each key was last used (its newest API call still in the audit log), by key id. */
  async lastUsed(keyIds: string[]): Promise<Map<string, Date>> {
    if (keyIds.length === 0) return new Map();
    const rows: Array<{ key_id: string; at: Date }> = await this.db
      .current()
      .getRepository(AuditRow)
      .createQueryBuilder('a')
      .select('a.keyId', 'key_id')
      .addSelect('max(a.at)', 'at')
      .where('a.keyId IN (:...keyIds)', { keyIds })
      .groupBy('a.keyId')
      .getRawMany();
    return new Map(rows.map((r) => [r.key_id, r.at]));
  }
}
