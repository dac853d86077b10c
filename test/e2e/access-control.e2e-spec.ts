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
});
