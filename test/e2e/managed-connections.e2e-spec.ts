import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '@app/config';
import { createKafka, lastingConnectionProblem } from '@app/kafka';
import { createLogger } from '@app/observability';
import { api } from '../support/api';
import { testEnv, uniqueId } from '../support/env';
import { eventually } from '../support/eventually';
import { freePort, startApp } from '../support/guarded-system';
import { grantHookstreamAcls } from '../support/kafka-acls';
import { Receiver } from '../support/receiver';
import { runUntilExit } from '../support/refused-start';
import { SecureBroker, startSecureBroker } from '../support/secure-broker';
import { CertificateFiles, makeTestCa } from '../support/test-ca';
import { startTlsPostgres, TlsPostgres } from '../support/tls-postgres';

// A managed cluster as hookstream meets it in production: its own broker that speaks only SASL_SSL to
// clients (SCRAM-SHA-256/512 and PLAIN users, a certificate from a private CA, ACLs enforced), and a Postgres
// that accepts only TLS. Everything here is this file's own: CA, broker, Postgres, topic prefix, ports.
describe('managed-cluster connections (Kafka over SASL_SSL, Postgres over TLS)', () => {
  const id = uniqueId('managed').replace(/_/g, '-');
  const dir = join(testEnv().root, '.data', id);
  const user = { name: 'hookstream', password: `scram-${id}` };
  const plainUser = { name: 'hookstream-plain', password: `plain-${id}` };
  const ungranted = { name: 'hookstream-ungranted', password: `ungranted-${id}` };
  const wrongPassword = `wrong-${id}`;
  const receiver = new Receiver();
  let certs: CertificateFiles;
  let broker: SecureBroker | undefined;
  let postgres: TlsPostgres | undefined;
  let apps: Array<{ stop: () => Promise<void> }> = [];
  let common: Record<string, string>;
  const ports = { api: 0, dispatcher: 0, scheduler: 0, projector: 0 };

  beforeAll(async () => {
    certs = makeTestCa(join(dir, 'tls'));
    [broker, postgres] = await Promise.all([startSecureBroker(join(dir, 'kafka'), certs, [user, ungranted], plainUser), startTlsPostgres(join(dir, 'postgres'), certs)]);
    for (const name of [user.name, plainUser.name]) await grantHookstreamAcls(broker.internal, `User:${name}`, id);
    await receiver.start();
    Object.assign(ports, { api: await freePort(), dispatcher: await freePort(), scheduler: await freePort(), projector: await freePort() });
    common = {
      KAFKA_BROKERS: broker.saslSsl,
      KAFKA_TOPIC_PREFIX: id,
      KAFKA_PARTITIONS: '2',
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: certs.ca,
      KAFKA_SASL_USERNAME: user.name,
      KAFKA_SASL_PASSWORD: user.password,
      DATABASE_URL: postgres.url('hookstream_managed'),
      DATABASE_SSL: 'verify-full',
      DATABASE_SSL_CA_FILE: certs.ca,
      PORT: String(ports.api),
      DISPATCHER_PORT: String(ports.dispatcher),
      RETRY_SCHEDULER_PORT: String(ports.scheduler),
      STATUS_PROJECTOR_PORT: String(ports.projector),
      HOOKSTREAM_DATA_DIR: join(dir, 'apps'),
    };
  }, 90000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await receiver.stop();
    await Promise.all([broker?.stop(), postgres?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }, 30000);

  const logsOf = (name: string) => readFileSync(join(testEnv().logsDir, `${id}-${name}.log`), 'utf8');

  it('all four apps become healthy with SCRAM-SHA-512, SCRAM-SHA-256 and PLAIN, and a registered webhook is delivered signed and shows delivered', async () => {
    const health = (port: number) => `http://127.0.0.1:${port}/health`;
    apps = await Promise.all([
      startApp('api', { ...common, KAFKA_SASL_MECHANISM: 'scram-sha-512' }, health(ports.api), `${id}-api`),
      startApp('dispatcher', { ...common, KAFKA_SASL_MECHANISM: 'scram-sha-256' }, health(ports.dispatcher), `${id}-dispatcher`),
      startApp('retry-scheduler', { ...common, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: plainUser.name, KAFKA_SASL_PASSWORD: plainUser.password }, health(ports.scheduler), `${id}-retry-scheduler`),
      startApp('status-projector', { ...common, KAFKA_SASL_MECHANISM: 'scram-sha-512' }, health(ports.projector), `${id}-status-projector`),
    ]);
    for (const port of [ports.dispatcher, ports.scheduler, ports.projector]) {
      const body = (await (await fetch(health(port))).json()) as { checks: Record<string, string> };
      expect([port, body.checks.kafka]).toEqual([port, 'up']);
    }

    const baseUrl = `http://127.0.0.1:${ports.api}`;
    const type = `${id}.event`;
    const sub = await eventually(async () => {
      const res = await api<{ id: string; secret: string }>('POST', '/webhooks', { url: receiver.url('/managed'), events: [type] }, { baseUrl });
      return res.status === 201 ? res.body : undefined;
    }, 'the subscription to be registered');
    const published = await api<{ id: string }>('POST', '/events', { type, data: { over: 'sasl_ssl' } }, { baseUrl });
    expect(published.status).toBe(202);
    const eventId = published.body.id;

    const [request] = await eventually(async () => (receiver.byEvent(eventId).length > 0 ? receiver.byEvent(eventId) : undefined), 'the delivery');
    // verify() throws unless the signature is the subscription secret's; it returns the payload it checked.
    expect(new Webhook(sub.secret).verify(request!.body, request!.headers as Record<string, string>)).toMatchObject({ id: eventId, type, data: { over: 'sasl_ssl' } });
    const status = await eventually(async () => {
      const res = await api<{ status: string }>('GET', `/webhooks/status?event_id=${encodeURIComponent(eventId)}`, undefined, { baseUrl });
      return res.status === 200 && res.body.status === 'delivered' ? res.body : undefined;
    }, 'the read model to show delivered');
    expect(status.status).toBe('delivered');

    // The read model came over TLS: every connection of the apps to their database is encrypted.
    const db = new Client({ connectionString: postgres!.url('postgres'), ssl: { ca: readFileSync(certs.ca, 'utf8') } });
    await db.connect();
    try {
      const { rows } = await db.query<{ tls: string; total: string }>(
        "SELECT count(*) FILTER (WHERE s.ssl) AS tls, count(*) AS total FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) WHERE a.datname = 'hookstream_managed'",
      );
      expect(Number(rows[0]!.total)).toBeGreaterThan(0);
      expect(rows[0]!.tls).toBe(rows[0]!.total);
    } finally {
      await db.end();
    }
    for (const app of ['api', 'dispatcher', 'retry-scheduler', 'status-projector']) {
      expect([app, logsOf(app).includes(user.password) || logsOf(app).includes(plainUser.password)]).toEqual([app, false]);
    }
  }, 90000);

  it('an API with a wrong password stops within seconds with one line naming KAFKA_SASL_PASSWORD, and no retry loop', async () => {
    const exit = await runUntilExit('api', { ...common, KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_PASSWORD: wrongPassword, PORT: String(await freePort()) }, `${id}-wrong-password`);
    expect(exit.code).toBe(78);
    expect(exit.ms).toBeLessThan(15000);
    const fatal = exit.output.split('\n').filter((l) => l.includes('"log.level":"fatal"'));
    expect(fatal).toHaveLength(1);
    expect(JSON.parse(fatal[0]!)).toMatchObject({
      message: 'Kafka refused the SASL credentials: check KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD',
      'error.message': expect.stringMatching(/invalid credentials/),
    });
    expect(exit.output).not.toMatch(/not reachable yet; retrying/);
    expect(exit.output).not.toContain(wrongPassword);
  });

  it('an API without the cluster CA stops naming KAFKA_SSL_CA_FILE', async () => {
    const exit = await runUntilExit('api', { ...common, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SSL_CA_FILE: undefined, PORT: String(await freePort()) }, `${id}-no-ca`);
    expect(exit.code).toBe(78);
    expect(exit.ms).toBeLessThan(15000);
    const fatal = exit.output.split('\n').filter((l) => l.includes('"log.level":"fatal"'));
    expect(fatal).toHaveLength(1);
    expect(JSON.parse(fatal[0]!)).toMatchObject({
      message: "Kafka's TLS certificate is not trusted: set KAFKA_SSL_CA_FILE to the CA certificate of the cluster",
      'error.message': expect.stringMatching(/certificate/),
    });
  });

  it('an API whose user lacks the ACLs stops naming them and KAFKA_SASL_USERNAME', async () => {
    const denied = { KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: ungranted.name, KAFKA_SASL_PASSWORD: ungranted.password, PORT: String(await freePort()) };
    const exit = await runUntilExit('api', { ...common, ...denied }, `${id}-ungranted`);
    expect(exit.code).toBe(78);
    const fatal = exit.output.split('\n').filter((l) => l.includes('"log.level":"fatal"'));
    expect(fatal).toHaveLength(1);
    expect(JSON.parse(fatal[0]!)).toMatchObject({ message: expect.stringMatching(/^Kafka denied .* to this client: grant the user in KAFKA_SASL_USERNAME the ACLs/) });
  });

  it('a client certificate from KAFKA_SSL_CERT_FILE / KAFKA_SSL_KEY_FILE opens a broker that wants one (mTLS); without it the refusal names them', async () => {
    const logger = createLogger('managed-connections-spec', 'silent');
    const describe = async (env: Record<string, string>) => {
      const config = loadConfig({ HOOKSTREAM_DATA_DIR: join(dir, 'apps'), ENCRYPTION_KEY: testEnv().env.ENCRYPTION_KEY, KAFKA_BROKERS: broker!.mutualTls, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: certs.ca, ...env });
      const admin = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'managed-spec', connection: config.kafkaConnection, retries: 0 }, logger).admin();
      try {
        await admin.connect();
        return await admin.describeCluster();
      } finally {
        await admin.disconnect();
      }
    };
    const cluster = await describe({ KAFKA_SSL_CERT_FILE: certs.clientCert, KAFKA_SSL_KEY_FILE: certs.clientKey });
    expect(cluster.brokers.map((b) => `${b.host}:${b.port}`)).toEqual([broker!.mutualTls]);
    const refused = await describe({}).then(
      () => 'connected',
      (e: unknown) => lastingConnectionProblem(e)?.reason ?? String(e),
    );
    expect(refused).toBe('Kafka refused the client certificate: check KAFKA_SSL_CERT_FILE / KAFKA_SSL_KEY_FILE');
  });
});
