import { api } from '../support/api';
import { uniqueId } from '../support/env';
import { statusOf, subscribe } from '../support/flows';
import { crash, restart } from '../support/processes';
import { Receiver } from '../support/receiver';

interface Attempt {
  attempt: number;
  started_at: string;
}

describe('retry scheduler killed while retries wait', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it('still delivers every waiting retry after a SIGKILL and restart, none before its due time', async () => {
    const type = `${uniqueId('crash')}.event`;
    await subscribe(receiver.url('/crash'), [type]);
    // First attempts answer 503 with Retry-After: 1, so each retry waits in the longest tier (1.6 s here).
    receiver.respond = (_r, nth) => (nth === 1 ? { status: 503, headers: { 'retry-after': '1' } } : 200);
    const ids = await Promise.all(
      Array.from({ length: 8 }, async () => (await api<{ id: string }>('POST', '/events', { type, data: {} })).body.id),
    );
    const waiting = await Promise.all(ids.map((id) => statusOf(id, ['retrying'])));
    const dueAt = new Map(waiting.map((s) => [s.event_id, Date.parse(s.deliveries[0]!.next_attempt_at!)]));

    await crash('retry-scheduler');
    await restart('retry-scheduler');

    for (const id of ids) {
      const done = await statusOf(id, ['delivered'], 30000);
      expect(done.attempts).toBe(2);
      const attempts = (await api<Attempt[]>('GET', `/events/${id}/attempts`)).body;
      expect(Date.parse(attempts[1]!.started_at)).toBeGreaterThanOrEqual(dueAt.get(id)!);
      expect(receiver.byEvent(id)).toHaveLength(2);
    }
  });
});
