import type { AttemptOutcome } from '../delivery/attempt-outcome';
import { EndpointGates } from './endpoint-gates';

const settings = { maxInFlight: 2, slowMaxInFlight: 2, slowMs: 1_000_000, circuit: { threshold: 3, cooldownMs: 1000, cooldownMaxMs: 4000 }, disableAfterMs: 60_000, capWaitMs: 100, queueWaitMs: 50, attemptTimeoutMs: 10_000 };
/** Gates whose spreading of deferrals is switched off (0) unless a test says otherwise. */
const gatesOf = (s: typeof settings, random = () => 0) => new EndpointGates(s, random);
const sub = { id: 'sub_1', rate_limit: null };
const fail: AttemptOutcome = { kind: 'failed-error', failure: 'timeout', message: 'timeout', durationMs: 10 };
const ok: AttemptOutcome = { kind: 'delivered', statusCode: 200, durationMs: 5 };
const status = (statusCode: number): AttemptOutcome => ({ kind: 'failed-status', statusCode, durationMs: 5, retryAfterMs: null });

describe('EndpointGates', () => {
  it('lets at most maxInFlight deliveries call one endpoint at once and defers the rest, without touching others', () => {
    const gates = gatesOf(settings);
    expect(gates.enter(sub, false, 0)).toEqual({ kind: 'go', probe: false, at: 0 });
    expect(gates.enter(sub, false, 0)).toEqual({ kind: 'go', probe: false, at: 0 });
    expect(gates.enter(sub, false, 0, true)).toEqual({ kind: 'defer', reason: 'in_flight_cap', until: 100 });
    expect(gates.enter({ id: 'sub_2', rate_limit: null }, false, 0)).toMatchObject({ kind: 'go', probe: false });
    gates.finish('sub_1', false, ok, 1, 0);
    expect(gates.enter(sub, false, 1).kind).toBe('go');
  });

  it('gives a slow endpoint (oldest attempt running for slowMs) the small cap, a responsive one the full cap', () => {
    const gates = gatesOf({ ...settings, maxInFlight: 4, slowMaxInFlight: 1, slowMs: 500 });
    for (let i = 0; i < 4; i++) expect(gates.enter(sub, false, 0).kind).toBe('go');
    expect(gates.enter(sub, false, 100).kind).toBe('defer');
    for (let i = 0; i < 4; i++) gates.finish('sub_1', false, ok, 100, 0);
    expect(gates.enter(sub, false, 1000).kind).toBe('go');
    expect(gates.enter(sub, false, 1499).kind).toBe('go');
    expect(gates.enter(sub, false, 1500)).toMatchObject({ kind: 'defer', reason: 'in_flight_cap' });
  });

  it('spreads deliveries put off to one instant over a window after it, never before', () => {
    const gates = gatesOf({ ...settings, maxInFlight: 100 }, () => 0.5);
    for (let i = 0; i < 3; i++) {
      gates.enter(sub, false, 0);
      gates.finish('sub_1', false, fail, 0);
    }
    expect(gates.enter(sub, false, 10)).toEqual({ kind: 'defer', reason: 'circuit_open', until: 1000 + 250 });
  });

  it('spreads the deliveries waiting for a slow, full endpoint over its attempt timeout', () => {
    const gates = gatesOf(settings, () => 0.5);
    gates.enter(sub, false, 0);
    gates.enter(sub, false, 50);
    expect(gates.enter(sub, false, 5000)).toEqual({ kind: 'defer', reason: 'in_flight_cap', until: 10_000 + 5000 });
  });

  it('lets deliveries to a busy but responsive endpoint wait for a place, as many as its cap, and defers the rest in turn at the rate places free', () => {
    const gates = gatesOf(settings);
    gates.enter(sub, false, 0);
    gates.enter(sub, false, 0);
    gates.finish('sub_1', false, ok, 10, 0);
    expect(gates.enter(sub, false, 10).kind).toBe('go');
    expect(gates.enter(sub, false, 20)).toEqual({ kind: 'wait', until: 70 });
    expect(gates.enter(sub, false, 20)).toEqual({ kind: 'wait', until: 70 });
    // Two wait (the cap): the next ones are deferred, each to the next place not yet promised (mean attempt 10 ms, cap 2).
    expect(gates.enter(sub, false, 20)).toEqual({ kind: 'defer', reason: 'in_flight_cap', until: 120 });
    expect(gates.enter(sub, false, 20)).toEqual({ kind: 'defer', reason: 'in_flight_cap', until: 125 });
    expect(gates.enter(sub, false, 20)).toEqual({ kind: 'defer', reason: 'in_flight_cap', until: 130 });
    // A place freed while some wait goes to a waiter, never to a delivery arriving now.
    gates.finish('sub_1', false, ok, 25, 0);
    gates.leave('sub_1');
    expect(gates.enter(sub, false, 25)).toEqual({ kind: 'wait', until: 75 });
    expect(gates.enter(sub, false, 25, true).kind).toBe('go');
  });

  it('never lets a delivery wait at an endpoint whose oldest attempt runs past the wait, nor behind an open circuit, nor twice', () => {
    const lagging = gatesOf(settings);
    lagging.enter(sub, false, 0);
    lagging.enter(sub, false, 0);
    expect(lagging.enter(sub, false, 100).kind).toBe('defer');
    const queued = gatesOf(settings);
    queued.enter(sub, false, 0);
    queued.enter(sub, false, 0);
    expect(queued.enter(sub, false, 10, true).kind).toBe('defer');
    const open = gatesOf({ ...settings, maxInFlight: 1, circuit: { ...settings.circuit, threshold: 1 } });
    open.enter(sub, false, 0);
    open.finish('sub_1', false, fail, 0);
    open.enter(sub, false, 1000);
    expect(open.enter(sub, false, 1001)).toMatchObject({ kind: 'defer', reason: 'in_flight_cap' });
  });

  it('puts off a delivery to a slow, full endpoint until its oldest attempt must have ended', () => {
    const gates = gatesOf(settings);
    gates.enter(sub, false, 0);
    gates.enter(sub, false, 50);
    // Quick and full (and waited once already): asked again after the wait. Slow (oldest running past the wait): when the oldest times out.
    expect(gates.enter(sub, false, 60, true)).toEqual({ kind: 'defer', reason: 'in_flight_cap', until: 160 });
    expect(gates.enter(sub, false, 5000)).toEqual({ kind: 'defer', reason: 'in_flight_cap', until: 10_000 });
    gates.finish('sub_1', false, fail, 10_000, 0);
    expect(gates.enter(sub, false, 10_000).kind).toBe('go');
  });

  it('opens the circuit after the threshold of consecutive failures, lets one probe through after the cool-down, and closes on its success', () => {
    const gates = gatesOf({ ...settings, maxInFlight: 100 });
    for (let i = 0; i < 2; i++) {
      gates.enter(sub, false, 0);
      expect(gates.finish('sub_1', false, fail, 0).circuit).toBeNull();
    }
    gates.enter(sub, false, 0);
    expect(gates.finish('sub_1', false, fail, 10).circuit).toBe('opened');
    expect(gates.enter(sub, false, 500)).toEqual({ kind: 'defer', reason: 'circuit_open', until: 1010 });
    expect(gates.enter(sub, false, 1010)).toEqual({ kind: 'go', probe: true, at: 1010 });
    expect(gates.enter(sub, false, 1011).kind).toBe('defer');
    expect(gates.finish('sub_1', true, ok, 1020).circuit).toBe('closed');
    expect(gates.enter(sub, false, 1021)).toEqual({ kind: 'go', probe: false, at: 1021 });
  });

  it('doubles the cool-down while probes fail, up to the maximum', () => {
    const gates = gatesOf({ ...settings, maxInFlight: 100 });
    for (let i = 0; i < 3; i++) {
      gates.enter(sub, false, 0);
      gates.finish('sub_1', false, fail, 0);
    }
    let now = 1000;
    for (const cooldown of [2000, 4000, 4000]) {
      expect(gates.enter(sub, false, now)).toEqual({ kind: 'go', probe: true, at: now });
      expect(gates.finish('sub_1', true, fail, now).circuit).toBe('opened');
      expect(gates.enter(sub, false, now + cooldown - 1)).toMatchObject({ kind: 'defer', until: now + cooldown });
      now += cooldown;
    }
  });

  it('counts 4xx other than 408 and 429 as failures; 408 and 429 neither open nor close', () => {
    const gates = gatesOf({ ...settings, maxInFlight: 100 });
    for (const code of [429, 408, 429, 408]) {
      gates.enter(sub, false, 0);
      gates.finish('sub_1', false, status(code), 0);
    }
    expect(gates.enter(sub, false, 0).kind).toBe('go');
    for (const code of [400, 404, 500]) gates.finish('sub_1', false, status(code), 0);
    expect(gates.enter(sub, false, 1)).toMatchObject({ kind: 'defer', reason: 'circuit_open' });
  });

  it('disables on 410 Gone at once, and after nothing but failures for disableAfterMs', () => {
    const gates = gatesOf({ ...settings, maxInFlight: 100, circuit: { ...settings.circuit, threshold: 1000 } });
    expect(gates.finish('sub_1', false, status(410), 0).disable).toMatch(/410 Gone/);
    const other = 'sub_2';
    expect(gates.finish(other, false, fail, 0).disable).toBeNull();
    expect(gates.finish(other, false, fail, 59_999).disable).toBeNull();
    expect(gates.finish(other, false, ok, 59_999).disable).toBeNull();
    expect(gates.finish(other, false, fail, 70_000).disable).toBeNull();
    expect(gates.finish(other, false, fail, 130_000).disable).toMatch(/every attempt failed for 1 minute/);
  });

  it('spaces deliveries by the rate limit (its share on this instance), and lets one that reserved a slot through when it comes back', () => {
    const gates = gatesOf({ ...settings, maxInFlight: 100 });
    const limited = { id: 'sub_r', rate_limit: 10 };
    expect(gates.enter(limited, false, 0).kind).toBe('go');
    expect(gates.enter(limited, false, 0)).toEqual({ kind: 'defer', reason: 'rate_limit', until: 100 });
    expect(gates.enter(limited, false, 0)).toEqual({ kind: 'defer', reason: 'rate_limit', until: 200 });
    expect(gates.enter(limited, true, 100).kind).toBe('go');
    gates.setShare(3, 6);
    expect(gates.enter(limited, false, 1000).kind).toBe('go');
    expect(gates.enter(limited, false, 1000)).toEqual({ kind: 'defer', reason: 'rate_limit', until: 1200 });
  });

  it('writes a health record for an endpoint once per change', () => {
    const gates = gatesOf(settings);
    gates.enter(sub, false, 0);
    gates.finish('sub_1', false, fail, 5);
    const [health] = gates.takeChanged(6);
    expect(health).toMatchObject({ subscription_id: 'sub_1', circuit: 'closed', failure_streak: 1, last_error: 'timeout', failing_since: new Date(5).toISOString() });
    expect(gates.takeChanged(7)).toEqual([]);
  });
});
