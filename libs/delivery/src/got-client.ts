import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Got, RequestError } from 'got' with { 'resolution-mode': 'import' };
import { ClientOptions, DeliveryHttpClient, HttpAttemptResult, HttpRequest, noResponse, parseRetryAfter } from './http-client';
import { refusedLiteralTarget, TargetRules, targetLookup } from './target-guard';

/**
 * got 14 is ESM-only; Node 20.19+ loads it with require(). Loading it here, on first use, keeps Jest
 * (whose module loader cannot) able to import this library for everything else.
 */
function loadGot(): Got {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('got') as { default: Got }).default;
}

/** Delivery over got: no redirects, no retries (hookstream schedules its own), TLS ≥ 1.2, pinned SSRF guard. */
export class GotDeliveryClient implements DeliveryHttpClient {
  private readonly got: Got;
  private readonly agents: { http: HttpAgent; https: HttpsAgent };
  private readonly rules: TargetRules;

  constructor(options: ClientOptions) {
    this.rules = options;
    const lookup = targetLookup(options);
    const common = { keepAlive: true, maxSockets: options.maxSockets, lookup } as const;
    this.agents = { http: new HttpAgent(common), https: new HttpsAgent({ ...common, minVersion: 'TLSv1.2' }) };
    this.got = loadGot().extend({
      agent: this.agents,
      followRedirect: false,
      throwHttpErrors: false,
      retry: { limit: 0 },
      timeout: { request: options.timeoutMs },
      decompress: false,
      https: { minVersion: 'TLSv1.2' },
    });
  }

  async post(request: HttpRequest): Promise<HttpAttemptResult> {
    const started = performance.now();
    const refused = refusedLiteralTarget(request.url, this.rules);
    if (refused) return noResponse('ForbiddenTargetError', 'EFORBIDDENTARGET', refused, 0);
    try {
      const res = await this.got.post(request.url, { headers: request.headers, body: request.body });
      const durationMs = Math.round(performance.now() - started);
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      return {
        statusCode: res.statusCode,
        error: ok ? null : `receiver answered ${res.statusCode}`,
        durationMs,
        retryAfterMs: res.statusCode === 429 || res.statusCode === 503 ? parseRetryAfter(res.headers['retry-after']) : null,
      };
    } catch (e) {
      const err = e as RequestError;
      return noResponse(err.name, err.code ?? (err.cause as NodeJS.ErrnoException | undefined)?.code, err.message, Math.round(performance.now() - started));
    }
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}
