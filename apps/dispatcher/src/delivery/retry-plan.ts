import type { RetryTier } from '@app/contracts';

export type NextStep = { kind: 'retry'; tier: RetryTier; dueAt: Date } | { kind: 'give-up' };

/**
 * What follows a failed attempt. `attempt` is the attempt that failed; the sequence ends at `lastAttempt`.
 * Retry k (1-based within the sequence) waits tier k's delay; a Retry-After moves it to the first tier at
 * least that long (the largest tier when none is). `jitter` (0.1: up to 10 %) moves the due time later by a
 * random share of the delay — never earlier — so endpoints that failed together are not retried together.
 */
export function nextStep(tiers: RetryTier[], attempt: number, lastAttempt: number, retryAfterMs: number | null, now: Date, jitter = 0, random = Math.random): NextStep {
  if (attempt >= lastAttempt || tiers.length === 0) return { kind: 'give-up' };
  const retryNumber = tiers.length - (lastAttempt - attempt) + 1;
  let index = Math.min(Math.max(retryNumber, 1), tiers.length) - 1;
  if (retryAfterMs !== null && retryAfterMs > tiers[index]!.delayMs) {
    const fit = tiers.findIndex((t) => t.delayMs >= retryAfterMs);
    index = fit === -1 ? tiers.length - 1 : fit;
  }
  const tier = tiers[index]!;
  return { kind: 'retry', tier, dueAt: new Date(now.getTime() + Math.round(tier.delayMs * (1 + jitter * random()))) };
}

/** The tier a deferral goes to: the first whose delay covers the wait, else the largest. */
export function tierCovering(tiers: RetryTier[], waitMs: number): RetryTier {
  return tiers.find((t) => t.delayMs >= waitMs) ?? tiers[tiers.length - 1]!;
}
