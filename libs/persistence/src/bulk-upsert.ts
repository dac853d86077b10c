import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { pgJson, pgText } from './pg-values';

/**
 * How a column is set when the row exists already: `excluded` takes the new value; `keep` keeps the stored
 * one unless it is null; `fill` takes the new one unless it is null; `least` keeps the smaller; `add` adds
 * the new value to the stored one; `{ newestBy }` takes the new value when the new row's `newestBy` is
 * later than the stored one's.
 */
export type OnConflictSet<P extends string> = 'excluded' | 'keep' | 'fill' | 'least' | 'add' | { newestBy: P };

/** A row to write: entity properties, with dates also accepted as ISO-8601 strings (as records carry them). */
export type Row<E> = { [K in keyof E]?: E[K] extends Date ? Date | string : E[K] extends Date | null ? Date | string | null : E[K] };

type Prop<E> = keyof E & string;

export interface BulkUpsert<E extends ObjectLiteral> {
  /** Properties written, in this order; their column names and Postgres types come from the entity. */
  columns: Array<Prop<E>>;
  rows: Array<Row<E>>;
  /** Properties of the unique key that decides a conflict. */
  conflict: Array<Prop<E>>;
  /** What to do on conflict: nothing, or set these properties by these rules. */
  set?: Partial<Record<Prop<E>, OnConflictSet<Prop<E>>>>;
  /** Only update when the stored values of these properties, in order, are at most the new ones (newer wins). */
  unlessNewer?: Array<Prop<E>>;
  /** Insert in the order of this property (for serial ids that follow it). */
  orderBy?: Prop<E>;
  /** Columns of the rows inserted or updated, to be returned (a conflict left alone returns nothing). */
  returning?: Array<Prop<E>>;
}

/** Quoted table and column names and Postgres types of an entity, from its metadata. */
function names<E extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<E>) {
  const meta = m.connection.getMetadata(entity);
  return {
    table: `"${meta.tableName}"`,
    col: (prop: string) => {
      const c = meta.findColumnWithPropertyName(prop);
      if (!c) throw new Error(`${meta.name} has no column for property ${prop}`);
      return { name: `"${c.databaseName}"`, type: String(c.type) };
    },
  };
}

function unnestOf(cols: Array<{ name: string; type: string }>, rows: Array<Record<string, unknown>>, props: string[]) {
  const params = props.map((prop, i) => rows.map((row) => toParam(row[prop], cols[i]!.type)));
  return { list: cols.map((c) => c.name).join(', '), unnest: cols.map((c, i) => `$${i + 1}::${c.type}[]`).join(', '), params };
}

/**
 * One multi-row INSERT … SELECT FROM unnest(…) ON CONFLICT statement for a whole batch, with the table, column
 * names and types taken from the entity: the entity is the one description of the read model, and the
 * statement stays one round trip however many rows it writes.
 */
export async function bulkUpsert<E extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<E>, spec: BulkUpsert<E>): Promise<Array<Record<string, unknown>>> {
  if (spec.rows.length === 0) return [];
  const { table, col } = names(m, entity);
  const { list, unnest, params } = unnestOf(spec.columns.map(col), spec.rows, spec.columns);
  const order = spec.orderBy ? ` ORDER BY ${col(spec.orderBy).name}` : '';
  const target = spec.conflict.map((p) => col(p).name).join(', ');
  const sets = Object.entries(spec.set ?? {}).map(([prop, rule]) => `${col(prop).name} = ${setExpression(table, col(prop).name, rule as OnConflictSet<string>, col)}`);
  const action = sets.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${sets.join(', ')}`;
  const guard = spec.unlessNewer && sets.length > 0 ? ` WHERE ${rowOf(spec.unlessNewer.map(col), table)} <= ${rowOf(spec.unlessNewer.map(col), 'EXCLUDED')}` : '';
  const returning = spec.returning ? ` RETURNING ${spec.returning.map((p) => col(p).name).join(', ')}` : '';
  const result: unknown = await m.query(`INSERT INTO ${table} (${list}) SELECT * FROM unnest(${unnest}) AS t(${list})${order} ON CONFLICT (${target}) ${action}${guard}${returning}`, params);
  return spec.returning && Array.isArray(result) ? (result as Array<Record<string, unknown>>) : [];
}

/** One UPDATE … FROM unnest(…) for a whole batch: the rows matched by `key` get the other columns' values. */
export async function bulkUpdate<E extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<E>, spec: { key: Array<Prop<E>>; columns: Array<Prop<E>>; rows: Array<Row<E>> }): Promise<void> {
  if (spec.rows.length === 0) return;
  const { table, col } = names(m, entity);
  const props = [...spec.key, ...spec.columns];
  const { list, unnest, params } = unnestOf(props.map(col), spec.rows, props);
  const set = spec.columns.map((p) => `${col(p).name} = v.${col(p).name}`).join(', ');
  const match = spec.key.map((p) => `${table}.${col(p).name} = v.${col(p).name}`).join(' AND ');
  await m.query(`UPDATE ${table} SET ${set} FROM unnest(${unnest}) AS v(${list}) WHERE ${match}`, params);
}

/** A row value of columns for comparison; nulls compare as the lowest value. */
function rowOf(cols: Array<{ name: string; type: string }>, table: string): string {
  const lowest = (type: string) => (type.startsWith('timestamp') ? `'-infinity'::${type}` : '-2147483648');
  return `(${cols.map((c) => `COALESCE(${table}.${c.name}, ${lowest(c.type)})`).join(', ')})`;
}

function setExpression(table: string, name: string, rule: OnConflictSet<string>, col: (p: string) => { name: string }): string {
  if (typeof rule === 'object') {
    const by = col(rule.newestBy).name;
    return `CASE WHEN ${table}.${by} IS NULL OR EXCLUDED.${by} > ${table}.${by} THEN EXCLUDED.${name} ELSE ${table}.${name} END`;
  }
  switch (rule) {
    case 'excluded':
      return `EXCLUDED.${name}`;
    case 'keep':
      return `COALESCE(${table}.${name}, EXCLUDED.${name})`;
    case 'fill':
      return `COALESCE(EXCLUDED.${name}, ${table}.${name})`;
    case 'least':
      return `LEAST(${table}.${name}, EXCLUDED.${name})`;
    case 'add':
      return `${table}.${name} + EXCLUDED.${name}`;
  }
}

function toParam(value: unknown, type: string): unknown {
  if (value === undefined || value === null) return null;
  if (type === 'jsonb') return pgJson(value);
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? pgText(value) : value;
}
