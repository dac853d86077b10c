import { postWithClient, ClientKind } from '../support/delivery-client';
import { testEnv } from '../support/env';
import { Receiver } from '../support/receiver';

// Both implementations of the delivery port must behave the same on everything a delivery depends on.
describe.each<ClientKind>(['got', 'undici'])('the %s delivery client', (kind) => {
  const { tls } = testEnv();
  const post = (url: string, extra: { allowPrivateTargets?: boolean; extraCa?: string; timeoutMs?: number } = {}) =>
    postWithClient(url, { allowPrivateTargets: true, kind, ...extra });
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it('treats 2xx as success and anything else as a failure with its status', async () => {
    receiver.respond = (r) => (r.path === '/ok' ? 204 : r.path === '/busy' ? { status: 503, headers: { 'retry-after': '7' } } : 500);
    expect(await post(receiver.url('/ok'))).toMatchObject({ statusCode: 204, error: null });
    expect(await post(receiver.url('/err'))).toMatchObject({ statusCode: 500, error: 'receiver answered 500' });
    expect(await post(receiver.url('/busy'))).toMatchObject({ statusCode: 503, retryAfterMs: 7000 });
  });

  it('does not follow redirects', async () => {
    receiver.respond = (r) => (r.path === '/moved' ? { status: 301, headers: { location: receiver.url('/target') } } : 200);
    expect(await post(receiver.url('/moved'))).toMatchObject({ statusCode: 301, error: 'receiver answered 301' });
    expect(receiver.requests.filter((r) => r.path === '/target')).toHaveLength(0);
  });

  it.each([
    ['a timeout', '/slow', { status: 200, delayMs: 1500 }, /timeout/],
    ['a reset connection', '/reset', { action: 'reset' as const }, /connection reset/],
  ])('reports %s', async (_name, path, behaviour, error) => {
    receiver.respond = () => behaviour;
    const r = await post(receiver.url(path), { timeoutMs: 500 });
    expect(r.statusCode).toBeNull();
    expect(r.error).toMatch(error);
  });

  it('reports refused connections and DNS failures', async () => {
    expect((await post('http://127.0.0.1:9/x')).error).toMatch(/connection refused/);
    expect((await post('https://no-such-host.invalid/x')).error).toMatch(/DNS lookup failed/);
  });

  it('verifies certificates against the system CAs plus NODE_EXTRA_CA_CERTS, and refuses TLS below 1.2', async () => {
    const trusted = await new Receiver(tls.trusted).start();
    const old = await new Receiver({ ...tls.trusted, maxVersion: 'TLSv1.1' }).start();
    try {
      expect(await post(trusted.url('/tls'), { extraCa: tls.trusted.cert })).toMatchObject({ statusCode: 200 });
      expect((await post(trusted.url('/tls'))).error).toMatch(/TLS failure/);
      expect((await post(old.url('/tls'), { extraCa: tls.trusted.cert })).error).toMatch(/TLS failure|protocol|version/i);
    } finally {
      await trusted.stop();
      await old.stop();
    }
  });

  it('refuses a private target at connect time with the guard on, without connecting', async () => {
    let connections = 0;
    receiver.onConnection = () => connections++;
    receiver.respond = () => 200;
    try {
      const r = await post(receiver.url('/ssrf').replace('127.0.0.1', 'localhost'), { allowPrivateTargets: false });
      expect(r.statusCode).toBeNull();
      expect(r.error).toMatch(/refused target localhost: .* loopback address/);
      expect(connections).toBe(0);
    } finally {
      receiver.onConnection = () => undefined;
    }
  });
});
