// The fault suite's pieces: a whole hookstream system of its own (topic prefix, database), a receiver that
// counts every request by webhook-id, and an open-loop load that publishes half through the API and half
// straight to Kafka, retrying with the same id whatever was not acknowledged.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { recreateDatabase, startApp, stopApps, systemEnv, waitHealthy } from '../lib/infra.mjs';

let nextPort = 3300;

/** The variable that sets each app's port (a second instance gets its own). */
const PORT_VARIABLE = { api: 'PORT', dispatcher: 'DISPATCHER_PORT', 'retry-scheduler': 'RETRY_SCHEDULER_PORT', 'status-projector': 'STATUS_PROJECTOR_PORT' };
const appOf = (instance) => instance.replace(/-2$/, '');

export class System {
  /** `instances: 2` runs a second instance of every app (`<app>-2`) in the same consumer groups. */
  constructor(root, infra, name, overrides = {}, { instances = 1 } = {}) {
    this.root = root;
    this.infra = infra;
    this.prefix = `faults-${name}-${Date.now().toString(36)}`;
    this.key = `faults-${Math.random().toString(36).slice(2)}`;
    this.logsDir = join(root, '.data', 'fault-logs', this.prefix);
    const port = (nextPort += 10);
    this.ports = { api: port, dispatcher: port + 1, 'retry-scheduler': port + 2, 'status-projector': port + 3 };
    if (instances === 2) Object.assign(this.ports, { 'api-2': port + 5, 'dispatcher-2': port + 6, 'retry-scheduler-2': port + 7, 'status-projector-2': port + 8 });
    this.apiTurn = 0;
    this.env = systemEnv(root, { prefix: this.prefix, key: this.key, basePort: port, kafka: infra.kafka, postgres: infra.postgres }, {
      RETRY_BASE_MS: '200',
      RETRY_MULTIPLIER: '4',
      RETRY_MAX: '5',
      KAFKA_PUBLISH_TIMEOUT_MS: '2000',
      // The receiver fails most first attempts on purpose (retries waiting in every tier); with the breaker's
      // default threshold its circuit would open and defer everything for minutes. The breaker has its own tests.
      CIRCUIT_FAILURE_THRESHOLD: '10000',
      ...overrides,
    });
    this.apps = new Map();
  }

  async start() {
    await recreateDatabase(this.infra.postgres.url);
    for (const instance of Object.keys(this.ports)) this.apps.set(instance, this.launch(instance));
    await this.healthy();
  }

  /** Starts an instance; its log is `<app>.log` or `<app>-2.log`. */
  launch(instance) {
    const app = appOf(instance);
    const env = { ...this.env, [PORT_VARIABLE[app]]: String(this.ports[instance]) };
    const handle = startApp(this.root, app, env, this.logsDir, undefined, [], `${instance}.log`);
    return { ...handle, app: instance };
  }

  /** Waits until the instances answer /health; fails at once, with the end of its log, when one has exited. */
  async healthy(apps = Object.keys(this.ports)) {
    const exited = new Promise((_, reject) => {
      for (const a of apps) {
        this.apps.get(a)?.child.once('exit', (code, signal) => reject(new Error(`${a} exited during start-up (${signal ?? code}): ${this.logText(a).trim().split('\n').slice(-3).join(' | ')}`)));
      }
    });
    exited.catch(() => undefined);
    await Promise.race([waitHealthy(apps.map((a) => `http://127.0.0.1:${this.ports[a]}/health`), 120000), exited]);
  }

  /** SIGKILL (a crash) or SIGTERM (a graceful stop) of one app; resolves when it has exited. */
  async stopApp(app, signal) {
    const h = this.apps.get(app);
    if (!h || h.child.exitCode !== null || h.child.signalCode !== null) return;
    const exited = new Promise((r) => h.child.once('exit', r));
    h.child.kill(signal);
    await exited;
  }

  async restartApp(instance) {
    this.apps.set(instance, this.launch(instance));
    await this.healthy([instance]);
  }

  /** A second dispatcher in the same consumer groups. */
  async addDispatcher() {
    this.ports['dispatcher-2'] = this.ports.api + 6;
    await this.restartApp('dispatcher-2');
  }

