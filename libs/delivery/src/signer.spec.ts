import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { generateSecret, SECRET_PATTERN, signatureHeaders } from './signer';

describe('signatureHeaders', () => {
  const secret = generateSecret();
  const body = JSON.stringify({ id: 'evt_1', type: 'a.b', timestamp: '2026-01-01T00:00:00.000Z', data: { x: 1 } });
  const at = new Date();

  it('generates whsec_ secrets of 32 random bytes', () => {
    expect(secret).toMatch(SECRET_PATTERN);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(generateSecret()).not.toBe(secret);
  });

  it('is HMAC-SHA256 of "id.timestamp.body" keyed by the base64 part of the secret', () => {
    const h = signatureHeaders('evt_1', at, body, [secret]);
    const ts = Math.floor(at.getTime() / 1000);
    const expected = createHmac('sha256', Buffer.from(secret.slice(6), 'base64')).update(`evt_1.${ts}.${body}`).digest('base64');
    expect(h).toEqual({ 'webhook-id': 'evt_1', 'webhook-timestamp': String(ts), 'webhook-signature': `v1,${expected}` });
  });

  it('verifies with the standardwebhooks library and fails for another secret', () => {
    const h = signatureHeaders('evt_1', at, body, [secret]);
    expect(new Webhook(secret).verify(body, { ...h })).toEqual(JSON.parse(body));
    expect(() => new Webhook(generateSecret()).verify(body, { ...h })).toThrow();
  });

  it('signs with every given secret', () => {
    const other = generateSecret();
    const h = signatureHeaders('evt_1', at, body, [secret, other]);
    expect(h['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(other).verify(body, { ...h })).not.toThrow();
  });
});
