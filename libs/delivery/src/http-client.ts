/** Why a request got no response: the class of failure, for the circuit breaker and the records. */
export type FailureKind = 'timeout' | 'refused' | 'reset' | 'dns' | 'tls' | 'forbidden-target' | 'other';

/** What one HTTP delivery attempt came to. */
export interface HttpAttemptResult {
  /** The response's status, or null when no response came. */
  statusCode: number | null;
  /** Why the attempt failed (non-2xx, timeout, connection, DNS, TLS, refused target), or null on 2xx. */
  error: string | null;
  /** Set when no response came. */
  failure?: FailureKind;
  durationMs: number;
  /** Seconds from a Retry-After header on 429/503, when given. */
  retryAfterMs: number | null;
}

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** What both delivery clients are built with. */
export interface ClientOptions {
  timeoutMs: number;
  allowPrivateTargets: boolean;
  /** DNS servers to resolve endpoint hosts through (DNS_SERVERS); empty or absent: the system resolver. */
  dnsServers?: string[];
  /** Connections per endpoint host. */
  maxSockets: number;
}

/** The port every delivery goes through; implementations must not follow redirects and must enforce TLS ≥ 1.2. */
export interface DeliveryHttpClient {
  post(request: HttpRequest): Promise<HttpAttemptResult>;
  close(): void;
}

export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return null;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The class of a request failure, whichever client failed. */
export function failureKind(name: string, code: string | undefined): FailureKind {
  if (name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return 'timeout';
  }
  if (code === 'EFORBIDDENTARGET') return 'forbidden-target';
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return 'reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code && /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|EPROTO)/.test(code)) return 'tls';
  return 'other';
}

/** One readable reason for a failed attempt, whichever client failed: the class first, then the detail. */
export function describeFailure(name: string, code: string | undefined, message: string): string {
  switch (failureKind(name, code)) {
    case 'timeout':
      return `timeout: no response within the delivery timeout (${message})`;
    case 'forbidden-target':
      return message;
    case 'refused':
      return `connection refused (${message})`;
    case 'reset':
      return `connection reset (${message})`;
    case 'dns':
      return `DNS lookup failed (${message})`;
    case 'tls':
      return `TLS failure: ${message}`;
    case 'other':
      return `${code ?? name}: ${message}`;
  }
}

/** A failed request's result: no response, the class of failure and a readable reason. */
export function noResponse(name: string, code: string | undefined, message: string, durationMs: number): HttpAttemptResult {
  return { statusCode: null, error: describeFailure(name, code, message), failure: failureKind(name, code), durationMs, retryAfterMs: null };
}
