import type { DeferralReason, EndpointHealthRecord, SubscriptionRecord } from '@app/contracts';
import type { AttemptOutcome } from '../delivery/attempt-outcome';
import { CircuitBreaker, CircuitSettings, Verdict } from './circuit-breaker';
import { RateLimiter } from './rate-limiter';

export interface GateSettings {
  /** Attempts a responsive endpoint may have in flight (ENDPOINT_MAX_IN_FLIGHT). */
  maxInFlight: number;
  /** Attempts a slow endpoint may have in flight: one whose oldest attempt has run for `slowMs` or more. */
  slowMaxInFlight: number;
  slowMs: number;
  circuit: CircuitSettings;
  /** An endpoint whose every attempt failed for this long is disabled. */
  disableAfterMs: number;
  /** How long a delivery waits for a free in-flight place before it is tried again, at least. */
  capWaitMs: number;
  /**
   * How long a delivery may wait in the dispatcher for a place at a responsive endpoint that is at its cap
   * (at most `maxInFlight` such deliveries per endpoint), before it is deferred instead.
   */
  queueWaitMs: number;
  /** DELIVERY_TIMEOUT_MS: an attempt in flight ends by then at the latest. */
  attemptTimeoutMs: number;
}

/** What an endpoint lets a delivery do: go now (as a probe, in half-open), or be deferred until `until`. */
export type Entry = { kind: 'go'; probe: boolean; at: number } | { kind: 'defer'; reason: DeferralReason; until: number };

/** As Entry, or: wait in the dispatcher for the next free place, until `until` at the latest (then enter again). */
export type Admission = Entry | { kind: 'wait'; until: number };

/** What one attempt changed: whether the circuit moved, and whether the endpoint must be disabled (and why). */
export interface Finish {
  circuit: 'opened' | 'closed' | null;
  disable: string | null;
}

class EndpointState {
  /** Start times of the attempts in flight, oldest first. */
  readonly inFlight: number[] = [];
  readonly circuit: CircuitBreaker;
  readonly rate = new RateLimiter();
  failingSince: number | null = null;
  lastSuccessAt: number | null = null;
  lastFailureAt: number | null = null;
  lastError: string | null = null;
  /** Deliveries waiting in the dispatcher for a place (a responsive endpoint at its cap). */
  waiting = 0;
  /** Moving mean of how long an attempt held its place, for the rate at which places free. */
  meanAttemptMs = 0;
  /** Until when the places this endpoint will free are already promised to deliveries deferred for its cap. */
  promisedUntil = 0;
  /** Something changed since the last health record was written. */
  dirty = false;

  constructor(settings: CircuitSettings) {
    this.circuit = new CircuitBreaker(settings);
  }
}

function verdictOf(outcome: AttemptOutcome): Verdict {
  switch (outcome.kind) {
    case 'delivered':
      return 'success';
    case 'failed-status':
      return outcome.statusCode === 408 || outcome.statusCode === 429 ? 'neutral' : 'failure';
    case 'failed-error':
      return 'failure';
    case 'not-sent':
      return 'neutral';
  }
}

function describeDuration(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];
  const [size, name] = units.find(([u]) => ms >= u) ?? [1, 'millisecond'];
  const n = Math.round(ms / size);
  return `${n} ${name}${n === 1 ? '' : 's'}`;
}

/**
 * What this dispatcher knows of each endpoint, and the one place that decides whether a delivery may call
 * it now: at most its in-flight cap at once, not while its circuit is open, not faster than its rate limit. A
 * delivery that may not go is deferred by the caller, without a request and without spending an attempt.
 * Each dispatcher instance keeps its own state; the rate limit is shared out by the partitions it owns.
 */
export class EndpointGates {
  private readonly endpoints = new Map<string, EndpointState>();
  /** This instance's share of the events partitions: it enforces that share of each rate limit. */
  private share = 1;

  constructor(
    private readonly settings: GateSettings,
    private readonly random: () => number = Math.random,
  ) {}

  setShare(owned: number, total: number): void {
    this.share = total > 0 && owned > 0 ? owned / total : 1;
  }

