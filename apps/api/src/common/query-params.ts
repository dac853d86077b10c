import { BadRequestException } from '@nestjs/common';
import { decodeCursor } from '@app/persistence';

/** Query parameters of the list routes, checked with a 400 that names the parameter. */

export function limitParam(text: string | undefined, fallback = 50, max = 200): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new BadRequestException(`limit must be a whole number from 1 to ${max}`);
  return n;
}

export function timeParam(name: string, text: string | undefined): Date | null {
  if (text === undefined) return null;
  const t = new Date(text);
  if (Number.isNaN(t.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(text)) throw new BadRequestException(`${name} must be an ISO-8601 date-time`);
  return t;
}

export function listParam<T extends string>(name: string, text: string | undefined, allowed: readonly T[]): T[] {
  if (text === undefined || text === '') return [];
  const values = text.split(',').map((v) => v.trim());
  const bad = values.find((v) => !(allowed as readonly string[]).includes(v));
  if (bad !== undefined) throw new BadRequestException(`${name} must be one or more of ${allowed.join(', ')} (comma-separated); got "${bad.slice(0, 50)}"`);
  return values as T[];
}

export function cursorParam(text: string | undefined): [string, string, string] | null {
  if (text === undefined) return null;
  const key = decodeCursor(text, 3);
  if (!key) throw new BadRequestException('cursor must be the next_cursor of a previous page');
  return key.map(String) as [string, string, string];
}

/** The window and page of a list route: since, until, the cursor's key and the limit. */
export function pageParams(q: { since?: string; until?: string; cursor?: string; limit?: string }) {
  return { since: timeParam('since', q.since), until: timeParam('until', q.until), after: cursorParam(q.cursor), limit: limitParam(q.limit) };
}
