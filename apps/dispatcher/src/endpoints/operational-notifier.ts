import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { signatureHeaders } from '@app/delivery';
import type { Logger } from '@app/observability';

/** An operational event: something hookstream did by itself that its operators should know. */
export interface OperationalEvent {
  type: 'endpoint.disabled';
  data: Record<string, unknown>;
}

/**
 * Sends operational events to OPERATIONAL_WEBHOOK_URL, signed with OPERATIONAL_WEBHOOK_SECRET as every
 * delivery is (Standard Webhooks). The URL is the operators' own, so it may be an internal address; it is
 * tried a few times, then the failure is logged (the audit log holds the same fact).
 */
export class OperationalNotifier {
  constructor(
    private readonly target: { url: string; secret: string } | null,
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  async send(event: OperationalEvent): Promise<void> {
    if (!this.target) return;
    const id = `op_${randomBytes(12).toString('base64url')}`;
    const body = JSON.stringify({ id, type: event.type, timestamp: new Date().toISOString(), data: event.data });
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const res = await request(this.target.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'hookstream/0.1', ...signatureHeaders(id, new Date(), body, [this.target.secret]) },
          body,
          headersTimeout: this.timeoutMs,
          bodyTimeout: this.timeoutMs,
        });
        await res.body.dump();
        if (res.statusCode >= 200 && res.statusCode < 300) return;
        this.logger.warn({ 'event.type': event.type, 'http.response.status_code': res.statusCode, attempt }, 'operational webhook refused');
      } catch (e) {
        this.logger.warn({ 'event.type': event.type, 'error.message': (e as Error).message, attempt }, 'operational webhook not reached');
      }
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
    this.logger.error({ 'event.type': event.type }, 'operational webhook not delivered after 3 attempts');
  }
}
