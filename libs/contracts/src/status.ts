/**
 * The one status vocabulary of hookstream: what a delivery (one event to one subscription) and an event can
 * be, and the rules between them. The dispatcher, the projector, the read model and the API all use these.
 */

export const DELIVERY_STATUSES = ['pending', 'retrying', 'delivered', 'failed', 'skipped'] as const;
/**
 * `pending`: accepted, no attempt finished. `retrying`: an attempt failed or was deferred and another is
 * scheduled. `delivered`: a 2xx came back. `failed`: the last allowed attempt failed (or the delivery could
 * not be made at all). `skipped`: the subscription was disabled when the event came; recoverable.
 */
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const EVENT_STATUSES = ['pending', 'retrying', 'delivered', 'failed', 'no_subscribers'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

/** What one attempt came to, as recorded on the attempts topic. */
export const ATTEMPT_OUTCOMES = ['delivered', 'failed'] as const;
export type AttemptOutcomeName = (typeof ATTEMPT_OUTCOMES)[number];

/** A delivery's status once an attempt is recorded: delivered, or failed with or without a next attempt. */
export function deliveryStatusAfter(attempt: { outcome: AttemptOutcomeName; next_attempt_at: string | null }): DeliveryStatus {
  if (attempt.outcome === 'delivered') return 'delivered';
  return attempt.next_attempt_at ? 'retrying' : 'failed';
}

/** Statuses after which nothing more happens to a delivery unless someone retries or recovers it. */
export function isTerminal(status: DeliveryStatus): boolean {
  return status === 'delivered' || status === 'failed' || status === 'skipped';
}

/**
 * An event is `pending` or `retrying` while any delivery is (retrying first), else `delivered` when all are,
 * else `failed`; an event that matched no subscription is `no_subscribers`. `subscriberCount` is null until
 * the fan-out is known.
 */
export function eventStatus(subscriberCount: number | null, deliveries: ReadonlyArray<DeliveryStatus>): EventStatus {
  if (deliveries.length === 0) return subscriberCount === 0 ? 'no_subscribers' : 'pending';
  if (deliveries.includes('retrying')) return 'retrying';
  if (deliveries.includes('pending')) return 'pending';
  return deliveries.every((d) => d === 'delivered') ? 'delivered' : 'failed';
}
