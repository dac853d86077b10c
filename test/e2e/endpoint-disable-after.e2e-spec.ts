import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { freePort, startApp } from '../support/guarded-system';
import { Receiver } from '../support/receiver';

/**
 * An endpoint whose every attempt failed for ENDPOINT_DISABLE_AFTER is disabled. The run's shared system keeps
 * the default (5 days); this test starts an API and a dispatcher of their own (own topic prefix) with 2 s,
 * and a circuit that does not open, so attempts keep coming.
 */
describe('ENDPOINT_DISABLE_AFTER', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it('disables an endpoint that failed on every attempt for that long, saying why', async () => {
    const prefix = `${testEnv().prefix}-${uniqueId('dis').replace(/_/g, '-')}`;
    const [apiPort, dispatcherPort] = [await freePort(), await freePort()];
    const common = { KAFKA_TOPIC_PREFIX: prefix, ENDPOINT_DISABLE_AFTER: '2s', CIRCUIT_FAILURE_THRESHOLD: '1000', RETRY_MAX: '0' };
    const baseUrl = `http://127.0.0.1:${apiPort}`;
    const apps = await Promise.all([
      startApp('api', { ...common, PORT: String(apiPort) }, `${baseUrl}/health`, `${prefix}-api`),
      startApp('dispatcher', { ...common, DISPATCHER_PORT: String(dispatcherPort) }, `http://127.0.0.1:${dispatcherPort}/health`, `${prefix}-dispatcher`),
    ]);
    try {
      receiver.respond = () => 500;
      const type = `${uniqueId('dis')}.event`;
      const sub = await api<{ id: string }>('POST', '/webhooks', { url: receiver.url('/dis'), events: [type] }, { baseUrl });
      expect(sub.status).toBe(201);
      const started = Date.now();
      const disabled = await eventually(async () => {
        await api('POST', '/events', { type, data: {} }, { baseUrl });
        const s = await api<{ enabled: boolean; disabled_reason: string | null }>('GET', `/webhooks/${sub.body.id}`, undefined, { baseUrl });
        return s.body.enabled ? undefined : s.body;
      }, 'the endpoint to be disabled', 20000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      expect(disabled.disabled_reason).toMatch(/every attempt failed for 2 seconds \(ENDPOINT_DISABLE_AFTER\)/);
      expect(receiver.requests.filter((r) => r.path === '/dis').length).toBeGreaterThan(2);
    } finally {
      await Promise.all(apps.map((a) => a.stop()));
    }
  });
});
