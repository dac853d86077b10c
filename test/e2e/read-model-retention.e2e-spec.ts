import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRUNE_LOCK } from '@app/persistence';
import { testEnv, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { freePort, startApp } from '../support/guarded-system';
import { closeKafka, produce } from '../support/kafka';
import { fill, OwnDatabase, ownDatabase } from '../support/own-database';

const DAY_MS = 86_400_000;

/** Rows of a fill (by its id prefix) in every pruned table, and the attempts its statistics count. */
const ROWS_OF = (p: string) => `SELECT
  (SELECT count(*) FROM events WHERE id LIKE '${p}\\_%')::int AS events,
  (SELECT count(*) FROM deliveries WHERE event_id LIKE '${p}\\_%')::int AS deliveries,
  (SELECT count(*) FROM attempts WHERE event_id LIKE '${p}\\_%')::int AS attempts,
  (SELECT count(*) FROM audit_log WHERE event_id LIKE '${p}\\_%')::int AS audit,
  (SELECT count(*) FROM deferrals WHERE event_id LIKE '${p}\\_%')::int AS deferrals,
  (SELECT coalesce(sum(attempts), 0) FROM delivery_stats WHERE subscription_id LIKE '${p}\\_%')::int AS stats,
  (SELECT coalesce(sum(attempts), 0) FROM delivery_stats_hourly WHERE subscription_id LIKE '${p}\\_%')::int AS hourly`;

type Rows = { events: number; deliveries: number; attempts: number; audit: number; deferrals: number; stats: number; hourly: number };

/** A status projector of its own (own topic prefix and read model) with the given retention settings. */
async function projector(db: OwnDatabase, env: Record<string, string>) {
  const prefix = `${testEnv().prefix}-${uniqueId('ret').replace(/_/g, '-')}`;
  const port = await freePort();
  const logName = `${prefix}-status-projector`;
  const app = await startApp('status-projector', { KAFKA_TOPIC_PREFIX: prefix, DATABASE_URL: db.url, STATUS_PROJECTOR_PORT: String(port), ...env }, `http://127.0.0.1:${port}/health`, logName);
  return {
    stop: app.stop,
    publish: (id: string) => produce(`${prefix}.events`, [{ key: id, value: JSON.stringify({ id, type: 'retention.probe', data: {} }) }]),
    metrics: () => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text()),
    logLines: () =>
      readFileSync(join(testEnv().logsDir, `${logName}.log`), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

const prunedMetric = (text: string, table: string) => Number(new RegExp(`^hookstream_read_model_pruned_rows_total\\{[^}]*table="${table}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);

describe('read-model retention', () => {
  let db: OwnDatabase;
  beforeEach(async () => {
    db = await ownDatabase('retention');
  });
  afterEach(() => db.drop());
  afterAll(() => closeKafka());

  it('prunes rows older than READ_MODEL_RETENTION_DAYS from every table, keeps the recent ones, and keeps projecting meanwhile', async () => {
    // A day of history 40 days old, and a month of it within the 30 days kept.
    const old = await fill(db.url, { attempts: 150_000, days: 1, endingDaysAgo: 40, prefix: 'old' });
    const recent = await fill(db.url, { attempts: 5_000, days: 29, endingDaysAgo: 0.5, prefix: 'recent' });
    const before: Rows = (await db.ds.query(ROWS_OF('old')))[0];
    expect(before.attempts).toBe(old.attempts);
    const system = await projector(db, { READ_MODEL_RETENTION_DAYS: '30', READ_MODEL_PRUNE_INTERVAL: '2s' });
    try {
      // Events published while the pruning runs reach the read model as usual, and the run holds the lock.
      const probes: Array<{ ms: number; oldAttemptsLeft: number; lockFree: boolean }> = [];
      const deadline = Date.now() + 120_000;
      for (let left = old.attempts; left > 0 && Date.now() < deadline; ) {
        const id = uniqueId('probe');
        const sent = Date.now();
        await system.publish(id);
        await eventually(async () => ((await db.ds.query('SELECT 1 FROM events WHERE id = $1', [id])).length > 0 ? true : undefined), `${id} projected`, 10000);
        const ms = Date.now() - sent;
        left = (await db.ds.query(ROWS_OF('old')))[0].attempts;
        const [{ ok: lockFree }] = await db.ds.query('SELECT pg_try_advisory_lock($1) AS ok', [PRUNE_LOCK]);
        if (lockFree) await db.ds.query('SELECT pg_advisory_unlock($1)', [PRUNE_LOCK]);
        probes.push({ ms, oldAttemptsLeft: left, lockFree });
      }
      const during = probes.filter((p) => p.oldAttemptsLeft > 0 && p.oldAttemptsLeft < old.attempts);
      expect(during.length).toBeGreaterThan(0);
      expect(during.every((p) => !p.lockFree)).toBe(true);
      expect(Math.max(...probes.map((p) => p.ms))).toBeLessThan(3000);

      const cutoff = new Date(Date.now() - 30 * DAY_MS);
      const older = await eventually(async () => {
        const [r]: Array<{ n: number }> = await db.ds.query(
          `SELECT (SELECT count(*) FROM events WHERE accepted_at < $1)::int + (SELECT count(*) FROM deliveries WHERE coalesce(accepted_at, updated_at) < $1)::int
                + (SELECT count(*) FROM attempts WHERE started_at < $1)::int + (SELECT count(*) FROM deferrals WHERE at < $1)::int
                + (SELECT count(*) FROM audit_log WHERE at < $1)::int + (SELECT count(*) FROM delivery_stats WHERE minute < $1)::int
                + (SELECT count(*) FROM delivery_stats_hourly WHERE hour < $1)::int AS n`,
          [cutoff],
        );
        return r?.n === 0 ? r.n : undefined;
      }, 'no row older than the retention', 30000);
      expect(older).toBe(0);
      expect((await db.ds.query(ROWS_OF('old')))[0]).toEqual({ events: 0, deliveries: 0, attempts: 0, audit: 0, deferrals: 0, stats: 0, hourly: 0 });
      const kept: Rows = (await db.ds.query(ROWS_OF('recent')))[0];
      expect(kept).toMatchObject({ events: recent.events, deliveries: recent.deliveries, attempts: recent.attempts, audit: recent.attempts, stats: recent.attempts, hourly: recent.attempts });
      expect(kept.deferrals).toBeGreaterThan(0);
      expect((await db.ds.query(`SELECT count(*)::int AS n FROM events WHERE id LIKE 'probe\\_%'`))[0].n).toBe(probes.length);

      // Counted by table, and said in the log.
      const text = await system.metrics();
      expect([prunedMetric(text, 'events'), prunedMetric(text, 'deliveries'), prunedMetric(text, 'attempts'), prunedMetric(text, 'audit_log'), prunedMetric(text, 'deferrals')]).toEqual([
        old.events,
        old.deliveries,
        old.attempts,
        old.attempts,
        before.deferrals,
      ]);
      const lines = await eventually(async () => {
        const l = system.logLines().filter((x) => x.message === 'read model pruned' && Number(x['read_model.pruned_total']) > 0);
        return l.length > 0 ? l : undefined;
      }, 'the log line of the run');
      expect(lines.reduce((n, l) => n + (l['read_model.pruned'] as Record<string, number>).attempts!, 0)).toBe(old.attempts);
    } finally {
      await system.stop();
    }
  }, 180_000);

  it('with a retention of a few seconds (a fraction of a day), a projected event leaves once it is that old, not before', async () => {
    const retentionMs = 0.00005 * DAY_MS; // 4.32 s
    const system = await projector(db, { READ_MODEL_RETENTION_DAYS: '0.00005', READ_MODEL_PRUNE_INTERVAL: '500ms' });
    try {
      const id = uniqueId('brief');
      await system.publish(id);
      const acceptedAt = await eventually(async () => {
        const rows: Array<{ accepted_at: Date }> = await db.ds.query('SELECT accepted_at FROM events WHERE id = $1', [id]);
        return rows[0]?.accepted_at;
      }, `${id} projected`);
      await eventually(async () => ((await db.ds.query('SELECT 1 FROM events WHERE id = $1', [id])).length === 0 ? true : undefined), `${id} pruned`, 20000);
      const age = Date.now() - acceptedAt.getTime();
      expect(age).toBeGreaterThanOrEqual(retentionMs);
      // One interval late at most, plus a run and this test's polling on a shared machine.
      expect(age).toBeLessThan(retentionMs + 500 + 3000);
    } finally {
      await system.stop();
    }
  }, 60_000);
});
