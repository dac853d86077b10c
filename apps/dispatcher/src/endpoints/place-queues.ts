import type { SubscriptionRecord } from '@app/contracts';
import type { EndpointGates, Entry } from './endpoint-gates';

interface Waiter {
  sub: SubscriptionRecord;
  comesBackFromRateLimit: boolean;
  resolve: (entry: Entry) => void;
  timer: NodeJS.Timeout;
}

/**
 * Deliveries waiting in the dispatcher for a place at a busy but responsive endpoint, first come first
 * served. A place an attempt frees is handed to the oldest waiter at once (no new delivery can take it in
 * between); a waiter not served by its deadline enters again and is deferred if the endpoint is still full.
 * The gates bound how many wait (the endpoint's cap) and for how long, so waiting never holds more than a
 * small share of the dispatcher's slots, nor for long.
 */
export class PlaceQueues {
  private readonly queues = new Map<string, Waiter[]>();

  constructor(
    private readonly gates: EndpointGates,
    private readonly onEntry: (entry: Entry) => Entry,
  ) {}

  /** Whether a delivery may call its endpoint: at once, after a short wait for a place, or deferred. */
  admit(sub: SubscriptionRecord, comesBackFromRateLimit: boolean): Promise<Entry> {
    const admission = this.gates.enter(sub, comesBackFromRateLimit, Date.now());
    return admission.kind === 'wait' ? this.wait(sub, comesBackFromRateLimit, admission.until) : Promise.resolve(this.onEntry(admission));
  }

  private wait(sub: SubscriptionRecord, comesBackFromRateLimit: boolean, until: number): Promise<Entry> {
    return new Promise((resolve) => {
      const waiter: Waiter = { sub, comesBackFromRateLimit, resolve, timer: setTimeout(() => this.release(waiter), Math.max(0, until - Date.now())) };
      const queue = this.queues.get(sub.id);
      if (queue) queue.push(waiter);
      else this.queues.set(sub.id, [waiter]);
    });
  }

  /** A place of this endpoint was freed: the oldest waiter enters now. */
  handOver(subscriptionId: string): void {
    const waiter = this.queues.get(subscriptionId)?.[0];
    if (waiter) this.release(waiter);
  }

  /** Every waiter (of one endpoint, or of all) enters now: those that find no place are deferred. */
  releaseAll(subscriptionId?: string): void {
    const ids = subscriptionId === undefined ? [...this.queues.keys()] : [subscriptionId];
    for (const id of ids) for (const waiter of [...(this.queues.get(id) ?? [])]) this.release(waiter);
  }

  private release(waiter: Waiter): void {
    const queue = this.queues.get(waiter.sub.id);
    const i = queue?.indexOf(waiter) ?? -1;
    if (!queue || i === -1) return;
    queue.splice(i, 1);
    if (queue.length === 0) this.queues.delete(waiter.sub.id);
    clearTimeout(waiter.timer);
    this.gates.leave(waiter.sub.id);
    const entry = this.gates.enter(waiter.sub, waiter.comesBackFromRateLimit, Date.now(), true);
    // A delivery that has waited once is never asked to wait again.
    waiter.resolve(this.onEntry(entry.kind === 'wait' ? { kind: 'defer', reason: 'in_flight_cap', until: entry.until } : entry));
  }
}
