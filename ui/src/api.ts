import { signOut, storedKey } from './session';

/** An error answer of the API; `message` is the API's own sentence, shown to the person as is. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type QueryValue = string | number | null | undefined;

/** `?a=1&b=2` from the values that are set (empty strings count as unset); '' when none is. */
export function queryString(params: Record<string, QueryValue>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A path segment made safe to put between slashes. */
export const seg = encodeURIComponent;

/**
 * Calls the API on this origin with the signed-in key. The answer is trusted to have the documented
 * shape `T`: it comes from the same server that serves this page, and everything from it is rendered as
 * text, never as markup.
 */
export async function call<T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown, key = storedKey()): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'the API could not be reached');
  }
  const text = await res.text();
  const parsed = parseJson(text);
  if (!res.ok) {
    const message = messageOf(parsed) ?? `${method} ${path.split('?')[0] ?? path} answered ${res.status}`;
    // A key the API no longer accepts (revoked, or the server's keys changed) ends the session.
    if (res.status === 401 && key !== null && key === storedKey()) signOut(message);
    throw new ApiError(res.status, message);
  }
  return parsed as T;
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function messageOf(body: unknown): string | null {
  if (body === null || typeof body !== 'object') return null;
  const message = (body as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  // Validation errors may carry a list of sentences.
  if (Array.isArray(message) && message.every((m) => typeof m === 'string')) return message.join('; ');
  return null;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
