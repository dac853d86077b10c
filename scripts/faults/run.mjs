// `npm run test:faults [name ...]`: runs the fault scenarios (all, or FAULTS_QUICK=1 for the CI subset, or the
// named ones) against real processes, a real broker and a real Postgres, and prints per fault: events sent,
// accepted, lost, duplicated, time to recover. Exits non-zero when any check fails.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, ensureKafka, ensurePostgres, portOpen } from '../lib/infra.mjs';
import { readTopic } from '../lib/topic-scan.mjs';
import { CountingReceiver, Load, System } from './harness.mjs';
import { rebuildScenario } from './rebuild.mjs';
import { SCENARIOS } from './scenarios.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const QUICK = process.env.FAULTS_QUICK === '1';
const RATE = Number(process.env.FAULTS_RATE ?? 100);
const LOAD_MS = Number(process.env.FAULTS_LOAD_S ?? (QUICK ? 12 : 20)) * 1000;
const OUTAGE_MS = Number(process.env.OUTAGE_S ?? 30) * 1000;
const RECEIVER_DOWN_MS = Number(process.env.RECEIVER_DOWN_S ?? 60) * 1000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Rejects when `promise` takes longer than `ms`: a hung app fails its scenario instead of hanging CI. */
function withDeadline(promise, ms, what) {
  let timer;
  const expired = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

async function runScenario(name, def, infra, kafkaClient) {
  const sys = new System(root, infra, name, {}, { instances: def.instances ?? 1 });
  const receiver = new CountingReceiver();
  receiver.failFirst = def.failFirst ?? (() => 0);
  await receiver.start();
  await sys.start();
  try {
    if (def.twoDispatchers) await sys.addDispatcher();
    const sub = await sys.api('POST', '/webhooks', { url: receiver.url(), events: ['fault.*'] });
    if (sub.status !== 201) throw new Error(`subscription: ${sub.status} ${await sub.text()}`);
    for (let i = 0; i < 20; i++) await sys.api('POST', '/events', { id: `warmup_${i}`, type: 'fault.warmup', data: {} });
    const warmedBy = Date.now() + 60000;
    while ([...Array(20).keys()].some((i) => !receiver.counts.has(`warmup_${i}`))) {
      if (Date.now() > warmedBy) throw new Error('the warm-up events were not delivered within 60 s');
      await sleep(50);
    }

    const load = new Load(sys, kafkaClient, 'fault.event');
    const marks = {};
    let fault;
    const loadMs = def.loadMs ?? LOAD_MS;
    const faultAt = Math.min(5000, loadMs / 3);
    const ctx = { sys, receiver, load, infra, marks, outageMs: OUTAGE_MS, receiverDownMs: RECEIVER_DOWN_MS };
    await load.run(RATE, loadMs, {
      viaKafka: def.viaKafka ?? true,
      onTick: (t) => {
        if (!fault && t >= faultAt) {
          marks.faultAt = Date.now();
          fault = def.inject(ctx);
        }
      },
    });
    await withDeadline(fault, 300000, 'the fault');
    await load.retryUnanswered();
    await load.close();

    // Settle: every accepted event received and terminal in the read model.
    const prefix = `evt_${sys.prefix}_`;
    const settleBy = Date.now() + 180000 + (name === 'receiver-down' ? RECEIVER_DOWN_MS * 2 : 0);
    let rows = [];
    for (;;) {
      rows = await sys.db(`SELECT event_id, status, attempts FROM deliveries WHERE event_id LIKE $1`, [`${prefix}%`]).catch(() => []);
      const terminal = rows.filter((r) => r.status === 'delivered' || r.status === 'failed').length;
      const received = [...load.accepted.keys()].every((id) => receiver.counts.has(id));
      if ((received && terminal >= load.accepted.size) || Date.now() > settleBy) break;
      await sleep(500);
    }
    const events = await sys.db(`SELECT id, status FROM events WHERE id LIKE $1`, [`${prefix}%`]).catch(() => []);
    return evaluate(name, def, { sys, receiver, load, marks, rows, events, prefix, kafkaClient });
  } finally {
    await sys.stop();
    await receiver.down().catch(() => undefined);
  }
}

const percent = (n, of) => `${((100 * n) / Math.max(1, of)).toFixed(2)} %`;

async function evaluate(name, def, { sys, receiver, load, marks, rows, events, prefix, kafkaClient }) {
  const accepted = [...load.accepted.keys()];
  const lost = accepted.filter((id) => !receiver.counts.has(id));
  const successes = (id) => (receiver.counts.get(id) ?? 0) - receiver.failFirst(id);
  const duplicated = accepted.filter((id) => successes(id) > 1);
  // The crash window: from 10 s before the fault (work not yet committed) to 10 s after the repair.
  const windowStart = (marks.faultAt ?? 0) - 10000;
  const windowEnd = (marks.repairedAt ?? marks.faultAt ?? 0) + 10000;
  const outside = duplicated.filter((id) => load.accepted.get(id) < windowStart || load.accepted.get(id) > windowEnd);
  const byId = new Map(rows.map((r) => [r.event_id, r]));
  const notDelivered = accepted.filter((id) => byId.get(id)?.status !== 'delivered');
  const phantom = rows.filter((r) => !load.accepted.has(r.event_id) && !receiver.counts.has(r.event_id));
  // The event rows fold their deliveries: an event shown other than delivered means a fold saw stale rows.
  const eventStatus = new Map(events.map((e) => [e.id, e.status]));
  const misfolded = accepted.filter((id) => eventStatus.get(id) !== 'delivered');
  // Time to recover: until the backlog from before the repair is delivered and new events flow again.
  const repaired = marks.repairedAt ?? 0;
  const arrival = (id) => receiver.firstArrival.get(id) ?? Infinity;
  const backlogDone = Math.max(0, ...accepted.filter((id) => load.accepted.get(id) <= repaired).map(arrival));
  const flowing = Math.min(Infinity, ...accepted.filter((id) => load.accepted.get(id) > repaired).map(arrival));
  const recoveryMs = repaired ? Math.max(0, Math.max(backlogDone, Number.isFinite(flowing) ? flowing : 0) - repaired) : 0;
  const checks = [
    [`lost: ${lost.length}`, lost.length === 0],
    [`read model: ${notDelivered.length} accepted events not delivered, ${phantom.length} unknown, ${misfolded.length} events not shown as delivered`, notDelivered.length === 0 && phantom.length === 0 && misfolded.length === 0],
    def.noDuplicates
      ? [`duplicates: ${duplicated.length} (none allowed)`, duplicated.length === 0]
      : [`duplicates: ${duplicated.length} (${percent(duplicated.length, accepted.length)}), outside the crash window: ${outside.length} (${percent(outside.length, accepted.length)}, at most 0.1 %)`, outside.length <= accepted.length * 0.001],
    ...(def.check ? def.check({ marks, load }) : []),
  ];
  if (def.checkNotEarly) {
    // Each retry against the due times recorded on Kafka by the attempt before it. A crash may run an
    // attempt twice, each scheduling its own retry (jitter moves them apart), so a retry is early only
    // before the earliest of them. Logs cannot serve: a SIGKILLed app loses its last lines.
    const attempts = (await readTopic(kafkaClient, `${sys.prefix}.attempts`)).filter((r) => r.kind === 'attempt' && r.event_id.startsWith(prefix));
    const key = (r, n) => `${r.event_id}\u0000${r.subscription_id}\u0000${n}`;
    const due = new Map();
    for (const r of attempts) if (r.next_attempt_at) due.set(key(r, r.attempt + 1), Math.min(due.get(key(r, r.attempt + 1)) ?? Infinity, Date.parse(r.next_attempt_at)));
    const started = new Map();
    for (const r of attempts) if (r.attempt > 1) started.set(key(r, r.attempt), Math.min(started.get(key(r, r.attempt)) ?? Infinity, Date.parse(r.started_at)));
    const early = [...due].filter(([k, at]) => (started.get(k) ?? Infinity) < at);
    const fired = [...due.keys()].filter((k) => started.has(k));
    checks.push([`retries scheduled ${due.size}, fired ${fired.length}, early ${early.length}`, early.length === 0 && fired.length === due.size]);
  }
  return { name, sent: load.sent, accepted: accepted.length, lost: lost.length, duplicated: duplicated.length, recoveryMs, checks };
}

async function main() {
  ensureBuilt(root);
  const kafka = await ensureKafka(root);
  const postgres = await ensurePostgres(root, 'hookstream_faults');
  const ownBroker = !process.env.KAFKA_BROKERS;
  const kafkaControl = ownBroker && {
    down: async () => {
      spawnSync(join(root, 'scripts/kafka.sh'), ['stop'], { stdio: 'inherit' });
      if (await portOpen(9092)) throw new Error('the broker on 127.0.0.1:9092 is not one scripts/kafka.sh of this checkout started, so this suite cannot stop it; stop it and run again');
    },
    up: async () => void spawnSync(join(root, 'scripts/kafka.sh'), ['start'], { stdio: 'inherit' }),
  };
  const infra = { kafka, postgres, kafkaControl };
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const kafkaClient = new Kafka({ clientId: 'hookstream-faults', brokers: kafka.brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 2 } });

  const asked = process.argv.slice(2);
  const names = asked.length > 0 ? asked : [...Object.keys(SCENARIOS).filter((n) => !QUICK || SCENARIOS[n].quick), 'rebuild'];
  const results = [];
  for (const name of names) {
    const started = Date.now();
    console.log(`\n== ${name}: ${name === 'rebuild' ? 'empty the read model and replay Kafka; compare with the live one' : SCENARIOS[name].about}`);
    // A fault this run cannot cause is a failed check, not a pass: the suite proves nothing about it.
    const cannot =
      (name === 'kafka-down' && !kafkaControl && 'KAFKA_BROKERS points at a broker this suite does not run') ||
      (name === 'postgres-down' && !postgres.outage && 'DATABASE_URL points at a Postgres this suite does not run');
    if (cannot) {
      results.push({ name, checks: [[`not run: ${cannot}`, false]] });
      console.log(`  FAIL not run: ${cannot}`);
      continue;
    }
    try {
      const run = name === 'rebuild' ? rebuildScenario(root, infra, kafkaClient, RATE) : runScenario(name, SCENARIOS[name], infra, kafkaClient);
      const r = await withDeadline(run, 900000, name);
      results.push(r);
      for (const [text, ok] of r.checks) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${text}`);
    } catch (e) {
      results.push({ name, checks: [[`error: ${e.message}`, false]] });
      console.log(`  FAIL ${e.stack}`);
    }
    console.log(`  (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    if (!(await portOpen(9092)) && kafkaControl) await kafkaControl.up();
  }

  console.log(`\n| fault | sent | accepted | lost | duplicated | recovery | checks |\n|---|---|---|---|---|---|---|`);
  for (const r of results) {
    const ok = r.checks.every(([, pass]) => pass);
    console.log(`| ${r.name} | ${r.sent ?? ''} | ${r.accepted ?? ''} | ${r.lost ?? ''} | ${r.duplicated ?? ''} | ${r.recoveryMs !== undefined ? `${(r.recoveryMs / 1000).toFixed(1)} s` : ''} | ${ok ? 'pass' : 'FAIL'} |`);
  }
  const failed = results.filter((r) => !r.checks.every(([, pass]) => pass)).length;
  console.log(`\n${results.length - failed} passed, ${failed} failed`);
  await postgres.stop();
  process.exit(failed === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
