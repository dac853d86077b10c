import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { startExtraApi } from '../support/extra-api';

describe('API input checks and access control', () => {
  const good = { url: 'https://example.com/hook', events: ['a.b'] };

  it.each([
    ['a missing type', '/events', { data: {} }, /type/],
    ['data that is not an object', '/events', { type: 'a.b', data: 'x' }, /data must be a JSON object/],
    ['an unknown field on an event', '/events', { type: 'a.b', data: {}, colour: 'red' }, /colour/],
    ['a bad event type', '/events', { type: 'has space', data: {} }, /type must be dot-separated/],
    ['a relative URL', '/webhooks', { ...good, url: '/hook' }, /not an absolute URL/],
    ['credentials in the URL', '/webhooks', { ...good, url: 'https://user:pw@example.com/hook' }, /must not contain credentials/],
    ['an empty events list', '/webhooks', { ...good, events: [] }, /at least one event type/],
    ['a malformed event filter', '/webhooks', { ...good, events: ['order.*.x'] }, /event filter/],
    ['an unknown field on a subscription', '/webhooks', { ...good, retries: 3 }, /retries/],
    ['a malformed secret', '/webhooks', { ...good, secret: 'not-a-secret' }, /whsec_/],
    ['auth of an unknown type', '/webhooks', { ...good, auth: { type: 'digest', username: 'u', password: 'p' } }, /basic/],
  ])('refuses %s with 400 and a readable message', async (_name, path, body, message) => {
    const res = await api<{ statusCode: number; error: string; message: string }>('POST', path, body);
    expect(res.status).toBe(400);
    expect(res.body.statusCode).toBe(400);
    expect(res.body.error).toBe('Bad Request');
    expect(res.body.message).toMatch(message);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const res = await api<{ message: string }>('POST', '/events', undefined, { rawBody: '{"type": ' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/not valid JSON/);
  });

  it('refuses bodies over 256 KiB with 413 and accepts one just under', async () => {
    const big = await api('POST', '/events', { type: 'big.one', data: { blob: 'x'.repeat(256 * 1024) } });
    expect(big.status).toBe(413);
    expect(big.body).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    const fits = await api('POST', '/events', { type: `${uniqueId('big')}.fits`, data: { blob: 'x'.repeat(250 * 1024) } });
    expect(fits.status).toBe(202);
  });

  it('answers 401 without a key or with a wrong one, and keeps /health open', async () => {
    const none = await api('GET', '/webhooks', undefined, { key: null });
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    expect((await api('GET', '/webhooks', undefined, { key: 'wrong' })).status).toBe(401);
    expect((await api('POST', '/events', { type: 'a.b', data: {} }, { key: 'wrong' })).status).toBe(401);
    expect((await api('GET', '/docs', undefined, { key: null })).status).toBe(401);
    expect((await api('GET', '/health', undefined, { key: null })).status).toBe(200);
  });

  it('serves OpenAPI at /docs and Prometheus metrics at /metrics to a caller with a key', async () => {
    const env = testEnv();
    const docs = await fetch(`${env.apiUrl}/docs-json`, { headers: { authorization: `Bearer ${env.env.API_KEYS}` } });
    expect(docs.status).toBe(200);
    const spec = (await docs.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/webhooks', '/events', '/webhooks/status', '/events/{id}/attempts']));
    const metrics = await (await fetch(`${env.apiUrl}/metrics`, { headers: { authorization: `Bearer ${env.env.API_KEYS}` } })).text();
    expect(metrics).toMatch(/process_cpu_seconds_total/);
    expect(metrics).toMatch(/hookstream_http_request_duration_seconds_count\{[^}]*route="\/events"[^}]*\} [1-9]/);
    // Every worker serves its own /metrics: deliveries by outcome, attempt durations, consumer lag.
    const dispatcher = await (await fetch(`http://127.0.0.1:${env.env.DISPATCHER_PORT}/metrics`)).text();
    expect(dispatcher).toMatch(/# HELP hookstream_delivery_attempts_total/);
    expect(dispatcher).toMatch(/# HELP hookstream_attempt_duration_seconds/);
    expect(dispatcher).toMatch(/# HELP hookstream_publish_to_delivered_seconds/);
    expect(dispatcher).toMatch(/hookstream_consumer_lag\{[^}]*group="[^"]*dispatcher"/);
    const scheduler = await (await fetch(`http://127.0.0.1:${env.env.RETRY_SCHEDULER_PORT}/metrics`)).text();
    expect(scheduler).toMatch(/process_resident_memory_bytes/);
  });

  it('refuses plain http unless ALLOW_INSECURE_HTTP=true', async () => {
    const extra = await startExtraApi({ ALLOW_INSECURE_HTTP: 'false' });
    try {
      const http = await api<{ message: string }>('POST', '/webhooks', { ...good, url: 'http://example.com/hook' }, { baseUrl: extra.url });
      expect(http.status).toBe(400);
      expect(http.body.message).toMatch(/must use https:\/\/.*ALLOW_INSECURE_HTTP/);
    } finally {
      await extra.stop();
    }
  });

  it.each([
    ['a URL over 2048 characters', '/webhooks', { ...good, url: `https://example.com/${'a'.repeat(2100)}` }, /at most 2048/],
    ['more than 100 event filters', '/webhooks', { ...good, events: Array.from({ length: 101 }, (_, i) => `t${i}.x`) }, /at most 100/],
    ['an event type over 128 characters', '/events', { type: 'a'.repeat(129), data: {} }, /at most 128/],
    ['data nested deeper than 32 levels', '/events', { type: 'a.b', data: JSON.parse(`${'{"n":'.repeat(40)}1${'}'.repeat(40)}`) as object }, /nest at most 32/],
  ])('refuses %s', async (_name, path, body, message) => {
    const res = await api<{ message: string }>('POST', path, body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it('answers 403 to a caller outside API_ALLOWED_CIDRS, even with a valid key', async () => {
    const extra = await startExtraApi({ API_ALLOWED_CIDRS: '192.0.2.0/24,2001:db8::/32' });
    try {
      const res = await api<{ message: string }>('GET', '/webhooks', undefined, { baseUrl: extra.url });
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/not in API_ALLOWED_CIDRS/);
      // Without TRUST_PROXY a forged X-Forwarded-For changes nothing.
      const forged = await api('GET', '/webhooks', undefined, { baseUrl: extra.url, headers: { 'x-forwarded-for': '192.0.2.7' } });
      expect(forged.status).toBe(403);
      expect((await api('GET', '/health', undefined, { baseUrl: extra.url, key: null })).status).not.toBe(403);
    } finally {
      await extra.stop();
    }
  });
});
