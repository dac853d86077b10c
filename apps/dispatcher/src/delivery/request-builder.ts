import type { SubscriptionRecord, WebhookEvent } from '@app/contracts';
import { HttpRequest, signatureHeaders } from '@app/delivery';
import type { SecretBox } from '@app/security';

export type Built = { ok: true; value: HttpRequest } | { ok: false; reason: string };

/** Turns an event and a subscription into the exact request a subscriber receives (signed, with its auth). */
export class RequestBuilder {
  private readonly opened = new Map<string, string>();

  constructor(private readonly box: SecretBox) {}

  /**
   * The request, or why none can be made: a secret or password that no configured key opens is a fault of
   * the subscription (or of the keys), not of this attempt, and trying again cannot fix it.
   */
  tryBuild(event: WebhookEvent, sub: SubscriptionRecord, at: Date): Built {
    try {
      return { ok: true, value: this.build(event, sub, at) };
    } catch (e) {
      return { ok: false, reason: `the subscription's signing secret or password cannot be opened: ${(e as Error).message}` };
    }
  }

  build(event: WebhookEvent, sub: SubscriptionRecord, at: Date): HttpRequest {
    const body = JSON.stringify({ id: event.id, type: event.type, timestamp: event.timestamp, data: event.data });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'hookstream/0.1',
      ...signatureHeaders(event.id, at, body, this.secretsAt(sub, at)),
    };
    if (sub.auth) {
      headers.authorization = `Basic ${Buffer.from(`${sub.auth.username}:${this.open(sub.auth.password_sealed)}`).toString('base64')}`;
    }
    return { url: sub.url, headers, body };
  }

  /** The current secret and every rotated-out one whose grace window has not ended. */
  private secretsAt(sub: SubscriptionRecord, at: Date): string[] {
    const previous = sub.previous_secrets.filter((p) => Date.parse(p.expires_at) > at.getTime()).map((p) => this.open(p.secret_sealed));
    return [this.open(sub.secret_sealed), ...previous];
  }

  private open(sealed: string): string {
    let plain = this.opened.get(sealed);
    if (plain === undefined) {
      plain = this.box.open(sealed);
      if (this.opened.size > 10000) this.opened.clear();
      this.opened.set(sealed, plain);
    }
    return plain;
  }
}
