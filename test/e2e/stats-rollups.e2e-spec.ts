import { DataSource } from 'typeorm';
import { createDataSource, Database, StatsRepository } from '@app/persistence';
import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { publish, statusOf, subscribe } from '../support/flows';
import { fill, OwnDatabase, ownDatabase } from '../support/own-database';
import { Receiver } from '../support/receiver';

const HOUR = 3_600_000;
const SUMS = ['attempts', 'retries', 'delivered', 'failed', 'deferred', ...[10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000].map((b) => `latency_le_${b}`), 'latency_over_30000'];

/** A period's sums per endpoint, from the per-minute rollup (grouped by `period`) or from the hourly one. */
const sumsOf = (table: 'delivery_stats' | 'delivery_stats_hourly', period: string, where: string) =>
  `SELECT ${period} AS period, subscription_id, tenant_id, ${SUMS.map((c) => `sum(${c})::int AS ${c}`).join(', ')}, max(last_error_at) AS last_error_at,
          (array_agg(last_error ORDER BY last_error_at DESC NULLS LAST))[1] AS last_error
     FROM ${table} WHERE ${where} GROUP BY 1, 2, 3 ORDER BY 1, 2`;

/**
 * GET /stats reads whole hours from the hourly rollup and the edges of a window from the per-minute one. Both
 * rollups must hold the same sums, and a window read in parts must answer what minutes alone would.
 */
describe('delivery statistics: per-minute and hourly rollups', () => {
  const receiver = new Receiver();
  let ds: DataSource;
  beforeAll(async () => {
    await receiver.start();
    ds = createDataSource(testEnv().env.DATABASE_URL!);
    await ds.initialize();
  });
  afterAll(async () => {
    await receiver.stop();
    await ds.destroy();
  });

  it('the projector adds each attempt to its minute and to its hour alike', async () => {
    const type = `${uniqueId('stats')}.event`;
    const sub = await subscribe(receiver.url('/stats'), [type]);
    // Every third event fails once before it is delivered; every seventh fails on every attempt.
    receiver.respond = (r, nth) => {
      const n = Number((JSON.parse(r.body) as { data: { n: number } }).data.n);
      return n % 7 === 0 || (n % 3 === 0 && nth === 1) ? 500 : 200;
    };
    const ids = await Promise.all(Array.from({ length: 21 }, (_, n) => publish({ type, data: { n } })));
    for (const id of ids) await statusOf(id, ['delivered', 'failed'], 30000);
    const where = `subscription_id = '${sub.id}'`;
    const fromMinutes: Array<{ attempts: number }> = await ds.query(sumsOf('delivery_stats', "date_trunc('hour', minute)", where));
    const fromHours: Array<{ attempts: number }> = await ds.query(sumsOf('delivery_stats_hourly', 'hour', where));
    expect(fromMinutes.length).toBeGreaterThan(0);
    expect(fromHours).toEqual(fromMinutes);
    const total = fromHours.reduce((n, r) => n + r.attempts, 0);
    // 12 delivered at once, 6 after one failure, 3 failed after 1 + RETRY_MAX (3) attempts.
    expect(total).toBe(12 + 6 * 2 + 3 * 4);
    // And the answer of a window of hours adds up to the same.
    const stats = await api<{ endpoints: Array<{ subscription_id: string; attempts: number; failed: number }> }>('GET', `/stats?since=${new Date(Date.now() - 3 * HOUR).toISOString()}&bucket=1h&subscription_id=${sub.id}`);
    expect(stats.body.endpoints).toEqual([expect.objectContaining({ subscription_id: sub.id, attempts: total, failed: 3 })]);
  }, 60_000);

  describe('windows read in parts', () => {
    let own: OwnDatabase;
    let stats: StatsRepository;
    beforeAll(async () => {
      own = await ownDatabase('stats');
      await fill(own.url, { attempts: 12_000, days: 3, endingDaysAgo: 0, prefix: 'stats' });
      stats = new StatsRepository({ current: () => own.ds } as unknown as Database);
    }, 60_000);
    afterAll(() => own.drop());

    const now = Math.floor(Date.now() / 60_000) * 60_000;
    it.each([
      ['a day of hours, ragged edges', now - 24 * HOUR - 17 * 60_000 + 30_000, now - 7 * 60_000, 3600],
      ['three days of days', now - 72 * HOUR + 60_000, now, 86400],
      ['twelve hours of 5-minute buckets', now - 12 * HOUR, now, 300],
      ['under an hour', now - 50 * 60_000, now, 3600],
    ])('%s: buckets and endpoints as minutes alone sum them', async (_name, since, until, bucket) => {
      const q = { since: new Date(since), until: new Date(until), bucketSeconds: bucket, subscriptionId: null, tenantId: null };
      const window = `minute >= '${q.since.toISOString()}' AND minute < '${q.until.toISOString()}'`;
      const buckets: Array<{ period: Date; attempts: number; delivered: number; failed: number; retries: number }> = await own.ds.query(
        `SELECT period, sum(attempts)::int AS attempts, sum(delivered)::int AS delivered, sum(failed)::int AS failed, sum(retries)::int AS retries
           FROM (${sumsOf('delivery_stats', `to_timestamp(floor(extract(epoch from minute) / ${bucket}) * ${bucket})`, window)}) AS b GROUP BY 1 ORDER BY 1`,
      );
      expect(buckets.length).toBeGreaterThan(0);
      const answered = await stats.buckets(q);
      expect(answered.map((b) => ({ start: b.start, attempts: b.attempts, delivered: b.delivered, failed: b.failed, retries: b.retries }))).toEqual(
        buckets.map((b) => ({ start: b.period.toISOString(), attempts: b.attempts, delivered: b.delivered, failed: b.failed, retries: b.retries })),
      );
      const endpoints: Array<{ subscription_id: string; attempts: number; failed: number; last_error_at: Date | null }> = await own.ds.query(
        `SELECT subscription_id, sum(attempts)::int AS attempts, sum(failed)::int AS failed, max(last_error_at) AS last_error_at FROM delivery_stats WHERE ${window} GROUP BY 1`,
      );
      const byId = <T extends { subscription_id: string }>(xs: T[]) => [...xs].sort((a, b) => (a.subscription_id < b.subscription_id ? -1 : 1));
      const got = byId(await stats.endpoints(q)).map((e) => ({ subscription_id: e.subscription_id, attempts: e.attempts, failed: e.failed, last_error_at: e.last_error_at }));
      expect(got).toEqual(byId(endpoints).map((e) => ({ subscription_id: e.subscription_id, attempts: e.attempts, failed: e.failed, last_error_at: e.last_error_at?.toISOString() ?? null })));
    });
  });
});
