import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { api } from '../support/api';
import { uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { publish, subscribe } from '../support/flows';
import { Received, Receiver } from '../support/receiver';

const headersOf = (r: Received) => ({
  'webhook-id': String(r.headers['webhook-id']),
  'webhook-timestamp': String(r.headers['webhook-timestamp']),
  'webhook-signature': String(r.headers['webhook-signature']),
});

/** Whether `secret` verifies the request with both official verifier libraries (they must agree). */
function verifies(secret: string, r: Received): boolean {
  const results = [() => new StandardWebhook(secret).verify(r.body, headersOf(r)), () => new SvixWebhook(secret).verify(r.body, headersOf(r))].map((f) => {
    try {
      f();
      return true;
    } catch {
      return false;
    }
  });
  expect(results[0]).toBe(results[1]);
  return results[0]!;
}

describe('signatures', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  const delivered = (id: string) => eventually(async () => receiver.byEvent(id)[0], `delivery of ${id}`);

  it('are accepted by the standardwebhooks and svix verifiers, with a given secret too', async () => {
    const type = `${uniqueId('sig')}.given`;
    const secret = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
    const sub = await subscribe(receiver.url('/given'), [type], { secret });
    expect(sub.secret).toBe(secret);
    const req = await delivered(await publish({ type, data: { a: [1, 2, 3] } }));
    expect(verifies(secret, req)).toBe(true);
    expect(verifies(`whsec_${Buffer.alloc(32, 8).toString('base64')}`, req)).toBe(false);
  });

  it('sign with the old and the new secret after a rotation, and only the new one after the grace window', async () => {
    const type = `${uniqueId('sig')}.rotate`;
    const sub = await subscribe(receiver.url('/rotate'), [type]);
    const rotated = await api<{ id: string; secret: string; previous_secret_expires_at: string }>('POST', `/webhooks/${sub.id}/secret/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(sub.secret);

    const during = await delivered(await publish({ type, data: {} }));
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(sub.secret, during)).toBe(true);
    expect(verifies(rotated.body.secret, during)).toBe(true);

    const graceEnds = Date.parse(rotated.body.previous_secret_expires_at);
    await eventually(async () => (Date.now() > graceEnds ? true : undefined), 'the grace window to end', 30000);
    const after = await delivered(await publish({ type, data: {} }));
    expect(verifies(rotated.body.secret, after)).toBe(true);
    expect(verifies(sub.secret, after)).toBe(false);
    expect(JSON.stringify((await api('GET', `/webhooks/${sub.id}`)).body)).not.toContain('whsec_');
  });
});
