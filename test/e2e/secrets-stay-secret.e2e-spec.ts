import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { publish, statusOf, subscribe } from '../support/flows';
import { testKafka } from '../support/kafka';
import { Receiver } from '../support/receiver';

/** Every record of every topic of this run, as text (key and value). */
async function allRecords(): Promise<string> {
  const kafka = testKafka();
  const admin = kafka.admin();
  await admin.connect();
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${testEnv().prefix}.`));
  const ends = new Map<string, number>();
  for (const t of topics) for (const p of await admin.fetchTopicOffsets(t)) ends.set(`${t}:${p.partition}`, Number(p.high));
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `secrets-scan-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  const seen = new Map<string, number>();
  const chunks: string[] = [];
  await new Promise<void>((resolve) => {
    const done = () => [...ends].every(([k, end]) => (seen.get(k) ?? 0) >= end);
    if (done()) return resolve();
    void consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) chunks.push(`${m.key?.toString() ?? ''} ${m.value?.toString() ?? ''}`);
        seen.set(`${batch.topic}:${batch.partition}`, Number(batch.lastOffset()) + 1);
        if (done()) resolve();
      },
    });
  });
  await consumer.disconnect();
  return chunks.join('\n');
}

describe('secrets stay secret', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it('no password, signing secret or API key appears in any log line, Kafka record, response or audit entry', async () => {
    const marker = uniqueId('s3cr3t');
    const password = `pw-${marker}`;
    const newPassword = `pw2-${marker}`;
    const secret = `whsec_${Buffer.from(marker.padEnd(32, 'x')).toString('base64')}`;
    const wrongKey = `wrong-key-${marker}`;
    const apiKey = testEnv().env.API_KEYS!;
    const type = `${uniqueId('sec')}.event`;

    const sub = await subscribe(receiver.url('/sec'), [type], { auth: { type: 'basic', username: 'user', password }, secret });
    receiver.respond = (r, nth) => (r.path === '/sec' && nth === 1 ? 500 : 200);
    const id = await publish({ type, data: {} });
    await statusOf(id, ['delivered']);
    const patched = await api('PATCH', `/webhooks/${sub.id}`, { auth: { type: 'basic', username: 'user', password: newPassword } });
    const rotated = await api<{ secret: string }>('POST', `/webhooks/${sub.id}/secret/rotate`);
    const id2 = await publish({ type, data: {} });
    await statusOf(id2, ['delivered']);
    expect((await api('GET', '/webhooks', undefined, { key: wrongKey })).status).toBe(401);
    const bad = await api('POST', '/webhooks', { url: receiver.url('/x'), events: ['a.b'], auth: { type: 'digest', username: 'u', password } });
    expect(bad.status).toBe(400);
    // The receiver did get the credentials: they are used, just never shown.
    expect(receiver.byEvent(id2)[0]!.headers.authorization).toBe(`Basic ${Buffer.from(`user:${newPassword}`).toString('base64')}`);

    // Also the fixed credentials other test files use (this file runs last: see test/setup/sequencer.js).
    const literals = ['pa55-e2e', 'list-secret-pw', password, newPassword, secret, secret.slice('whsec_'.length), rotated.body.secret, rotated.body.secret.slice(6), apiKey, wrongKey];
    const responses = JSON.stringify([patched.body, bad.body, (await api('GET', `/webhooks/${sub.id}`)).body, (await api('GET', '/webhooks')).body]);
    const audit = JSON.stringify((await api('GET', `/audit?limit=1000&since=${new Date(Date.now() - 120000).toISOString()}`)).body);
    const logs = await eventually(async () => {
      const text = readdirSync(testEnv().logsDir)
        .map((f) => readFileSync(join(testEnv().logsDir, f), 'utf8'))
        .join('\n');
      return text.includes(id2) ? text : undefined;
    }, 'the logs to show the deliveries');
    const records = await allRecords();
    expect(records).toContain(sub.id);
    for (const literal of literals) {
      expect([literal, 'responses', responses.includes(literal)]).toEqual([literal, 'responses', false]);
      expect([literal, 'audit', audit.includes(literal)]).toEqual([literal, 'audit', false]);
      expect([literal, 'logs', logs.includes(literal)]).toEqual([literal, 'logs', false]);
      expect([literal, 'kafka', records.includes(literal)]).toEqual([literal, 'kafka', false]);
    }
  });
});
