import { RetryPolicy, retryDelayMs } from '@app/config';

/** Every topic hookstream uses, derived from one prefix so a deployment (or a test run) owns its own set. */
export interface Topics {
  /** Producers write here (API or straight to Kafka). Key = event id. */
  events: string;
  /** Records from `events` that are not valid JSON or break the schema, with the reason. */
  eventsInvalid: string;
  /** Compacted. Key = subscription id; value = the subscription, or null once deleted. */
  subscriptions: string;
  /** Fan-out decision per accepted event; co-partitioned with `events`. Also the idempotency changelog. */
  dispatch: string;
  /** One record per delivery attempt. Key = event id. */
  attempts: string;
  /** Deliveries due now (retries handed back by the scheduler, manual retries). */
  deliveries: string;
  /** Deliveries whose last allowed attempt failed. */
  deadLetter: string;
  /** Every API call (who, from where, what, result), and endpoints hookstream disabled; attempts are audited from `attempts`. */
  audit: string;
  /** Compacted. Key = subscription id; what a dispatcher knows of the endpoint (circuit, failures). */
  endpointHealth: string;
  /** Compacted. Key = tenant id. */
  tenants: string;
  /** Compacted. Key = key id; only a hash of each tenant key. A null value revokes. */
  tenantKeys: string;
  /** One topic per retry delay; index i holds retry i+1. */
  retryTiers: RetryTier[];
}

export interface RetryTier {
  topic: string;
  delayMs: number;
}

export function topicsFor(prefix: string, retry: RetryPolicy): Topics {
  const retryTiers = Array.from({ length: retry.max }, (_, i) => {
    const delayMs = retryDelayMs(retry, i + 1);
    return { topic: `${prefix}.retry.${delayMs}ms`, delayMs };
  });
  return {
    events: `${prefix}.events`,
    eventsInvalid: `${prefix}.events.invalid`,
    subscriptions: `${prefix}.subscriptions`,
    dispatch: `${prefix}.dispatch`,
    attempts: `${prefix}.attempts`,
    deliveries: `${prefix}.deliveries`,
    deadLetter: `${prefix}.dead-letter`,
    audit: `${prefix}.audit`,
    endpointHealth: `${prefix}.endpoint-health`,
    tenants: `${prefix}.tenants`,
    tenantKeys: `${prefix}.tenant-keys`,
    retryTiers,
  };
}

/**
 * How long a deferred delivery may wait past its first due time: its whole retry schedule, plus a minute so
 * that a short schedule (as in tests) still rides out a burst. Past it the delivery ends `failed`.
 */
export function retrySpanMs(tiers: RetryTier[]): number {
  return tiers.reduce((sum, t) => sum + t.delayMs, 0) + 60_000;
}
