import type { SubscriptionRecord } from '@app/contracts';
import type { AttemptOutcome } from '../delivery/attempt-outcome';
import { EndpointGates, Entry } from './endpoint-gates';
import { PlaceQueues } from './place-queues';

const settings = { maxInFlight: 2, slowMaxInFlight: 2, slowMs: 1_000_000, circuit: { threshold: 1, cooldownMs: 60_000, cooldownMaxMs: 60_000 }, disableAfterMs: 1e9, capWaitMs: 1000, queueWaitMs: 200, attemptTimeoutMs: 10_000 };
const sub = { id: 'sub_q', rate_limit: null } as SubscriptionRecord;
const ok: AttemptOutcome = { kind: 'delivered', statusCode: 200, durationMs: 1 };
const fail: AttemptOutcome = { kind: 'failed-error', failure: 'timeout', message: 'timeout', durationMs: 1 };

/** Two deliveries (the cap) waiting behind two in flight, as the dispatcher's admission makes them. */
function twoWaiting() {
  const gates = new EndpointGates(settings, () => 0);
  const queues = new PlaceQueues(gates, (e) => e);
  const first = gates.enter(sub, false, Date.now());
  if (first.kind !== 'go' || gates.enter(sub, false, Date.now()).kind !== 'go') throw new Error('the first two deliveries should go');
  const settled: Array<Entry['kind']> = [];
  const waiters = [queues.admit(sub, false), queues.admit(sub, false)].map((p, i) => p.then((e) => ((settled[i] = e.kind), e)));
  return { gates, queues, first, waiters, settled };
}

/** Lets every settled promise's callbacks run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('PlaceQueues', () => {
  it('hands a freed place to the oldest waiter at once, and defers one whose wait ran out', async () => {
    const { gates, queues, first, waiters, settled } = twoWaiting();
    await settle();
    expect(settled).toEqual([]);
    gates.finish(sub.id, false, ok, Date.now(), first.at);
    const freed = Date.now();
    queues.handOver(sub.id);
    expect(await waiters[0]).toMatchObject({ kind: 'go' });
    expect(Date.now() - freed).toBeLessThan(settings.queueWaitMs);
    expect(settled[1]).toBeUndefined();
    expect(await waiters[1]).toMatchObject({ kind: 'defer', reason: 'in_flight_cap' });
  });

  it('sends every waiter away when the circuit opens', async () => {
    const { gates, queues, first, waiters, settled } = twoWaiting();
    await settle();
    expect(settled).toEqual([]);
    expect(gates.finish(sub.id, false, fail, Date.now(), first.at).circuit).toBe('opened');
    const started = Date.now();
    queues.releaseAll(sub.id);
    const entries = await Promise.all(waiters);
    expect(entries.map((e) => e.kind)).toEqual(['defer', 'defer']);
    expect(entries[0]).toMatchObject({ reason: 'circuit_open' });
    expect(Date.now() - started).toBeLessThan(settings.queueWaitMs);
  });
});
