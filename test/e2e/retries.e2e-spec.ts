import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { publish, statusOf, subscribe } from '../support/flows';
import { closeKafka, findRecord, readToEnd, topic } from '../support/kafka';
import { logLines } from '../support/logs';
import { Receiver } from '../support/receiver';

// The run's settings: RETRY_BASE_MS=100, RETRY_MULTIPLIER=4, RETRY_MAX=3 → retries after 100, 400, 1600 ms.
const BASE = Number(testEnv().env.RETRY_BASE_MS);
const MULTIPLIER = Number(testEnv().env.RETRY_MULTIPLIER);
const MAX = Number(testEnv().env.RETRY_MAX);

interface Attempt {
  subscription_id: string;
  attempt: number;
  started_at: string;
  status_code: number | null;
  error: string | null;
  outcome: string;
}

const attemptsOf = async (id: string) => (await api<Attempt[]>('GET', `/events/${id}/attempts`)).body;

/**
 * How late a retry may fire. The product promises 250 ms on an idle system. This machine has 2 cores shared
 * by the broker, Postgres, four apps, the test process and often other test runs; there a GC pause or a
 * starved event loop in the scheduler or the dispatcher, or a produce round trip on a busy broker, can add
 * a few hundred ms that an idle system never sees. (Measured with a load average of 11–13: at most 27 ms
 * late, so the margin is for rare stalls, not the usual case.) 500 ms on top keeps the bound well below
 * what a scheduler that waits for a poll, or a retry sent a tier too far (4× the delay), would take.
 */
const LATE_MS = 250 + 500;

/** Each retry's start minus the due time its failed predecessor recorded (attempt records on Kafka). */
async function latenessOf(id: string, attempts: number): Promise<number[]> {
  const records = await eventually(async () => {
    const mine = (await readToEnd([topic('attempts')])).filter((r) => r.key === id).map((r) => JSON.parse(r.value!) as Attempt & { next_attempt_at: string | null });
    return mine.length >= attempts ? mine.sort((a, b) => a.attempt - b.attempt) : undefined;
  }, `${attempts} attempt records of ${id}`);
  return records.slice(1).map((r, i) => Date.parse(r.started_at) - Date.parse(records[i]!.next_attempt_at!));
}

/** The gap between two requests the receiver saw: at least the delay, at most the delay plus LATE_MS. */
function expectGap(gap: number, delayMs: number): void {
  expect([delayMs, gap >= delayMs, gap <= delayMs + LATE_MS]).toEqual([delayMs, true, true]);
}