  /** Seeds an endpoint from its last health record (another instance's, or this one's before a restart). */
  seed(health: EndpointHealthRecord): void {
    if (this.endpoints.has(health.subscription_id)) return;
    const s = this.state(health.subscription_id);
    s.failingSince = health.failing_since ? Date.parse(health.failing_since) : null;
    s.lastSuccessAt = health.last_success_at ? Date.parse(health.last_success_at) : null;
    s.lastFailureAt = health.last_failure_at ? Date.parse(health.last_failure_at) : null;
    s.lastError = health.last_error;
  }

  /**
   * `queued`: the delivery has waited for a place already (it may not wait again, and goes before new ones).
   * A delivery may wait only at a responsive endpoint with a closed circuit, and only as many as its cap.
   */
  enter(sub: Pick<SubscriptionRecord, 'id' | 'rate_limit'>, comesBackFromRateLimit: boolean, now: number, queued = false): Admission {
    const s = this.state(sub.id);
    if (s.inFlight.length >= this.capOf(s, now) || (!queued && s.waiting > 0)) {
      const responsive = !this.lagging(s, now);
      if (!queued && responsive && s.waiting < this.settings.maxInFlight && s.circuit.state === 'closed') {
        s.waiting += 1;
        return { kind: 'wait', until: now + this.settings.queueWaitMs };
      }
      return { kind: 'defer', reason: 'in_flight_cap', until: responsive ? this.promisePlace(s, now) : this.spread(this.placeFreesAt(s, now), this.capSpreadOf(s, now)) };
    }
    const openUntil = s.circuit.nextAdmission(now);
    if (openUntil > now) return { kind: 'defer', reason: 'circuit_open', until: this.spread(openUntil, this.settings.circuit.cooldownMs / 2) };
    // A delivery coming back from a rate-limit deferral holds the slot it reserved then.
    if (sub.rate_limit !== null && !comesBackFromRateLimit) {
      const slot = s.rate.reserve(now, sub.rate_limit * this.share);
      if (slot > now) return { kind: 'defer', reason: 'rate_limit', until: slot };
    }
    const admitted = s.circuit.admit(now);
    if (!admitted.ok) return { kind: 'defer', reason: 'circuit_open', until: this.spread(admitted.until, this.settings.circuit.cooldownMs / 2) };
    s.inFlight.push(now);
    return { kind: 'go', probe: admitted.probe, at: now };
  }

  /** A delivery stops waiting for a place (it got one, or its wait ended). */
  leave(subscriptionId: string): void {
    const s = this.endpoints.get(subscriptionId);
    if (s) s.waiting = Math.max(0, s.waiting - 1);
  }

  /**
   * When a delivery deferred from a busy but responsive endpoint should come back: the next place not yet
   * promised, at the rate the endpoint frees places (its cap over its mean attempt time). A burst far above
   * what the endpoint takes is deferred once, each delivery coming back in turn, instead of all returning
   * together after one wait and mostly meeting the full cap again.
   */
  private promisePlace(s: EndpointState, now: number): number {
    const at = Math.max(now + this.settings.capWaitMs, s.promisedUntil);
    s.promisedUntil = at + Math.max(s.meanAttemptMs, 1) / this.settings.maxInFlight;
    return Math.round(at);
  }

  /**
   * How many attempts the endpoint may have in flight now. A responsive endpoint gets the full cap, so a busy one
   * is not throttled; one whose oldest attempt has run for `slowMs` (hanging, or close to its timeout) gets
   * the small cap, so a few hanging endpoints cannot hold the slots every other endpoint needs.
   */
  private capOf(s: EndpointState, now: number): number {
    const oldest = s.inFlight[0];
    return oldest !== undefined && now - oldest >= this.settings.slowMs ? this.settings.slowMaxInFlight : this.settings.maxInFlight;
  }

  /** Its oldest attempt has run past the cap wait (or the endpoint is slow): a place will not free soon. */
  private lagging(s: EndpointState, now: number): boolean {
    const oldest = s.inFlight[0];
    return oldest !== undefined && now - oldest >= Math.min(this.settings.capWaitMs, this.settings.slowMs);
  }

  /**
   * Spreads deliveries put off to one instant over the `window` after it (never earlier), so they do not all
   * come back at once and meet the same full endpoint or circuit again.
   */
  private spread(until: number, window: number): number {
    return until + Math.floor(this.random() * window);
  }

