import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { publish, statusOf, subscribe } from '../support/flows';
import { allRecordsOfRun } from '../support/kafka';
import { Receiver } from '../support/receiver';
import { leakForms, openSealed, SEALED_ENVELOPE } from '../support/sealed';

/** Every row of every table of the run's database, one JSON text per row. */
async function allRows(): Promise<Array<{ table: string; row: Record<string, unknown> }>> {
  const client = new Client({ connectionString: testEnv().env.DATABASE_URL });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>("SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'");
    const rows: Array<{ table: string; row: Record<string, unknown> }> = [];
    for (const { name } of tables.rows) {
      const result = await client.query<{ row: Record<string, unknown> }>(`SELECT row_to_json(t) AS row FROM "${name}" t`);
      rows.push(...result.rows.map(({ row }) => ({ table: name, row })));
    }
    return rows;
  } finally {
    await client.end();
  }
}

/** Checks one stored sealed value: an envelope that opens to `plain` with ENCRYPTION_KEY and not with another key. */
function expectSealed(where: string, sealed: unknown, plains: string[]): void {
  expect([where, sealed]).toEqual([where, expect.stringMatching(SEALED_ENVELOPE)]);
  const open = (key: string) => {
    try {
      return openSealed(sealed as string, key);
    } catch {
      return null;
    }
  };
  expect([where, 'opens with ENCRYPTION_KEY to the value', plains.includes(open(testEnv().env.ENCRYPTION_KEY!) ?? '')]).toEqual([where, 'opens with ENCRYPTION_KEY to the value', true]);
  expect([where, 'opens with a wrong key', open(Buffer.alloc(32, 8).toString('base64'))]).toEqual([where, 'opens with a wrong key', null]);
}

describe('secrets stay secret', () => {
  const receiver = new Receiver();
  beforeAll(() => receiver.start());
  afterAll(() => receiver.stop());

  it('no password, signing secret or API key appears, plain, base64 or hex, in any log line, Kafka record, Postgres row, response or audit entry; stored ones are sealed', async () => {
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
    const basic = `Basic ${Buffer.from(`user:${newPassword}`).toString('base64')}`;
    expect(receiver.byEvent(id2)[0]!.headers.authorization).toBe(basic);

    // Sealed at rest: the read model's row and every version of the subscription's record on Kafka.
    const latest = await api<{ updated_at: string }>('GET', `/webhooks/${sub.id}`);
    const rows = await eventually(async () => {
      const all = await allRows();
      const row = all.find((r) => r.table === 'subscriptions' && r.row.id === sub.id)?.row;
      return row && Date.parse(row.updated_at as string) === Date.parse(latest.body.updated_at) ? all : undefined;
    }, 'the subscription row after the rotation');
    const row = rows.find((r) => r.table === 'subscriptions' && r.row.id === sub.id)!.row;
    expectSealed('postgres auth_password_sealed', row.auth_password_sealed, [newPassword]);
    expectSealed('postgres secret_sealed', row.secret_sealed, [rotated.body.secret]);
    const records = await allRecordsOfRun();
    const versions = records.filter((r) => r.topic === `${testEnv().prefix}.subscriptions` && r.key === sub.id && r.value);
    expect(versions.length).toBeGreaterThanOrEqual(3);
    for (const [n, v] of versions.entries()) {
      const record = JSON.parse(v.value!) as { auth: { password_sealed: string } | null; secret_sealed: string; previous_secrets: Array<{ secret_sealed: string }> };
      expectSealed(`kafka version ${n} password`, record.auth?.password_sealed, [password, newPassword]);
      expectSealed(`kafka version ${n} secret`, record.secret_sealed, [secret, rotated.body.secret]);
      for (const p of record.previous_secrets) expectSealed(`kafka version ${n} previous secret`, p.secret_sealed, [secret]);
    }

    // Also the fixed credentials other test files use (this file runs last: see test/setup/sequencer.js).
    const literals = ['pa55-e2e', 'list-secret-pw', password, newPassword, secret, rotated.body.secret, `user:${password}`, `user:${newPassword}`, apiKey, wrongKey].flatMap(leakForms);
    const responses = JSON.stringify([patched.body, bad.body, latest.body, (await api('GET', '/webhooks')).body]);
    const audit = JSON.stringify((await api('GET', `/audit?limit=1000&since=${new Date(Date.now() - 120000).toISOString()}`)).body);
    const logs = await eventually(async () => {
      const text = readdirSync(testEnv().logsDir)
        .map((f) => readFileSync(join(testEnv().logsDir, f), 'utf8'))
        .join('\n');
      return text.includes(id2) ? text : undefined;
    }, 'the logs to show the deliveries');
    const kafka = records.map((r) => `${r.key ?? ''} ${r.value ?? ''}`).join('\n');
    const postgres = rows.map((r) => JSON.stringify(r.row)).join('\n');
    expect(kafka).toContain(sub.id);
    expect(postgres).toContain(sub.id);
    for (const literal of literals) {
      for (const [where, text] of Object.entries({ responses, audit, logs, kafka, postgres })) {
        expect([literal, where, text.includes(literal)]).toEqual([literal, where, false]);
      }
    }
  });
});
