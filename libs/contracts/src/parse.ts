import { z } from 'zod';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Decodes a Kafka value (UTF-8 JSON) against a schema; the reason names the first broken field. */
export function parseRecord<S extends z.ZodType>(schema: S, value: Buffer | null): Parsed<z.infer<S>> {
  if (value === null) return { ok: false, reason: 'record has no value' };
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (e) {
    return { ok: false, reason: `value is not valid JSON: ${(e as Error).message}` };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, reason: describeIssues(result.error) };
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => (i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message))
    .join('; ');
}