describe('retries', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(async () => {
    await receiver.stop();
    await closeKafka();
  });

  async function scenario(path: string, behave: Receiver['respond']) {
    const type = `${uniqueId('rt')}.event`;
    const sub = await subscribe(receiver.url(path), [type]);
    receiver.respond = (r, nth) => (r.path === path ? behave(r, nth) : 200);
    const id = await publish({ type, data: {} });
    return { id, sub };
  }

  it('retries after failures and delivers: pending → retrying → delivered, gaps at least the tier delays', async () => {
    const { id } = await scenario('/twice', (_r, nth) => (nth <= 2 ? 500 : 200));
    const retrying = await statusOf(id, ['retrying']);
    expect(retrying.deliveries[0]).toMatchObject({ status: 'retrying', last_status_code: 500, last_error: 'receiver answered 500' });
    expect(Date.parse(retrying.deliveries[0]!.next_attempt_at!)).toBeGreaterThan(Date.parse(retrying.last_attempt!));

    const done = await statusOf(id, ['delivered']);
    expect(done).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(done.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 3, last_status_code: 200, last_error: null, next_attempt_at: null });
    const at = receiver.byEvent(id).map((r) => r.at);
    expect(at).toHaveLength(3);
    expectGap(at[1]! - at[0]!, BASE);
    expectGap(at[2]! - at[1]!, BASE * MULTIPLIER);
    for (const late of await latenessOf(id, 3)) expect([late, late >= 0, late <= LATE_MS]).toEqual([late, true, true]);
    const attempts = await attemptsOf(id);
    expect(attempts.map((a) => [a.attempt, a.status_code, a.outcome])).toEqual([
      [1, 500, 'failed'],
      [2, 500, 'failed'],
      [3, 200, 'delivered'],
    ]);
  });

  it('fails after 1 + RETRY_MAX attempts, dead-letters it, logs every failed attempt, and retries on request', async () => {
    let healthy = false;
    const { id, sub } = await scenario('/always', () => (healthy ? 200 : 500));
    const failed = await statusOf(id, ['failed'], 30000);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 + MAX });
    expect(failed.deliveries[0]).toMatchObject({ status: 'failed', last_status_code: 500, next_attempt_at: null });
    const attempts = await attemptsOf(id);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(attempts.every((a) => a.status_code === 500 && a.outcome === 'failed')).toBe(true);
    const at = receiver.byEvent(id).map((r) => r.at);
    for (let n = 1; n <= MAX; n++) expectGap(at[n]! - at[n - 1]!, BASE * MULTIPLIER ** (n - 1));
    for (const late of await latenessOf(id, 1 + MAX)) expect([late, late >= 0, late <= LATE_MS]).toEqual([late, true, true]);

    const dead = await findRecord(topic('dead-letter'), (k, v) => (k === id && v ? (JSON.parse(v) as Record<string, unknown>) : undefined));
    expect(dead).toMatchObject({ kind: 'dead-letter', subscription_id: sub.id, attempts: 1 + MAX, last_status_code: 500 });

    const errors = await eventually(async () => {
      const lines = logLines('dispatcher').filter((l) => l['event.id'] === id && l['log.level'] === 'error');
      return lines.length === attempts.length ? lines : undefined;
    }, 'one error log line per failed attempt');
    expect(errors.map((l) => l.attempt)).toEqual([1, 2, 3, 4]);
    expect(errors[0]).toMatchObject({ 'subscription.id': sub.id, 'url.full': sub.url, 'http.response.status_code': 500, 'error.message': 'receiver answered 500' });
    expect(typeof errors[0]!['@timestamp']).toBe('string');

    healthy = true;
    const retry = await api('POST', `/events/${id}/retry`);
    expect(retry).toMatchObject({ status: 202, body: { id, retried: 1 } });
    const again = await statusOf(id, ['delivered']);
    expect(again.attempts).toBe(2 + MAX);
    expect(receiver.byEvent(id)).toHaveLength(2 + MAX);
  });

  it.each([
    ['a timeout', '/timeout', { status: 200, delayMs: Number(testEnv().env.DELIVERY_TIMEOUT_MS) + 1000 }, /timeout/],
    ['a connection reset', '/reset', { action: 'reset' as const }, /connection reset|socket hang up|ECONNRESET/],
    ['a connection closed without an answer', '/close', { action: 'close' as const }, /socket hang up|ECONNRESET|closed/],
    ['a redirect, which is not followed', '/redirect', { status: 301, headers: { location: 'http://127.0.0.1:9/elsewhere' } }, /receiver answered 301/],
  ])('counts %s as a failed attempt and retries', async (_name, path, first, error) => {
    const { id } = await scenario(path, (_r, nth) => (nth === 1 ? first : 200));
    await statusOf(id, ['delivered'], 30000);
    const [a1, a2] = await attemptsOf(id);
    const [late] = await latenessOf(id, 2);
    expect([late, late! >= 0, late! <= LATE_MS]).toEqual([late, true, true]);
    expect(a1).toMatchObject({ attempt: 1, outcome: 'failed' });
    expect(a1!.error).toMatch(error);
    expect(a2).toMatchObject({ attempt: 2, outcome: 'delivered' });
    expect(receiver.requests.filter((r) => r.path === '/elsewhere')).toHaveLength(0);
  });

  it.each([
    ['a refused connection', 'http://127.0.0.1:9/closed-port', /connection refused/],
    ['a DNS failure', 'https://no-such-host.invalid/hook', /DNS lookup failed/],
    ['a TLS failure (https to a plain-http port)', 'https://127.0.0.1:PORT/tls', /TLS failure|EPROTO|wrong version/i],
  ])('counts %s as a failed attempt, with no status code', async (_name, url, error) => {
    const type = `${uniqueId('rt')}.unreachable`;
    await subscribe(url.replace('PORT', new URL(receiver.url()).port), [type]);
    const id = await publish({ type, data: {} });
    const s = await statusOf(id, ['retrying', 'failed']);
    expect(s.deliveries[0]!.last_error).toMatch(error);
    expect(s.deliveries[0]!.last_status_code).toBeNull();
  });

  it.each([503, 429])('waits at least Retry-After on a %i before the next attempt', async (status) => {
    const { id } = await scenario(`/busy${status}`, (_r, nth) => (nth === 1 ? { status, headers: { 'retry-after': '1' } } : 200));
    await statusOf(id, ['delivered'], 30000);
    const [first, second] = receiver.byEvent(id).map((r) => r.at);
    expect(second! - first!).toBeGreaterThanOrEqual(1000);
    // Retry-After 1 s moves the retry to the first tier at least that long (the largest when none is).
    const tiers = Array.from({ length: MAX }, (_, i) => BASE * MULTIPLIER ** i);
    expectGap(second! - first!, tiers.find((d) => d >= 1000) ?? tiers[tiers.length - 1]!);
  });

  it('ends a waiting retry of a deleted subscription as failed, with the reason, and calls nobody', async () => {
    const { id, sub } = await scenario('/deleted', () => ({ status: 503, headers: { 'retry-after': '1' } }));
    const waiting = await statusOf(id, ['retrying']);
    expect(waiting.attempts).toBe(1);
    expect((await api('DELETE', `/webhooks/${sub.id}`)).status).toBe(204);
    const failed = await statusOf(id, ['failed'], 30000);
    expect(failed.deliveries[0]).toMatchObject({ status: 'failed', attempts: 2, last_error: 'the subscription was deleted' });
    expect(receiver.byEvent(id)).toHaveLength(1);
  });

  it('sends a waiting retry to the URL the subscription has now', async () => {
    const { id, sub } = await scenario('/old', () => ({ status: 503, headers: { 'retry-after': '1' } }));
    await statusOf(id, ['retrying']);
    expect((await api('PATCH', `/webhooks/${sub.id}`, { url: receiver.url('/new') })).status).toBe(200);
    const done = await statusOf(id, ['delivered'], 30000);
    expect(done.deliveries[0]!.url).toBe(receiver.url('/new'));
    expect(receiver.byEvent(id).map((r) => r.path)).toEqual(['/old', '/new']);
  });
});
