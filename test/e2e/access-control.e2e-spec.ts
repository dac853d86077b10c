import { api } from '../support/api';
import { startExtraApi } from '../support/extra-api';

describe('who may call the API', () => {
  it('checks IPv4 and IPv6 clients against API_ALLOWED_CIDRS, IPv4-mapped addresses as IPv4', async () => {
    const v4only = await startExtraApi({ API_ALLOWED_CIDRS: '127.0.0.1/32' });
    const v6only = await startExtraApi({ API_ALLOWED_CIDRS: '::1/128' });
    try {
      const at = (url: string, host: string) => url.replace('127.0.0.1', host);
      // The API listens on "::", so an IPv4 client arrives as ::ffff:127.0.0.1 and must match 127.0.0.1/32.
      expect((await api('GET', '/webhooks', undefined, { baseUrl: v4only.url })).status).toBe(200);
      expect((await api('GET', '/webhooks', undefined, { baseUrl: at(v4only.url, '[::1]') })).status).toBe(403);
      expect((await api('GET', '/webhooks', undefined, { baseUrl: at(v6only.url, '[::1]') })).status).toBe(200);
      expect((await api('GET', '/webhooks', undefined, { baseUrl: v6only.url })).status).toBe(403);
    } finally {
      await v4only.stop();
      await v6only.stop();
    }
  });

  it('believes X-Forwarded-For only from a proxy named in TRUST_PROXY', async () => {
    const behindProxy = await startExtraApi({ API_ALLOWED_CIDRS: '192.0.2.0/24', TRUST_PROXY: '127.0.0.1/32,::1/128' });
    try {
      const call = (xff?: string) => api('GET', '/webhooks', undefined, { baseUrl: behindProxy.url, headers: xff ? { 'x-forwarded-for': xff } : {} });
      expect((await call('192.0.2.7')).status).toBe(200);
      expect((await call()).status).toBe(403);
      expect((await call('203.0.113.5')).status).toBe(403);
    } finally {
      await behindProxy.stop();
    }
  });

  it('does not let a forged first hop in a multi-hop X-Forwarded-For chain pass the allow-list', async () => {
    const behindProxy = await startExtraApi({ API_ALLOWED_CIDRS: '192.0.2.0/24', TRUST_PROXY: '127.0.0.1/32,::1/128' });
    try {
      const call = async (xff: string) => [xff, (await api('GET', '/webhooks', undefined, { baseUrl: behindProxy.url, headers: { 'x-forwarded-for': xff } })).status];
      // A client at 203.0.113.5 sends "X-Forwarded-For: 192.0.2.7"; the trusted proxy appends the address it saw.
      expect(await call('192.0.2.7, 203.0.113.5')).toEqual(['192.0.2.7, 203.0.113.5', 403]);
      // The same through a second trusted proxy, and with the forged hop repeated.
      expect(await call('192.0.2.7, 203.0.113.5, 127.0.0.1')).toEqual(['192.0.2.7, 203.0.113.5, 127.0.0.1', 403]);
      expect(await call('192.0.2.7, 192.0.2.8, 203.0.113.5')).toEqual(['192.0.2.7, 192.0.2.8, 203.0.113.5', 403]);
      // Control: an allowed client behind the proxies passes whatever it put in front of its own address.
      expect(await call('203.0.113.5, 192.0.2.7')).toEqual(['203.0.113.5, 192.0.2.7', 200]);
      expect(await call('203.0.113.5, 192.0.2.7, 127.0.0.1')).toEqual(['203.0.113.5, 192.0.2.7, 127.0.0.1', 200]);
    } finally {
      await behindProxy.stop();
    }
  });
});
