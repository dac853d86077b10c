import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { startExtraApi } from '../support/extra-api';
import { statusOf, subscribe } from '../support/flows';
import { readToEnd, topic } from '../support/kafka';
import { Receiver } from '../support/receiver';
import { TcpProxy } from '../support/tcp-proxy';

describe('POST /events while Kafka is unreachable', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it('answers 503 with nothing saved, and the same request succeeds once Kafka is back', async () => {
    // This API reaches the broker only through a proxy on the broker's FAULT listener, so its path to
    // Kafka can be cut while the rest of the system keeps running.
    const brokerPort = Number(testEnv().env.KAFKA_BROKERS!.split(',')[0]!.split(':')[1]);
    const proxy = new TcpProxy(brokerPort + 3, brokerPort + 2);
    await proxy.restore();
    const extra = await startExtraApi({ KAFKA_BROKERS: `127.0.0.1:${brokerPort + 3}`, KAFKA_PUBLISH_TIMEOUT_MS: '1500' });
    try {
      const type = `${uniqueId('down')}.event`;
      await subscribe(receiver.url('/down'), [type]);
      const id = uniqueId('evt_down');
      await proxy.cut();
      const during = await api<{ statusCode: number; message: string }>('POST', '/events', { id, type, data: {} }, { baseUrl: extra.url });
      expect(during.status).toBe(503);
      expect(during.body.message).toMatch(/Kafka is unreachable/);

      await proxy.restore();
      let after = await api('POST', '/events', { id, type, data: { retried: true } }, { baseUrl: extra.url });
      for (let i = 0; i < 20 && after.status === 503; i++) after = await api('POST', '/events', { id, type, data: { retried: true } }, { baseUrl: extra.url });
      expect(after.status).toBe(202);
      await statusOf(id, ['delivered']);
      expect(receiver.byEvent(id)).toHaveLength(1);
      // "Not saved" means no record of the refused request ever reaches the topic, not even once Kafka is
      // back: a late write would be hidden behind the retry's id (one delivery either way). With the API
      // stopped nothing more can come from it, so the topic now holds all it ever wrote: the retry alone.
      await extra.stop();
      const written = (await readToEnd([topic('events')])).filter((r) => r.key === id);
      expect(written.map((r) => (JSON.parse(r.value!) as { data: unknown }).data)).toEqual([{ retried: true }]);
    } finally {
      await extra.stop();
      await proxy.cut();
    }
  });
});
