import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { api } from '../support/api';
import { postWithClient } from '../support/delivery-client';
import { testEnv, uniqueId } from '../support/env';
import { startExtraApi } from '../support/extra-api';
import { publish, statusOf, subscribe } from '../support/flows';
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
