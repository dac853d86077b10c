// A real three-node Kafka cluster on this machine, from the same jars as scripts/kafka.sh: KRaft nodes in
// combined mode (broker and controller), each with its own ports and data folder, one cluster id. For
// `npm run test:cluster`; a node can be killed (SIGKILL: a broker lost) and started again with its data.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class KafkaCluster {
  /** Node n (1-based) listens for clients on basePort + 10n and for the controller quorum on the port after. */
  constructor(root, { nodes = 3, basePort = 19000, dataDir } = {}) {
    this.root = root;
    this.ids = Array.from({ length: nodes }, (_, i) => i + 1);
    this.port = (id) => basePort + 10 * id;
    this.dataDir = dataDir ?? join(root, '.data', `kafka-cluster-${Date.now().toString(36)}`);
    this.children = new Map();
  }

  get brokers() {
    return this.ids.map((id) => `127.0.0.1:${this.port(id)}`).join(',');
  }

  nodeDir(id) {
    return join(this.dataDir, `node-${id}`);
  }

  async start() {
    const jars = spawnSync(join(this.root, 'scripts/kafka.sh'), ['fetch'], { encoding: 'utf8' });
    if (jars.status !== 0) throw new Error(`could not fetch the Kafka jars: ${jars.stderr}`);
    this.libs = jars.stdout.trim().split('\n').pop();
    const clusterId = this.java(['kafka.tools.StorageTool', 'random-uuid']).trim().split('\n').pop();
    for (const id of this.ids) {
      mkdirSync(join(this.nodeDir(id), 'logs'), { recursive: true });
      writeFileSync(this.propertiesFile(id), this.properties(id));
      this.java(['kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', this.propertiesFile(id), '--ignore-formatted'], id);
    }
    for (const id of this.ids) this.startNode(id);
    await Promise.all(this.ids.map((id) => this.untilStarted(id)));
  }

  /** A broker lost: SIGKILL, no shutdown; resolves once the process is gone. */
  async kill(id) {
    const child = this.children.get(id);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await gone;
  }

  /** Starts a killed node again on its data; it catches up from the others and rejoins. */
  async restart(id) {
    this.startNode(id);
    await this.untilStarted(id);
  }

  async stop({ keepData = false } = {}) {
    await Promise.all(
      [...this.children.values()].map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const force = setTimeout(() => child.kill('SIGKILL'), 15000);
            child.once('exit', () => {
              clearTimeout(force);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    if (!keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }

  propertiesFile(id) {
    return join(this.nodeDir(id), 'server.properties');
  }

  properties(id) {
    const voters = this.ids.map((n) => `${n}@127.0.0.1:${this.port(n) + 1}`).join(',');
    return [
      'process.roles=broker,controller',
      `node.id=${id}`,
      `controller.quorum.voters=${voters}`,
      `listeners=PLAINTEXT://127.0.0.1:${this.port(id)},CONTROLLER://127.0.0.1:${this.port(id) + 1}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${this.port(id)}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${join(this.nodeDir(id), 'log')}`,
      'auto.create.topics.enable=false',
      // The cluster's own topics replicated like hookstream's, so losing a broker loses no group offsets.
      'offsets.topic.replication.factor=3',
      'offsets.topic.num.partitions=3',
      'transaction.state.log.replication.factor=3',
      'transaction.state.log.min.isr=2',
      'share.coordinator.state.topic.replication.factor=3',
      'share.coordinator.state.topic.min.isr=2',
      'group.initial.rebalance.delay.ms=0',
      '',
    ].join('\n');
  }

  startNode(id) {
    const dir = this.nodeDir(id);
    const child = spawn(
      'java',
      [
        '-Xms256m',
        '-Xmx512m',
        '-XX:+UseG1GC',
        '-XX:MaxGCPauseMillis=20',
        `-Dlog4j2.configurationFile=${join(this.root, 'infra/kafka/log4j2.properties')}`,
        `-Dkafka.logs.dir=${join(dir, 'logs')}`,
        '-cp',
        `${this.libs}/*`,
        'kafka.Kafka',
        this.propertiesFile(id),
      ],
      { stdio: 'ignore' },
    );
    this.children.set(id, child);
  }

  async untilStarted(id, timeoutMs = 90000) {
    const log = join(this.nodeDir(id), 'logs', 'server.log');
    const child = this.children.get(id);
    const startedBefore = existsSync(log) ? readFileSync(log, 'utf8').split('Kafka Server started').length : 1;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`kafka node ${id} exited during start-up; see ${log}`);
      if (existsSync(log) && readFileSync(log, 'utf8').split('Kafka Server started').length > startedBefore) return;
      await sleep(250);
    }
    throw new Error(`kafka node ${id} did not start within ${timeoutMs} ms; see ${log}`);
  }

  java(args, id) {
    const logs = id ? join(this.nodeDir(id), 'logs') : this.dataDir;
    mkdirSync(logs, { recursive: true });
    const r = spawnSync('java', ['-cp', `${this.libs}/*`, `-Dlog4j2.configurationFile=${join(this.root, 'infra/kafka/log4j2.properties')}`, `-Dkafka.logs.dir=${logs}`, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr || r.stdout}`);
    return r.stdout;
  }
}
