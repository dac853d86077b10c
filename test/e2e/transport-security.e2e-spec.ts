import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { api } from '../support/api';
import { postWithClient, postWithNodeDefaults } from '../support/delivery-client';
import { testEnv, uniqueId } from '../support/env';
import { TestDnsServer } from '../support/dns-server';
import { startExtraApi } from '../support/extra-api';
import { publish, statusOf, subscribe } from '../support/flows';
import { GuardedSystem, startGuardedSystem } from '../support/guarded-system';
import { Receiver } from '../support/receiver';

describe('what leaves the system', () => {
  const { tls } = testEnv();

  it('delivers over https to a receiver whose certificate is trusted through NODE_EXTRA_CA_CERTS', async () => {
    const receiver = await new Receiver(tls.trusted).start();
    try {
      const type = `${uniqueId('tls')}.ok`;
      await subscribe(receiver.url('/tls'), [type]);
      const id = await publish({ type, data: {} });
      await statusOf(id, ['delivered']);
      expect(receiver.byEvent(id)).toHaveLength(1);
    } finally {
      await receiver.stop();
    }
  });

  it('fails the attempt with a TLS error for a self-signed certificate nobody trusts', async () => {
    const receiver = await new Receiver(tls.untrusted).start();
    try {
      const type = `${uniqueId('tls')}.untrusted`;
      await subscribe(receiver.url('/tls'), [type]);
      const id = await publish({ type, data: {} });
      const s = await statusOf(id, ['retrying', 'failed']);
      expect(s.deliveries[0]!.last_error).toMatch(/TLS failure: .*self-signed/i);
      expect(receiver.byEvent(id)).toHaveLength(0);
      // The same receiver is accepted by a client that trusts its certificate: the trust list is what decides.
      expect(await postWithClient(receiver.url('/direct'), { allowPrivateTargets: true, extraCa: tls.untrusted.cert })).toMatchObject({ statusCode: 200 });
      expect(await postWithClient(receiver.url('/direct'), { allowPrivateTargets: true })).toMatchObject({ statusCode: null, error: expect.stringMatching(/TLS failure/) });
    } finally {
      await receiver.stop();
    }
  });

  it('refuses a receiver that speaks only TLS 1.1 (TLS 1.2 is the minimum)', async () => {
    const receiver = await new Receiver({ ...tls.trusted, maxVersion: 'TLSv1.1' }).start();
    try {
      const type = `${uniqueId('tls')}.old`;
      await subscribe(receiver.url('/old'), [type]);
      const id = await publish({ type, data: {} });
      const s = await statusOf(id, ['retrying', 'failed']);
      expect(s.deliveries[0]!.last_error).toMatch(/TLS failure: .*(protocol|version)/i);
      expect(receiver.byEvent(id)).toHaveLength(0);
      // Control: the receiver does answer a client that accepts TLS 1.1, so the refusal is the minimum's.
      const status = await new Promise<number | undefined>((resolve, reject) => {
        const req = httpsRequest(receiver.url('/control'), { method: 'POST', ca: readFileSync(tls.trusted.cert), minVersion: 'TLSv1', ciphers: 'DEFAULT:@SECLEVEL=0' }, (r) => {
          r.resume();
          resolve(r.statusCode);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
    } finally {
      await receiver.stop();
    }
  });

  it('refuses TLS 1.1 in both delivery clients even when the process-wide TLS defaults are lowered', async () => {
    const receiver = await new Receiver({ ...tls.trusted, maxVersion: 'TLSv1.1' }).start();
    try {
      // Node's own default minimum (TLS 1.2) and OpenSSL's security level refuse TLS 1.1 already; with both
      // lowered for the whole process, only the clients' own setting is left to refuse it.
      const lowered = { extraCa: tls.trusted.cert, nodeFlags: ['--tls-min-v1.0', '--tls-cipher-list=DEFAULT:@SECLEVEL=0'] };
      expect(await postWithNodeDefaults(receiver.url('/defaults'), lowered)).toMatchObject({ statusCode: 200 });
      for (const kind of ['undici', 'got'] as const) {
        const result = await postWithClient(receiver.url(`/${kind}`), { ...lowered, kind, allowPrivateTargets: true });
        expect([kind, result.statusCode, result.error]).toEqual([kind, null, expect.stringMatching(/TLS failure: .*(protocol|version)/i)]);
      }
      expect(receiver.requests.map((r) => r.path)).toEqual(['/defaults']);
    } finally {
      await receiver.stop();
    }
  });

  it('refuses at delivery time a target that resolves to a private address, without connecting', async () => {
    const receiver = await new Receiver().start();
    let connections = 0;
    receiver.onConnection = () => connections++;
    try {
      // "localhost" passes no registration check here (the run allows private targets); the delivery
      // client with the guard on looks it up at connect time and refuses the loopback answer.
      const url = receiver.url('/ssrf').replace('127.0.0.1', 'localhost');
      const guarded = await postWithClient(url, { allowPrivateTargets: false });
      expect(guarded.statusCode).toBeNull();
      expect(guarded.error).toMatch(/refused target localhost: 127\.0\.0\.1 is a loopback address|::1 is a loopback address/);
      expect(connections).toBe(0);
      expect(await postWithClient(url, { allowPrivateTargets: true })).toMatchObject({ statusCode: 200 });
      expect(connections).toBe(1);
    } finally {
      await receiver.stop();
    }
  });

  it('refuses at delivery, through the guarded dispatcher, a name whose DNS answer turned private after registration and literal IPv4, IPv6 and IPv4-mapped targets, without connecting', async () => {
    const dns = await new TestDnsServer().start();
    const receiver = await new Receiver(undefined, '::').start();
    let system: GuardedSystem | undefined;
    try {
      const port = new URL(receiver.url()).port;
      // Control: the receiver counts connections over IPv4 and IPv6 alike.
      let connections = 0;
      receiver.onConnection = () => connections++;
      await fetch(`http://127.0.0.1:${port}/control`);
      await fetch(`http://[::1]:${port}/control`);
      expect(connections).toBe(2);
      connections = 0;

      system = await startGuardedSystem(dns.address);
      const type = uniqueId('ssrf');
      const host = `${type.replace(/_/g, '-')}.rebind.test`;
      dns.set(host, { a: ['93.184.215.14'] });
      const byName = await api<{ id: string }>('POST', '/webhooks', { url: `http://${host}:${port}/rebind`, events: [`${type}.name`] }, { baseUrl: system.apiUrl });
      expect(byName.status).toBe(201);
      const askedAtRegistration = dns.questions.get(host) ?? 0;
      expect(askedAtRegistration).toBeGreaterThan(0);
      // The name now points at this machine, as a rebinding attacker's DNS would answer at delivery time.
      dns.set(host, { a: ['127.0.0.1'], aaaa: ['::1'] });

      // Literal targets the guarded API refuses, registered through the unguarded one (the guard turned on later).
      const literals = { v4: `http://127.0.0.1:${port}/v4`, v6: `http://[::1]:${port}/v6`, mapped: `http://[::ffff:127.0.0.1]:${port}/mapped`, unspecified: `http://0.0.0.0:${port}/any` };
      for (const [name, url] of Object.entries(literals)) {
        expect((await api('POST', '/webhooks', { url, events: [`${type}.${name}`] }, { baseUrl: system.apiUrl })).status).toBe(400);
        expect((await api('POST', '/webhooks', { url, events: [`${type}.${name}`] }, { baseUrl: system.unguardedApiUrl })).status).toBe(201);
      }

      const expected: Record<string, RegExp> = {
        name: new RegExp(`^refused target ${host}: (127\\.0\\.0\\.1|::1) is a loopback address$`),
        v4: /^refused target 127\.0\.0\.1: 127\.0\.0\.1 is a loopback address$/,
        v6: /^refused target ::1: ::1 is a loopback address$/,
        mapped: /^refused target ::ffff:7f00:1: 127\.0\.0\.1 is a loopback address$/,
        unspecified: /^refused target 0\.0\.0\.0: 0\.0\.0\.0 is a unspecified address$/,
      };
      for (const [name, reason] of Object.entries(expected)) {
        const published = await api<{ id: string }>('POST', '/events', { type: `${type}.${name}`, data: {} }, { baseUrl: system.apiUrl });
        expect(published.status).toBe(202);
        const attempt = await system.attemptOf(published.body.id);
        expect([name, attempt.outcome, attempt.status_code, attempt.error]).toEqual([name, 'failed', null, expect.stringMatching(reason)]);
      }
      // The dispatcher asked the DNS server again at delivery time, and nothing reached the receiver.
      expect(dns.questions.get(host)).toBeGreaterThan(askedAtRegistration);
      expect(connections).toBe(0);
      expect(receiver.requests.filter((r) => r.path !== '/control')).toHaveLength(0);
    } finally {
      await system?.stop();
      await receiver.stop();
      await dns.stop();
    }
  });

  it('refuses private, loopback, link-local, mapped and metadata targets at registration with the guard on', async () => {
    const extra = await startExtraApi({ ALLOW_PRIVATE_TARGETS: 'false' });
    try {
      for (const url of [
        'https://127.0.0.1/h',
        'http://10.0.0.1/h',
        'https://169.254.169.254/latest/meta-data',
        'https://[::1]/h',
        'https://[::ffff:127.0.0.1]/h',
        'https://0.0.0.0/h',
        'https://localhost/h',
        'https://[fd00:ec2::254]/h',
        'https://100.64.0.1/h',
      ]) {
        const res = await api<{ message: string }>('POST', '/webhooks', { url, events: ['a.b'] }, { baseUrl: extra.url });
        expect([url, res.status]).toEqual([url, 400]);
        expect(res.body.message).toMatch(/not an allowed target: .* (address|resolve)/);
      }
    } finally {
      await extra.stop();
    }
  });
});
