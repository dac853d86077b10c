import type { FailureKind, HttpAttemptResult } from '@app/delivery';

/**
 * What one delivery attempt came to. `not-sent`: no request was made because none could be (the
 * subscription was deleted or disabled, or its secret cannot be opened): retrying cannot help.
 */
export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number; durationMs: number }
  | { kind: 'failed-status'; statusCode: number; durationMs: number; retryAfterMs: number | null }
  | { kind: 'failed-error'; failure: FailureKind; message: string; durationMs: number }
  | { kind: 'not-sent'; reason: string };

export function outcomeOf(result: HttpAttemptResult): AttemptOutcome {
  const { statusCode, durationMs } = result;
  if (statusCode === null) return { kind: 'failed-error', failure: result.failure ?? 'other', message: result.error ?? 'no response', durationMs };
  if (statusCode >= 200 && statusCode < 300) return { kind: 'delivered', statusCode, durationMs };
  return { kind: 'failed-status', statusCode, durationMs, retryAfterMs: result.retryAfterMs };
}

export function notSent(reason: string): AttemptOutcome {
  return { kind: 'not-sent', reason };
}

/** The fields of the attempt record that describe the outcome. */
export function recordFieldsOf(o: AttemptOutcome): { status_code: number | null; error: string | null; duration_ms: number } {
  switch (o.kind) {
    case 'delivered':
      return { status_code: o.statusCode, error: null, duration_ms: o.durationMs };
    case 'failed-status':
      return { status_code: o.statusCode, error: `receiver answered ${o.statusCode}`, duration_ms: o.durationMs };
    case 'failed-error':
      return { status_code: null, error: o.message, duration_ms: o.durationMs };
    case 'not-sent':
      return { status_code: null, error: o.reason, duration_ms: 0 };
  }
}