  /**
   * Over how long the deliveries waiting for a full endpoint come back. A slow one frees a few places per
   * attempt timeout, so its waiting deliveries (hundreds at 100 events/s) are spread over that timeout instead
   * of all returning within one wait: a hanging endpoint's bookkeeping then costs a steady trickle of CPU
   * instead of a burst that delays every other endpoint's deliveries on the same dispatcher.
   */
  private capSpreadOf(s: EndpointState, now: number): number {
    const oldest = s.inFlight[0] ?? now;
    return now - oldest > this.settings.capWaitMs ? Math.max(this.settings.capWaitMs, this.settings.attemptTimeoutMs) : this.settings.capWaitMs;
  }

  /**
   * When a full endpoint may have a place again. A slow one (its oldest attempt running longer than the wait)
   * frees one when that attempt ends, by the delivery timeout at the latest: a hanging endpoint's deliveries
   * are not asked again and again meanwhile. A busy but quick one is asked again after the wait.
   */
  private placeFreesAt(s: EndpointState, now: number): number {
    const oldest = s.inFlight[0] ?? now;
    return now - oldest > this.settings.capWaitMs ? Math.max(now + this.settings.capWaitMs, oldest + this.settings.attemptTimeoutMs) : now + this.settings.capWaitMs;
  }

  /** `startedAt`: the `at` of the entry that let the attempt go. */
  finish(subscriptionId: string, probe: boolean, outcome: AttemptOutcome, now: number, startedAt = now): Finish {
    const s = this.state(subscriptionId);
    const i = s.inFlight.indexOf(startedAt);
    s.inFlight.splice(i === -1 ? 0 : i, 1);
    const held = Math.max(0, now - startedAt);
    s.meanAttemptMs = s.meanAttemptMs === 0 ? held : s.meanAttemptMs * 0.9 + held * 0.1;
    const verdict = verdictOf(outcome);
    const circuit = s.circuit.record(verdict, probe, now);
    if (verdict === 'neutral') return { circuit, disable: null };
    s.dirty = true;
    if (verdict === 'success') {
      s.failingSince = null;
      s.lastSuccessAt = now;
      return { circuit, disable: null };
    }
    s.failingSince ??= now;
    s.lastFailureAt = now;
    s.lastError = outcome.kind === 'failed-status' ? `receiver answered ${outcome.statusCode}` : outcome.kind === 'failed-error' ? outcome.message : null;
    if (outcome.kind === 'failed-status' && outcome.statusCode === 410) return { circuit, disable: 'the endpoint answered 410 Gone' };
    if (now - s.failingSince >= this.settings.disableAfterMs) {
      return { circuit, disable: `every attempt failed for ${describeDuration(now - s.failingSince)} (ENDPOINT_DISABLE_AFTER)` };
    }
    return { circuit, disable: null };
  }

  /** Forgets an endpoint (deleted, or enabled again after being disabled: it starts afresh). */
  forget(subscriptionId: string): void {
    this.endpoints.delete(subscriptionId);
  }

  get openCircuits(): number {
    let n = 0;
    for (const s of this.endpoints.values()) if (s.circuit.state !== 'closed') n++;
    return n;
  }

  /** Health records of endpoints that changed since the last call (and marks them written). */
  takeChanged(now: number): EndpointHealthRecord[] {
    const out: EndpointHealthRecord[] = [];
    for (const [id, s] of this.endpoints) {
      if (!s.dirty) continue;
      s.dirty = false;
      out.push(this.healthOf(id, s, now));
    }
    return out;
  }

  /** Marks an endpoint so its health is written with the next batch (its circuit moved). */
  touch(subscriptionId: string): void {
    this.state(subscriptionId).dirty = true;
  }

  private healthOf(id: string, s: EndpointState, now: number): EndpointHealthRecord {
    const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
    return {
      kind: 'endpoint-health',
      version: 1,
      subscription_id: id,
      circuit: s.circuit.state,
      failure_streak: s.circuit.failureStreak,
      failing_since: iso(s.failingSince),
      last_success_at: iso(s.lastSuccessAt),
      last_failure_at: iso(s.lastFailureAt),
      last_error: s.lastError,
      open_until: s.circuit.state === 'open' ? iso(s.circuit.openUntil) : null,
      at: new Date(now).toISOString(),
    };
  }

  private state(id: string): EndpointState {
    let s = this.endpoints.get(id);
    if (!s) this.endpoints.set(id, (s = new EndpointState(this.settings.circuit)));
    return s;
  }
}
