/**
 * Postgres cannot store the NUL character in text or jsonb, though JSON allows it; one such value would make
 * every retry of its batch fail. Values on their way into the read model carry U+FFFD in its place.
 */
const NUL = '\u0000';
const REPLACEMENT = '\ufffd';

export function pgText<T extends string | null | undefined>(value: T): T {
  return (typeof value === 'string' && value.includes(NUL) ? value.replaceAll(NUL, REPLACEMENT) : value) as T;
}

/** A JSON value as text for a jsonb parameter, with NUL replaced in every string and key. */
export function pgJson(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'string') return pgText(v);
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).some((k) => k.includes(NUL))) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [pgText(k), x]));
    }
    return v;
  });
}
