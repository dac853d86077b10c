/**
 * Payload filters: `{ "<path>": <value> | { "<operator>": <argument>, … } }`, every condition must hold for
 * an event to reach the subscription. A path is dot-separated (at most 8 segments, a number indexes an
 * array) and starts at the event: `data.amount`, `type`, `data.items.0.sku`. Operators: a bare value
 * (equals), ne, in, nin, gt, gte, lt, lte, exists, prefix. Evaluating never throws: a missing path or a
 * value of another type simply does not match (except ne, nin and `exists: false`, which a missing path
 * satisfies).
 */

export const MAX_FILTER_CONDITIONS = 20;
export const MAX_FILTER_PATH_SEGMENTS = 8;
const OPERATORS = ['ne', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'exists', 'prefix'] as const;
type Operator = (typeof OPERATORS)[number];
const PATH_SEGMENT = /^[A-Za-z0-9_$-]{1,64}$/;

type Condition = { op: 'eq'; arg: unknown } | { op: Operator; arg: unknown };

export type CompiledFilter = (event: Record<string, unknown>) => boolean;

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isOperatorObject = (v: unknown): v is Record<string, unknown> => isPlainObject(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => (OPERATORS as readonly string[]).includes(k));

/** Every problem of a filter, each naming its part; empty when the filter is valid. */
export function filterProblems(filter: unknown): string[] {
  if (!isPlainObject(filter)) return ['filter must be an object of "path": condition'];
  const entries = Object.entries(filter);
  const problems: string[] = [];
  if (entries.length === 0) problems.push('filter must hold at least one condition (or be null)');
  if (entries.length > MAX_FILTER_CONDITIONS) problems.push(`filter may hold at most ${MAX_FILTER_CONDITIONS} conditions`);
  for (const [path, condition] of entries) {
    const segments = path.split('.');
    if (segments.length > MAX_FILTER_PATH_SEGMENTS) problems.push(`filter."${path}": a path may have at most ${MAX_FILTER_PATH_SEGMENTS} segments`);
    else if (!segments.every((s) => PATH_SEGMENT.test(s))) problems.push(`filter."${path}": a path is dot-separated names of letters, digits, "_", "-" or "$"`);
    if (isPlainObject(condition) && !isOperatorObject(condition) && Object.keys(condition).some((k) => (OPERATORS as readonly string[]).includes(k))) {
      problems.push(`filter."${path}": mixes operators with other keys; use only ${OPERATORS.join(', ')}`);
    }
    if (isPlainObject(condition) && Object.keys(condition).length === 0) problems.push(`filter."${path}": an empty condition; give a value or an operator`);
    if (isOperatorObject(condition)) for (const [op, arg] of Object.entries(condition)) problems.push(...argumentProblems(path, op as Operator, arg));
  }
  return problems;
}

function argumentProblems(path: string, op: Operator, arg: unknown): string[] {
  const at = `filter."${path}".${op}`;
  switch (op) {
    case 'in':
    case 'nin':
      return Array.isArray(arg) && arg.length > 0 && arg.length <= 100 ? [] : [`${at} must be a list of 1 to 100 values`];
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return typeof arg === 'number' || typeof arg === 'string' ? [] : [`${at} must be a number or a string`];
    case 'exists':
      return typeof arg === 'boolean' ? [] : [`${at} must be true or false`];
    case 'prefix':
      return typeof arg === 'string' ? [] : [`${at} must be a string`];
    case 'ne':
      return [];
  }
}

/** A filter as a function; call only with a filter that has no problems. Null: everything matches. */
export function compileFilter(filter: Record<string, unknown> | null): CompiledFilter {
  if (filter === null) return () => true;
  const checks = Object.entries(filter).map(([path, condition]) => {
    const segments = path.split('.');
    const conditions: Condition[] = isOperatorObject(condition)
      ? Object.entries(condition).map(([op, arg]) => ({ op: op as Operator, arg }))
      : [{ op: 'eq', arg: condition }];
    return (event: Record<string, unknown>) => {
      const found = resolve(event, segments);
      return conditions.every((c) => holds(c, found));
    };
  });
  return (event) => {
    try {
      return checks.every((check) => check(event));
    } catch {
      return false;
    }
  };
}

type Found = { present: true; value: unknown } | { present: false };

function resolve(root: unknown, segments: string[]): Found {
  let current: unknown = root;
  for (const segment of segments) {
    if (Array.isArray(current) && /^\d+$/.test(segment) && Number(segment) < current.length) current = current[Number(segment)];
    else if (isPlainObject(current) && Object.hasOwn(current, segment)) current = current[segment];
    else return { present: false };
  }
  return { present: true, value: current };
}

function holds(c: Condition, found: Found): boolean {
  if (!found.present) return c.op === 'ne' || c.op === 'nin' || (c.op === 'exists' && c.arg === false);
  const v = found.value;
  switch (c.op) {
    case 'eq':
      return equal(v, c.arg);
    case 'ne':
      return !equal(v, c.arg);
    case 'in':
      return (c.arg as unknown[]).some((a) => equal(v, a));
    case 'nin':
      return !(c.arg as unknown[]).some((a) => equal(v, a));
    case 'exists':
      return c.arg === true;
    case 'prefix':
      return typeof v === 'string' && v.startsWith(c.arg as string);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return compare(c.op, v, c.arg);
  }
}

function compare(op: 'gt' | 'gte' | 'lt' | 'lte', v: unknown, arg: unknown): boolean {
  if (typeof v !== typeof arg || (typeof v !== 'number' && typeof v !== 'string')) return false;
  const a = v;
  const b = arg as number | string;
  return op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && equal((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
