import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

const SECRET_PREFIX = 'whsec_';
export const SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/;

/** A new signing secret: `whsec_` + base64 of 32 random bytes, as Standard Webhooks describes. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Standard Webhooks v1 signature headers; several secrets give space-separated signatures. */
export function signatureHeaders(msgId: string, at: Date, body: string, secrets: string[]): SignedHeaders {
  const signature = secrets.map((s) => new Webhook(s.startsWith(SECRET_PREFIX) ? s.slice(SECRET_PREFIX.length) : s).sign(msgId, at, body)).join(' ');
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signature,
  };
}
