import { AuditRepository, ConsoleRepository, EventQuery, ReadModelPruner, StatsRepository, StatusRepository } from '@app/persistence';
import { fill, OwnDatabase, ownDatabase } from '../support/own-database';
import { describePlan, PlanNode, planProblems, recordingDatabase } from '../support/query-plans';

/** Tables that grow with traffic: none may be read whole, by a sequential scan or a sort of much of it. */
const GROWING = ['events', 'deliveries', 'attempts', 'deferrals', 'audit_log', 'delivery_stats'];
/** Tables whose rows a sort must never take a large share of (their lists come in index order). */
const SORTED_BY_INDEX = ['events', 'deliveries', 'attempts'];
const HOUR = 3_600_000;

/**
 * Every query shape the API's repositories and the pruner send, EXPLAINed on a read model of tens of thousands
 * of rows with fresh statistics (as autovacuum keeps them): the planner must answer each through an index. The
 * statements are the repositories' own, recorded as they run, so a change to a query is checked as it is.
 */
describe('query plans of the read model', () => {
  let own: OwnDatabase;
  let recorded: ReturnType<typeof recordingDatabase>;
  const tables = new Map<string, number>();
  const sub = 'plans_sub_1_0';
  let filledFrom = 0;

  beforeAll(async () => {
    own = await ownDatabase('plans');
    filledFrom = Date.parse((await fill(own.url, { attempts: 40_000, days: 4, endingDaysAgo: 0, prefix: 'plans' })).from);
    await own.ds.query('VACUUM ANALYZE');
    const counts: Array<{ relname: string; n: number }> = await own.ds.query(`SELECT relname, reltuples::int AS n FROM pg_class WHERE relname = ANY($1)`, [GROWING]);
    for (const c of counts) tables.set(c.relname, c.n);
    recorded = recordingDatabase(own.ds);
    await recorded.ds.initialize();
  }, 120_000);
  afterAll(async () => {
    await recorded?.ds.destroy();
    await own?.drop();
  });

  /** The plans of every statement `run` sends, each with what is wrong with it. */
  async function plansOf(run: () => Promise<unknown>): Promise<Array<{ sql: string; plan: PlanNode; problems: string[] }>> {
    recorded.take();
    await run();
    const statements = recorded.take();
    expect(statements.length).toBeGreaterThan(0);
    return explain(statements);
  }

  async function explain(statements: Array<{ sql: string; params: unknown[] }>) {
    const out = [];
    for (const { sql, params } of statements) {
      const [row]: Array<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }> = await own.ds.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      const plan = row!['QUERY PLAN'][0]!.Plan;
      out.push({ sql, plan, problems: planProblems(plan, tables, GROWING, SORTED_BY_INDEX) });
    }
    return out;
  }

  const expectIndexed = (plans: Array<{ sql: string; plan: PlanNode; problems: string[] }>) => {
    for (const p of plans) expect({ sql: p.sql, plan: describePlan(p.plan).split('\n'), problems: p.problems }).toEqual({ sql: p.sql, plan: expect.any(Array), problems: [] });
  };

  const events = (q: Partial<EventQuery>): EventQuery => ({ statuses: [], type: null, subscriptionId: null, tenantId: null, since: null, until: null, after: null, limit: 50, ...q });
  /** The first page, then the page after it (keyed by the first page's last row, as the API does). */
  const withNextPage = async (q: EventQuery) => {
    const repo = new ConsoleRepository(recorded.db);
    const first = await repo.listEvents(q);
    const last = first[first.length - 1]!;
    return [q, { ...q, after: [last.acceptedAt.toISOString(), last.tenantId, last.id] as [string, string, string] }];
  };

  it.each([
    ['every event', events({})],
    ['one tenant', events({ tenantId: 'plans_t1' })],
    ['one status', events({ statuses: ['failed'] })],
    ['two statuses', events({ statuses: ['retrying', 'pending'] })],
    ['a tenant and a status', events({ tenantId: 'plans_t2', statuses: ['failed'] })],
    ['an exact type', events({ type: 'order.paid' })],
    ['a type prefix', events({ type: 'order.*' })],
    ['a window', events({ since: new Date(Date.now() - 26 * HOUR), until: new Date(Date.now() - 24 * HOUR) })],
    ['one endpoint', events({ subscriptionId: sub })],
    ['one endpoint and a status', events({ subscriptionId: sub, statuses: ['failed'] })],
  ])('GET /events, %s, first and next page', async (_name, q) => {
    const repo = new ConsoleRepository(recorded.db);
    for (const page of await withNextPage(q)) expectIndexed(await plansOf(() => repo.listEvents(page)));
  });

  it.each([
    ['every delivery', {}],
    ['one status', { statuses: ['failed' as const] }],
    ['a window', { since: new Date(Date.now() - 26 * HOUR), until: new Date(Date.now() - 24 * HOUR) }],
  ])('GET /webhooks/:id/deliveries, %s, first and next page', async (_name, extra) => {
    const repo = new ConsoleRepository(recorded.db);
    const q = { subscriptionId: sub, statuses: [], since: null, until: null, after: null, limit: 50, ...extra };
    const first = await repo.listDeliveries(q);
    const last = first[first.length - 1]!;
    expectIndexed(await plansOf(() => repo.listDeliveries(q)));
    expectIndexed(await plansOf(() => repo.listDeliveries({ ...q, after: [last.acceptedAt!.toISOString(), last.tenantId, last.eventId] })));
  });

  it('POST /webhooks/:id/recover, a day of one endpoint, first and next page', async () => {
    const repo = new ConsoleRepository(recorded.db);
    const [since, until] = [new Date(Date.now() - 48 * HOUR), new Date(Date.now() - 24 * HOUR)];
    const first = await repo.recoverable(sub, since, until, null, 20);
    const last = first[first.length - 1]!.delivery;
    expectIndexed(await plansOf(() => repo.recoverable(sub, since, until, null, 20)));
    expectIndexed(await plansOf(() => repo.recoverable(sub, since, until, [last.tenantId, last.eventId], 20)));
  });

  it.each([
    ['the last hour, every endpoint', HOUR, 60, { subscriptionId: null, tenantId: null }],
    ['the last hour, one tenant', HOUR, 60, { subscriptionId: null, tenantId: 'plans_t1' }],
    ['the last hour, one endpoint', HOUR, 60, { subscriptionId: sub, tenantId: null }],
    ['the last day in hours, one tenant', 24 * HOUR, 3600, { subscriptionId: null, tenantId: 'plans_t1' }],
  ])('GET /stats, %s', async (_name, window, bucketSeconds, who) => {
    const repo = new StatsRepository(recorded.db);
    const q = { since: new Date(Date.now() - window), until: new Date(), bucketSeconds, ...who };
    expectIndexed(await plansOf(() => repo.buckets(q)));
    expectIndexed(await plansOf(() => repo.endpoints(q)));
  });

  it("one event's status and attempts, and the audit log", async () => {
    const status = new StatusRepository(recorded.db);
    const [e]: Array<{ tenant_id: string; id: string }> = await own.ds.query(`SELECT tenant_id, id FROM events WHERE deliveries_total > 1 LIMIT 1`);
    expectIndexed(await plansOf(() => status.findEvent(e!.tenant_id, e!.id)));
    expectIndexed(await plansOf(() => status.findDeliveries(e!.tenant_id, e!.id)));
    expectIndexed(await plansOf(() => status.findAttempts(e!.tenant_id, e!.id)));
    const audit = new AuditRepository(recorded.db);
    expectIndexed(await plansOf(() => audit.page(new Date(Date.now() - HOUR), null, 100)));
    expectIndexed(await plansOf(() => audit.page(null, '1000', 100, 'plans_t1')));
  });

  it('the pruning chunks walk each table from its oldest row', async () => {
    // As a run finds it: a few hours' worth older than the cutoff, the first chunk starting from the beginning.
    const cutoff = new Date(filledFrom + 2 * HOUR);
    const statements = new ReadModelPruner(recorded.db).statements().map((s) => ({ sql: s.sql, params: ['-infinity', cutoff, 2000] }));
    expect(statements.length).toBeGreaterThan(5);
    expectIndexed(await explain(statements));
  });
});
