import { Webhook as StandardWebhook } from 'standardwebhooks';
import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { publish, statusOf, subscribe } from '../support/flows';
import { Receiver } from '../support/receiver';

interface Sub {
  id: string;
  enabled: boolean;
  disabled_reason: string | null;
  disabled_at: string | null;
  headers: Record<string, string>;
  health: { circuit: string; failure_streak: number; last_success_at: string | null; last_failure_at: string | null; last_error: string | null };
}

const getSub = async (id: string) => (await api<Sub>('GET', `/webhooks/${id}`)).body;
const dispatcherMetrics = () => fetch(`http://127.0.0.1:${testEnv().env.DISPATCHER_PORT}/metrics`).then((r) => r.text());
const metric = (text: string, name: string, labels = '') => Number(new RegExp(`^${name}\\{${labels}[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);

describe('endpoint health', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it('opens the circuit after the threshold, defers without calling or spending attempts, and closes after a probe', async () => {
    const type = `${uniqueId('circuit')}.event`;
    const sub = await subscribe(receiver.url('/circuit'), [type]);
    let healthy = false;
    receiver.respond = (r) => (r.path === '/circuit' ? (healthy ? 200 : 500) : 200);
    const deferredBefore = metric(await dispatcherMetrics(), 'hookstream_deliveries_deferred_total', 'reason="circuit_open"');
    // Five failures in a row (the default threshold) open the circuit.
    const first = await Promise.all(Array.from({ length: 5 }, () => publish({ type, data: {} })));
    await eventually(async () => ((await getSub(sub.id)).health.circuit === 'open' ? true : undefined), 'the circuit to open');
    const opened = await getSub(sub.id);
    expect(opened.health).toMatchObject({ circuit: 'open', last_error: 'receiver answered 500' });
    expect(opened.health.failure_streak).toBeGreaterThanOrEqual(5);

    healthy = true;
    const later = await publish({ type, data: {} });
    // Every event gets delivered once the probe (a retry or the new event) closes the circuit again.
    for (const id of [...first, later]) await statusOf(id, ['delivered'], 30000);
    await eventually(async () => ((await getSub(sub.id)).health.circuit === 'closed' ? true : undefined), 'the circuit to close');
    const closed = await getSub(sub.id);
    expect(closed.health.failure_streak).toBe(0);
    expect(closed.health.last_success_at).not.toBeNull();
    // Deferred deliveries made no request and spent no attempt: each event's attempts equal its requests.
    for (const id of [...first, later]) {
      const status = await statusOf(id, ['delivered']);
      expect(status.attempts).toBe(receiver.byEvent(id).length);
    }
    expect(metric(await dispatcherMetrics(), 'hookstream_deliveries_deferred_total', 'reason="circuit_open"')).toBeGreaterThan(deferredBefore);
  });

  it('disables an endpoint that answers 410 Gone: reason on the subscription, an audit entry, a signed operational event', async () => {
    const ops = new Receiver();
    await ops.start(Number(new URL(testEnv().env.OPERATIONAL_WEBHOOK_URL!).port));
    try {
      const since = new Date(Date.now() - 1000).toISOString();
      const type = `${uniqueId('gone')}.event`;
      const sub = await subscribe(receiver.url('/gone'), [type]);
      receiver.respond = (r) => (r.path === '/gone' ? 410 : 200);
      const id = await publish({ type, data: {} });
      await statusOf(id, ['failed', 'retrying']);
      const disabled = await eventually(async () => {
        const s = await getSub(sub.id);
        return s.enabled ? undefined : s;
      }, 'the endpoint to be disabled');
      expect(disabled.disabled_reason).toMatch(/410 Gone/);
      expect(Date.parse(disabled.disabled_at!)).toBeGreaterThan(Date.parse(since));

      const op = await eventually(async () => ops.requests.find((r) => JSON.parse(r.body).data?.subscription_id === sub.id), 'the endpoint.disabled operational event');
      const verified = new StandardWebhook(testEnv().env.OPERATIONAL_WEBHOOK_SECRET!).verify(op.body, {
        'webhook-id': String(op.headers['webhook-id']),
        'webhook-timestamp': String(op.headers['webhook-timestamp']),
        'webhook-signature': String(op.headers['webhook-signature']),
      }) as { type: string; data: { reason: string } };
      expect(verified).toMatchObject({ type: 'endpoint.disabled', data: { reason: expect.stringMatching(/410/) } });

      await eventually(async () => {
        const page = await api<{ entries: Array<{ kind: string; subscription_id: string }> }>('GET', `/audit?since=${encodeURIComponent(since)}&limit=1000`);
        return page.body.entries.some((e) => e.kind === 'endpoint.disabled' && e.subscription_id === sub.id) ? true : undefined;
      }, 'the audit entry');
      expect(metric(await dispatcherMetrics(), 'hookstream_endpoints_disabled')).toBeGreaterThanOrEqual(1);

      // Enabled again, the endpoint starts afresh: no failure streak, no last error, on the API too.
      await eventually(async () => ((await getSub(sub.id)).health.last_error === 'receiver answered 410' ? true : undefined), 'the 410 in the endpoint health');
      expect((await api('PATCH', `/webhooks/${sub.id}`, { enabled: true })).status).toBe(200);
      await eventually(async () => {
        const h = (await getSub(sub.id)).health;
        return h.circuit === 'closed' && h.failure_streak === 0 && h.last_error === null ? true : undefined;
      }, 'the endpoint health to start afresh');
    } finally {
      await ops.stop();
    }
  });

  it('records events for a disabled endpoint as skipped, and recovers them once it is enabled again', async () => {
    const type = `${uniqueId('skip')}.event`;
    const sub = await subscribe(receiver.url('/skip'), [type]);
    receiver.respond = () => 200;
    expect((await api('PATCH', `/webhooks/${sub.id}`, { enabled: false })).status).toBe(200);
    expect((await getSub(sub.id)).disabled_reason).toBe('disabled by an operator');
    const since = new Date().toISOString();
    const ids = [await publish({ type, data: { n: 1 } }), await publish({ type, data: { n: 2 } })];
    for (const id of ids) {
      const status = await statusOf(id, ['failed']);
      expect(status.deliveries).toEqual([expect.objectContaining({ subscription_id: sub.id, status: 'skipped', attempts: 0, last_error: 'endpoint disabled' })]);
    }
    expect(receiver.requests.filter((r) => r.path === '/skip')).toHaveLength(0);

    const enabled = await api<Sub>('PATCH', `/webhooks/${sub.id}`, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null, disabled_at: null });
    const recovered = await api<{ count: number }>('POST', `/webhooks/${sub.id}/recover`, { since });
    expect(recovered).toMatchObject({ status: 202, body: { count: 2 } });
    for (const id of ids) await statusOf(id, ['delivered']);
    expect(receiver.requests.filter((r) => r.path === '/skip').map((r) => (JSON.parse(r.body) as { data: { n: number } }).data.n).sort()).toEqual([1, 2]);
  });

  it('holds an endpoint to its rate limit and loses nothing', async () => {
    const type = `${uniqueId('rate')}.event`;
    const sub = await subscribe(receiver.url('/rate'), [type], { rate_limit: 10 });
    receiver.respond = () => 200;
    const ids = await Promise.all(Array.from({ length: 25 }, () => publish({ type, data: {} })));
    for (const id of ids) await statusOf(id, ['delivered'], 30000);
    const at = receiver.requests.filter((r) => r.path === '/rate').map((r) => r.at).sort((a, b) => a - b);
    expect(at).toHaveLength(25);
    // 25 deliveries at 10 per second take about 2.4 s: never much faster (the limit) nor lost.
    const perSecond = (at.length - 1) / ((at[at.length - 1]! - at[0]!) / 1000);
    expect(perSecond).toBeLessThanOrEqual(11);
    expect(perSecond).toBeGreaterThan(5);
    const status = await statusOf(ids[ids.length - 1]!, ['delivered']);
    expect(status.deliveries[0]!.subscription_id).toBe(sub.id);
  });

  it('sends custom headers, and refuses names that would break the request or its signature', async () => {
    const type = `${uniqueId('hdr')}.event`;
    const sub = await subscribe(receiver.url('/hdr'), [type], { headers: { 'X-Customer-Ref': 'acme-42', 'x-trace': 'on' } });
    expect((await getSub(sub.id)).headers).toEqual({ 'x-customer-ref': 'acme-42', 'x-trace': 'on' });
    const id = await publish({ type, data: {} });
    await statusOf(id, ['delivered']);
    expect(receiver.byEvent(id)[0]!.headers).toMatchObject({ 'x-customer-ref': 'acme-42', 'x-trace': 'on', 'content-type': 'application/json' });
    for (const name of ['Host', 'content-length', 'Transfer-Encoding', 'Connection', 'webhook-signature', 'Content-Type']) {
      const res = await api<{ message: string }>('POST', '/webhooks', { url: receiver.url('/x'), events: [type], headers: { [name]: 'v' } });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(name);
    }
    const withAuth = await api<{ message: string }>('POST', '/webhooks', { url: receiver.url('/x'), events: [type], auth: { type: 'basic', username: 'u', password: 'p' }, headers: { Authorization: 'Bearer t' } });
    expect(withAuth.status).toBe(400);
    expect(withAuth.body.message).toMatch(/authorization/);
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`x-h${i}`, 'v']));
    expect((await api('POST', '/webhooks', { url: receiver.url('/x'), events: [type], headers: tooMany })).status).toBe(400);
  });

  it('spreads retries by the jitter, never earlier than the tier delay', async () => {
    const type = `${uniqueId('jitter')}.event`;
    await subscribe(receiver.url('/jitter'), [type]);
    receiver.respond = (r, nth) => (r.path === '/jitter' && nth === 1 ? 500 : 200);
    const ids = await Promise.all(Array.from({ length: 12 }, () => publish({ type, data: {} })));
    const base = Number(testEnv().env.RETRY_BASE_MS);
    const gaps: number[] = [];
    for (const id of ids) {
      await statusOf(id, ['delivered'], 30000);
      const attempts = (await api<Array<{ started_at: string; duration_ms: number; next_attempt_at: string | null }>>('GET', `/events/${id}/attempts`)).body;
      const due = Date.parse(attempts[0]!.next_attempt_at!);
      const end = Date.parse(attempts[0]!.started_at) + attempts[0]!.duration_ms;
      gaps.push(due - end);
      expect(Date.parse(attempts[1]!.started_at)).toBeGreaterThanOrEqual(due);
    }
    // RETRY_JITTER (default 0.1): each due time is the tier delay plus up to 10 % of it, never less.
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(base - 5);
      expect(g).toBeLessThanOrEqual(base * 1.1 + 5);
    }
    expect(new Set(gaps).size).toBeGreaterThan(3);
  });
});