  /** A call to an API instance: with two, they take turns, as behind a load balancer. */
  api(method, path, body, timeoutMs = 5000) {
    const apis = ['api', 'api-2'].filter((a) => this.ports[a] !== undefined);
    const port = this.ports[apis[this.apiTurn++ % apis.length]];
    return fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.key}`, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  }

  async db(sql, params = []) {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: this.infra.postgres.url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  logText(app) {
    return readFileSync(join(this.logsDir, `${app}.log`), 'utf8');
  }

  async stop() {
    await stopApps([...this.apps.values()]);
  }
}

/** Counts every request per webhook-id; `failFirst(id)` says how many first attempts of an event answer 500. */
export class CountingReceiver {
  constructor() {
    this.counts = new Map();
    this.firstArrival = new Map();
    this.arrivals = new Map();
    this.failFirst = () => 0;
    this.sockets = new Set();
  }

  async start(port = 0) {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const id = req.headers['webhook-id'];
        const n = (this.counts.get(id) ?? 0) + 1;
        this.counts.set(id, n);
        if (!this.firstArrival.has(id)) this.firstArrival.set(id, Date.now());
        const list = this.arrivals.get(id) ?? [];
        list.push(Date.now());
        this.arrivals.set(id, list);
        res.writeHead(n <= this.failFirst(id) ? 500 : 200).end();
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise((r) => this.server.listen(port, '127.0.0.1', r));
    this.port = this.server.address().port;
  }

  url() {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Down: the port refuses connections until `start(sameport)`. */
  async down() {
    const closed = new Promise((r) => this.server.close(r));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

/**
 * Publishes `rate` events/s for `durationMs`, alternating API and Kafka. An event is accepted when the API
 * answered 202 or the broker acknowledged the record; anything else is retried later with the same id.
 */
export class Load {
  constructor(system, kafka, type) {
    this.system = system;
    this.type = type;
    this.producer = kafka.producer();
    this.accepted = new Map();
    this.unanswered = new Set();
    this.sent = 0;
    this.api503 = 0;
    this.api202DuringOutage = 0;
  }

  async run(rate, durationMs, { viaKafka = true, onTick } = {}) {
    await this.producer.connect();
    const start = Date.now();
    const pending = [];
    for (let n = 0; Date.now() - start < durationMs; n++) {
      const wait = start + (n * 1000) / rate - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      onTick?.(Date.now() - start);
      const id = `evt_${this.system.prefix}_${n}`;
      this.sent++;
      pending.push(viaKafka && n % 2 === 1 ? this.viaKafka(id) : this.viaApi(id));
    }
    await Promise.all(pending);
  }

  async viaApi(id) {
    try {
      const res = await this.system.api('POST', '/events', { id, type: this.type, data: { id } });
      if (res.status === 202) {
        this.accepted.set(id, Date.now());
        this.unanswered.delete(id);
        if (this.outage) this.api202DuringOutage++;
      } else {
        if (res.status === 503) this.api503++;
        this.unanswered.add(id);
      }
      await res.text();
    } catch {
      this.unanswered.add(id);
    }
  }

  async viaKafka(id) {
    try {
      await this.producer.send({ topic: `${this.system.prefix}.events`, acks: -1, timeout: 3000, messages: [{ key: id, value: JSON.stringify({ id, type: this.type, data: { id } }) }] });
      this.accepted.set(id, Date.now());
      this.unanswered.delete(id);
    } catch {
      this.unanswered.add(`kafka:${id}`);
    }
  }

  /** What a client does with requests that got no answer: send them again, same id, until accepted. */
  async retryUnanswered(deadlineMs = 120000) {
    const deadline = Date.now() + deadlineMs;
    while (this.unanswered.size > 0 && Date.now() < deadline) {
      for (const entry of [...this.unanswered]) {
        if (entry.startsWith('kafka:')) {
          this.unanswered.delete(entry);
          await this.viaKafka(entry.slice(6));
        } else {
          await this.viaApi(entry);
        }
      }
      if (this.unanswered.size > 0) await new Promise((r) => setTimeout(r, 1000));
    }
  }

  async close() {
    await this.producer.disconnect();
  }
}
