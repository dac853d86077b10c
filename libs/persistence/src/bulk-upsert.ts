import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { pgJson, pgText } from './pg-values';

/**
 * How a column is set when the row exists already: `excluded` takes the new value; `keep` keeps the stored
 * one unless it is null; `fill` takes the new one unless it is null; `least` keeps the smaller.
 */
export type OnConflictSet = 'excluded' | 'keep' | 'fill' | 'least';

/** A row to write: entity properties, with dates also accepted as ISO-8601 strings (as records carry them). */
export type Row<E> = { [K in keyof E]?: E[K] extends Date ? Date | string : E[K] extends Date | null ? Date | string | null : E[K] };

export interface BulkUpsert<E extends ObjectLiteral> {
  /** Properties written, in this order; their column names and Postgres types come from the entity. */
  columns: Array<keyof E & string>;
  rows: Array<Row<E>>;
  /** Properties of the unique key that decides a conflict. */
  conflict: Array<keyof E & string>;
  /** What to do on conflict: nothing, or set these properties by these rules. */
  set?: Partial<Record<keyof E & string, OnConflictSet>>;
  /** Only update when the stored value of this property is at most the new one (newer wins). */
  unlessNewer?: keyof E & string;
  /** Insert in the order of this property (for serial ids that follow it). */
  orderBy?: keyof E & string;
}

/**
 * One multi-row INSERT … SELECT FROM unnest(…) ON CONFLICT statement for a whole batch, with the table, column
 * names and types taken from the entity: the entity is the one description of the read model, and the
 * statement stays one round trip however many rows it writes.
 */
export async function bulkUpsert<E extends ObjectLiteral>(m: EntityManager, entity: EntityTarget<E>, spec: BulkUpsert<E>): Promise<void> {
  if (spec.rows.length === 0) return;
  const meta = m.connection.getMetadata(entity);
  const table = `"${meta.tableName}"`;
  const col = (prop: string) => {
    const c = meta.findColumnWithPropertyName(prop);
    if (!c) throw new Error(`${meta.name} has no column for property ${prop}`);
    return { name: `"${c.databaseName}"`, type: String(c.type) };
  };
  const cols = spec.columns.map(col);
  const params = spec.columns.map((prop, i) => spec.rows.map((row) => toParam((row as Record<string, unknown>)[prop], cols[i]!.type)));
  const names = cols.map((c) => c.name).join(', ');
  const unnest = cols.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  const order = spec.orderBy ? ` ORDER BY ${col(spec.orderBy).name}` : '';
  const target = spec.conflict.map((p) => col(p).name).join(', ');
  const sets = Object.entries(spec.set ?? {}).map(([prop, rule]) => `${col(prop).name} = ${setExpression(table, col(prop).name, rule as OnConflictSet)}`);
  const action = sets.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${sets.join(', ')}`;
  const guard = spec.unlessNewer && sets.length > 0 ? ` WHERE ${table}.${col(spec.unlessNewer).name} <= EXCLUDED.${col(spec.unlessNewer).name}` : '';
  await m.query(
    `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${unnest}) AS t(${names})${order} ON CONFLICT (${target}) ${action}${guard}`,
    params,
  );
}

function setExpression(table: string, name: string, rule: OnConflictSet): string {
  switch (rule) {
    case 'excluded':
      return `EXCLUDED.${name}`;
    case 'keep':
      return `COALESCE(${table}.${name}, EXCLUDED.${name})`;
    case 'fill':
      return `COALESCE(EXCLUDED.${name}, ${table}.${name})`;
    case 'least':
      return `LEAST(${table}.${name}, EXCLUDED.${name})`;
  }
}

function toParam(value: unknown, type: string): unknown {
  if (value === undefined || value === null) return null;
  if (type === 'jsonb') return pgJson(value);
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? pgText(value) : value;
}
