import { DataSource, Logger as OrmLogger } from 'typeorm';
import { Database } from '@app/persistence';

/** A node of EXPLAIN (FORMAT JSON). */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Plan Rows': number;
  Plans?: PlanNode[];
}

/** A data source that runs as usual and remembers every statement it sent, with its parameters. */
export function recordingDatabase(base: DataSource): { db: Database; ds: DataSource; take: () => Array<{ sql: string; params: unknown[] }> } {
  let seen: Array<{ sql: string; params: unknown[] }> = [];
  const logger: OrmLogger = {
    logQuery: (sql, params) => void seen.push({ sql, params: Array.isArray(params) ? (params as unknown[]) : [] }),
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  const ds = new DataSource({ ...base.options, logging: ['query'], logger });
  const db = { current: () => ds } as unknown as Database;
  return {
    db,
    ds,
    take: () => {
      const out = seen;
      seen = [];
      return out;
    },
  };
}

/** Every node of a plan, depth first, with the relations scanned below it. */
function nodes(plan: PlanNode): Array<{ node: PlanNode; below: string[] }> {
  const children = (plan.Plans ?? []).flatMap(nodes);
  const below = [...new Set([plan['Relation Name'], ...children.flatMap((c) => [c.node['Relation Name'], ...c.below])].filter((r): r is string => r !== undefined))];
  return [{ node: plan, below }, ...children];
}

/**
 * What makes a plan unfit for tables of millions of rows: a sequential scan of one of `unscanned`, or a sort
 * fed with more than a tenth of one of `unsorted` (an index that cannot give the order the query asks for).
 * `rows`: each table's row count.
 */
export function planProblems(plan: PlanNode, rows: Map<string, number>, unscanned: string[], unsorted: string[]): string[] {
  const problems: string[] = [];
  for (const { node, below } of nodes(plan)) {
    const relation = node['Relation Name'];
    if (node['Node Type'] === 'Seq Scan' && relation !== undefined && unscanned.includes(relation)) problems.push(`Seq Scan on ${relation}`);
    if (node['Node Type'] !== 'Sort') continue;
    const input = (node.Plans ?? []).reduce((n, p) => n + p['Plan Rows'], 0);
    for (const t of below.filter((b) => unsorted.includes(b))) {
      if (input > (rows.get(t) ?? 0) / 10) problems.push(`Sort of ${input} rows of ${t} (${rows.get(t)} rows)`);
    }
  }
  return problems;
}

/** One line per node, indented, for a failure message. */
export function describePlan(plan: PlanNode, depth = 0): string {
  const name = [plan['Node Type'], plan['Index Name'] ? `using ${plan['Index Name']}` : '', plan['Relation Name'] ? `on ${plan['Relation Name']}` : ''].filter(Boolean).join(' ');
  return [`${'  '.repeat(depth)}${name} (rows ${plan['Plan Rows']})`, ...(plan.Plans ?? []).map((p) => describePlan(p, depth + 1))].join('\n');
}
