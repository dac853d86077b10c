import { testEnv } from './env';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export interface CallOptions {
  key?: string | null;
  baseUrl?: string;
  headers?: Record<string, string>;
  rawBody?: string;
}

/** Calls the API of this test run with its key (or another key, or none). */
export async function api<T = Record<string, unknown>>(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<ApiResponse<T>> {
  const env = testEnv();
  const key = opts.key === undefined ? env.env.API_KEYS : opts.key;
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const payload = opts.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${opts.baseUrl ?? env.apiUrl}${path}`, { method, headers, body: payload });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
