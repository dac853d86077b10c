import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEnv } from './env';
import { eventually } from './eventually';
import { freePort } from './guarded-system';
import type { CertificateFiles } from './test-ca';

export interface ScramUser {
  name: string;
  password: string;
}

export interface SecureBroker {
  /** The SASL_SSL listener (SCRAM-SHA-256, SCRAM-SHA-512 and PLAIN), as KAFKA_BROKERS. */
  saslSsl: string;
  /** An SSL listener that wants a client certificate signed by the test CA (mTLS), as KAFKA_BROKERS. */
  mutualTls: string;
  /** The plaintext listener between broker and controller, whose anonymous clients are super users: for granting ACLs. */
  internal: string;
  stop: () => Promise<void>;
}

const jarsDir = (root: string) => join(process.env.KAFKA_HOME_DIR ?? join(root, '.kafka'), 'libs');

/** A cluster id as Kafka's StorageTool random-uuid makes them (base64url of 16 bytes, not starting with "-"), without a JVM start. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function properties(dir: string, certs: CertificateFiles, ports: Record<'controller' | 'internal' | 'saslSsl' | 'mutualTls', number>, plainUser: ScramUser): string {
  return `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${ports.controller}
listeners=CONTROLLER://127.0.0.1:${ports.controller},INTERNAL://127.0.0.1:${ports.internal},SECURE://127.0.0.1:${ports.saslSsl},MTLS://127.0.0.1:${ports.mutualTls}
advertised.listeners=INTERNAL://127.0.0.1:${ports.internal},SECURE://127.0.0.1:${ports.saslSsl},MTLS://127.0.0.1:${ports.mutualTls}
controller.listener.names=CONTROLLER
inter.broker.listener.name=INTERNAL
listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,SECURE:SASL_SSL,MTLS:SSL
sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN
listener.name.secure.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.secure.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.secure.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_${plainUser.name}="${plainUser.password}";
# ACLs as on a managed cluster: a SASL user may do only what it was granted (test/support/kafka-acls.ts).
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:ANONYMOUS
ssl.keystore.type=PEM
ssl.keystore.location=${certs.serverKeystore}
listener.name.mtls.ssl.client.auth=required
listener.name.mtls.ssl.truststore.type=PEM
listener.name.mtls.ssl.truststore.location=${certs.ca}
log.dirs=${dir}/log
num.partitions=1
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
`;
}

function stopper(child: ChildProcess, pidFile: string): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        rmSync(pidFile, { force: true });
        return resolve();
      }
      const kill = setTimeout(() => child.kill('SIGKILL'), 10000);
      child.once('exit', () => {
        clearTimeout(kill);
        rmSync(pidFile, { force: true });
        resolve();
      });
      child.kill('SIGTERM');
    });
}

/**
 * A single KRaft broker of its own in `dir`, with SCRAM users written at format time (SCRAM-SHA-256 and -512
 * for each), one PLAIN user and ACLs enforced. Its pid is left in .data/test-pids, so an interrupted run's
 * set-up kills it.
 */
export async function startSecureBroker(dir: string, certs: CertificateFiles, scramUsers: ScramUser[], plainUser: ScramUser): Promise<SecureBroker> {
  const { root } = testEnv();
  const jars = jarsDir(root);
  if (!existsSync(join(jars, '.complete'))) execFileSync(join(root, 'scripts/kafka.sh'), ['fetch'], { stdio: 'inherit' });
  const ports = { controller: await freePort(), internal: await freePort(), saslSsl: await freePort(), mutualTls: await freePort() };
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const config = join(dir, 'server.properties');
  writeFileSync(config, properties(dir, certs, ports, plainUser));
  const java = (main: string[], heap: string[] = []) => [
    ...heap,
    `-Dlog4j2.configurationFile=${join(root, 'infra/kafka/log4j2.properties')}`,
    `-Dkafka.logs.dir=${join(dir, 'logs')}`,
    '-cp',
    `${jars}/*`,
    ...main,
  ];
  const scram = scramUsers.flatMap((u) => ['SCRAM-SHA-256', 'SCRAM-SHA-512'].flatMap((m) => ['--add-scram', `${m}=[name=${u.name},password=${u.password}]`]));
  execFileSync('java', java(['kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', config, '--ignore-formatted', ...scram]), { stdio: 'ignore' });
  // A small heap and the quick JIT tier: the broker carries a few test records on a shared two-core machine.
  const child = spawn('java', java(['kafka.Kafka', config], ['-Xms128m', '-Xmx512m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1']), {
    stdio: 'ignore',
  });
  const pidFile = join(root, '.data/test-pids', String(child.pid));
  mkdirSync(join(root, '.data/test-pids'), { recursive: true });
  writeFileSync(pidFile, 'secure-broker');
  const stop = stopper(child, pidFile);
  const serverLog = join(dir, 'logs/server.log');
  const state = await eventually(async () => {
    if (child.exitCode !== null) return 'exited';
    return existsSync(serverLog) && readFileSync(serverLog, 'utf8').includes('Kafka Server started') ? 'started' : undefined;
  }, 'the secure broker to start', 60000).catch(async (e: Error) => {
    await stop();
    throw e;
  });
  if (state === 'exited') {
    await stop();
    throw new Error(`the secure broker exited during start-up; see ${dir}/logs`);
  }
  return { saslSsl: `127.0.0.1:${ports.saslSsl}`, mutualTls: `127.0.0.1:${ports.mutualTls}`, internal: `127.0.0.1:${ports.internal}`, stop };
}
