import { isIP } from 'node:net';
import { Agent, buildConnector, request } from 'undici';
import { ClientOptions, DeliveryHttpClient, HttpAttemptResult, HttpRequest, noResponse, parseRetryAfter } from './http-client';
import { targetLookup } from './target-guard';

/**
 * Delivery over undici: no redirects (undici.request never follows them), TLS ≥ 1.2, and with the SSRF
 * guard on (or DNS_SERVERS set), the connector resolves the host itself, refuses forbidden answers and
 * connects to the address it checked (TLS still verifies the certificate against the host name).
 */
export class UndiciDeliveryClient implements DeliveryHttpClient {
  private readonly agent: Agent;

  constructor(private readonly options: ClientOptions) {
    const base = buildConnector({ minVersion: 'TLSv1.2', timeout: options.timeoutMs });
    const lookup = targetLookup(options);
    const connect: buildConnector.connector = !lookup
      ? base
      : (opts, callback) => {
          lookup(opts.hostname, {}, (err, address) => {
            if (err) return callback(err, null);
            const servername = isIP(opts.hostname) ? undefined : (opts.servername ?? opts.hostname);
            const ip = typeof address === 'string' ? address : (address[0]?.address ?? opts.hostname);
            base({ ...opts, hostname: ip, servername }, callback);
          });
        };
    this.agent = new Agent({ connections: options.maxSockets, connect, keepAliveTimeout: 4000 });
  }

  async post(req: HttpRequest): Promise<HttpAttemptResult> {
    const started = performance.now();
    try {
      const res = await request(req.url, {
        method: 'POST',
        headers: req.headers,
        body: req.body,
        dispatcher: this.agent,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await res.body.dump();
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return {
        statusCode: res.statusCode,
        error: ok ? null : `receiver answered ${res.statusCode}`,
        durationMs: Math.round(performance.now() - started),
        retryAfterMs: res.statusCode === 429 || res.statusCode === 503 ? parseRetryAfter(res.headers['retry-after']) : null,
      };
    } catch (e) {
      const err = e as Error & { code?: string; cause?: { code?: string; message?: string } };
      const code = err.code && err.code !== 'UND_ERR_CONNECT' ? err.code : (err.cause?.code ?? err.code);
      return noResponse(err.name, code, err.cause?.message ?? err.message, Math.round(performance.now() - started));
    }
  }

  close(): void {
    void this.agent.close();
  }
}
