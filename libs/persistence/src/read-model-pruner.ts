import type { Client } from 'pg';
import type { EntityTarget, ObjectLiteral } from 'typeorm';
import { Database } from './database';
import { DeliveryStatsHourlyRow, DeliveryStatsRow } from './delivery-stats.entity';
import { AttemptRow, AuditRow, DeferralRow, DeliveryRow, EventRow } from './entities';

/** Session-level advisory lock a pruning run holds: one projector prunes at a time, and a crash releases it. */
export const PRUNE_LOCK = 7_240_312;

/**
 * What leaves the read model: each table by its own time column (the one its index leads with), the rows that
 * hang off an event before the event itself, so a page never shows deliveries of an event that is gone.
 */
const TARGETS: Array<{ entity: EntityTarget<ObjectLiteral>; time: string; whenNull?: string }> = [
  { entity: AuditRow, time: 'at' },
  { entity: DeferralRow, time: 'at' },
  { entity: AttemptRow, time: 'startedAt' },
  { entity: DeliveryRow, time: 'acceptedAt' },
  // A delivery whose event's acceptance never reached it goes by when it last changed.
  { entity: DeliveryRow, time: 'updatedAt', whenNull: 'acceptedAt' },
  { entity: EventRow, time: 'acceptedAt' },
  { entity: DeliveryStatsRow, time: 'minute' },
  { entity: DeliveryStatsHourlyRow, time: 'hour' },
];

export interface PrunePace {
  /** Rows per DELETE: each is its own short transaction, so no lock or snapshot is held for long. */
  chunkRows: number;
  /** The pause after each chunk, as a multiple of the time the chunk took, and its floor. */
  pauseRatio: number;
  minPauseMs: number;
}

/**
 * Measured with `npm run bench` (BENCH_SCENARIO=retention): a day of 1,000,000 attempts pruned while the
 * projector folds 500 deliveries/s; the pause gives Postgres back to the projector at least as long as each
 * chunk took from it.
 */
export const DEFAULT_PACE: PrunePace = { chunkRows: 2000, pauseRatio: 1, minPauseMs: 20 };

/** Rows deleted per table; `complete` is false when the run stopped early (shutdown, or rows kept locked). */
export type PruneResult = { ran: false } | { ran: true; pruned: Record<string, number>; complete: boolean };

type ChunkResult = { taken: number; deleted: number; last: Date | null };

const LOCK_NOT_AVAILABLE = '55P03';
/** How long a chunk waits for a row the projector holds before it gives way and tries again later. */
const LOCK_TIMEOUT = '200ms';

/**
 * Deletes read-model rows older than a cutoff in small chunks, on a connection of its own, pausing between
 * chunks, so the projector's transactions never wait behind it for long. Chunks walk each table's time index
 * from where the last one ended, so a long run does not rescan what it already deleted.
 */
export class ReadModelPruner {
  constructor(private readonly db: Database) {}

  async prune(cutoff: Date, pace: PrunePace = DEFAULT_PACE, signal?: AbortSignal): Promise<PruneResult> {
    const client = await this.db.connectAlone('hookstream-read-model-pruner');
    try {
      const locked = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [PRUNE_LOCK]);
      if (!locked.rows[0]?.ok) return { ran: false };
      await client.query(`SET lock_timeout = '${LOCK_TIMEOUT}'`);
      const pruned: Record<string, number> = {};
      let complete = true;
      for (const { table, sql } of this.statements()) {
        const done = await this.pruneTable(client, sql, cutoff, pace, signal, (n) => (pruned[table] = (pruned[table] ?? 0) + n));
        complete &&= done;
        if (signal?.aborted) break;
      }
      return { ran: true, pruned, complete: complete && !signal?.aborted };
    } finally {
      // Ending the session releases the advisory lock too.
      await client.end().catch(() => undefined);
    }
  }

  /** Chunks of one target until none is left; false when it gave up early. */
  private async pruneTable(client: Client, sql: string, cutoff: Date, pace: PrunePace, signal: AbortSignal | undefined, add: (n: number) => void): Promise<boolean> {
    let from: Date | string = '-infinity';
    let contended = 0;
    while (!signal?.aborted) {
      const started = Date.now();
      try {
        const result: { rows: ChunkResult[] } = await client.query<ChunkResult>(sql, [from, cutoff, pace.chunkRows]);
        const r = result.rows[0]!;
        add(r.deleted);
        contended = 0;
        if (r.taken < pace.chunkRows || r.last === null) return true;
        from = r.last;
      } catch (e) {
        if ((e as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw e;
        // Rows the projector holds: give way, and after a few tries leave the rest of this table to the next run.
        if (++contended > 5) return false;
      }
      await pause(Math.max(pace.minPauseMs, (Date.now() - started) * pace.pauseRatio), signal);
    }
    return false;
  }

  /**
   * One chunk: the oldest rows from `$1` up to the cutoff `$2`, at most `$3`, found through the time index and
   * deleted by their physical position. Answers how many it took, deleted, and the time the next chunk starts at.
   * Public for the query-plan test, which checks that every one walks an index.
   */
  statements(): Array<{ table: string; sql: string }> {
    return TARGETS.map((target) => this.statement(target));
  }

  private statement(target: (typeof TARGETS)[number]): { table: string; sql: string } {
    const meta = this.db.current().getMetadata(target.entity);
    const col = (prop: string) => `"${meta.findColumnWithPropertyName(prop)!.databaseName}"`;
    const table = `"${meta.tableName}"`;
    const t = col(target.time);
    const only = target.whenNull ? ` AND ${col(target.whenNull)} IS NULL` : '';
    const sql = `WITH chunk AS MATERIALIZED (SELECT ctid, ${t} AS t FROM ${table} WHERE ${t} >= $1 AND ${t} < $2${only} ORDER BY ${t} LIMIT $3),
      gone AS (DELETE FROM ${table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM chunk)) AND ${t} < $2${only} RETURNING 1)
      SELECT (SELECT count(*) FROM chunk)::int AS taken, (SELECT count(*) FROM gone)::int AS deleted, (SELECT max(t) FROM chunk) AS last`;
    return { table: meta.tableName, sql };
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}
