// `npm run test:faults [name ...]`: runs the fault scenarios (all, or FAULTS_QUICK=1 for the CI subset, or the
// named ones) against real processes, a real broker and a real Postgres, and prints per fault: events sent,
// accepted, lost, duplicated, time to recover. Exits non-zero when any check fails.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, ensureKafka, ensurePostgres, portOpen } from '../lib/infra.mjs';
import { retryAnnouncements } from '../lib/retry-log.mjs';
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

async function runScenario(name, def, infra, kafkaClient) {
  const sys = new System(root, infra, name);
  const receiver = new CountingReceiver();
  receiver.failFirst = def.failFirst ?? (() => 0);
  await receiver.start();
  await sys.start();
  try {
    if (def.twoDispatchers) await sys.addDispatcher();
    const sub = await sys.api('POST', '/webhooks', { url: receiver.url(), events: ['fault.*'] });
    if (sub.status !== 201) throw new Error(`subscription: ${sub.status} ${await sub.text()}`);
    for (let i = 0; i < 20; i++) await sys.api('POST', '/events', { id: `warmup_${i}`, type: 'fault.warmup', data: {} });
    while ([...Array(20).keys()].some((i) => !receiver.counts.has(`warmup_${i}`))) await sleep(50);

    const load = new Load(sys, kafkaClient, 'fault.event');
    const marks = {};
    let fault;
    const faultAt = Math.min(5000, LOAD_MS / 3);
    const ctx = { sys, receiver, load, infra, marks, outageMs: OUTAGE_MS, receiverDownMs: RECEIVER_DOWN_MS };
    await load.run(RATE, LOAD_MS, {
      viaKafka: def.viaKafka ?? true,
      onTick: (t) => {
        if (!fault && t >= faultAt) {
          marks.faultAt = Date.now();
          fault = def.inject(ctx);
        }
      },
    });
    await fault;
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
    return evaluate(name, def, { sys, receiver, load, marks, rows, prefix });
  } finally {
    await sys.stop();
    await receiver.down().catch(() => undefined);
  }
}

const percent = (n, of) => `${((100 * n) / Math.max(1, of)).toFixed(2)} %`;

async function evaluate(name, def, { sys, receiver, load, marks, rows, prefix }) {
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
  // Time to recover: until the backlog from before the repair is delivered and new events flow again.
  const repaired = marks.repairedAt ?? 0;
  const arrival = (id) => receiver.firstArrival.get(id) ?? Infinity;
  const backlogDone = Math.max(0, ...accepted.filter((id) => load.accepted.get(id) <= repaired).map(arrival));
  const flowing = Math.min(Infinity, ...accepted.filter((id) => load.accepted.get(id) > repaired).map(arrival));
  const recoveryMs = repaired ? Math.max(0, Math.max(backlogDone, Number.isFinite(flowing) ? flowing : 0) - repaired) : 0;
  const checks = [
    [`lost: ${lost.length}`, lost.length === 0],
    [`read model: ${notDelivered.length} accepted events not delivered, ${phantom.length} unknown`, notDelivered.length === 0 && phantom.length === 0],
    def.noDuplicates
      ? [`duplicates: ${duplicated.length} (none allowed)`, duplicated.length === 0]
      : [`duplicates: ${duplicated.length} (${percent(duplicated.length, accepted.length)}), outside the crash window: ${outside.length} (${percent(outside.length, accepted.length)}, at most 0.1 %)`, outside.length <= accepted.length * 0.001],
    ...(def.check ? def.check({ marks, load }) : []),
  ];
  if (def.checkNotEarly) {
    await sleep(1500); // the apps write their logs in chunks at least every 500 ms
    const attempts = await sys.db(`SELECT event_id, attempt, started_at FROM attempts WHERE event_id LIKE $1`, [`${prefix}%`]);
    const started = new Map(attempts.map((a) => [`${a.event_id}#${a.attempt}`, a.started_at.getTime()]));
    const { due } = retryAnnouncements(sys.logText('dispatcher'), prefix);
    const early = [...due].filter(([key, at]) => (started.get(key) ?? Infinity) < at);
    const fired = [...due.keys()].filter((key) => started.has(key));
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
    if (name === 'kafka-down' && !kafkaControl) {
      console.log('skipped: KAFKA_BROKERS points at a broker this suite does not run');
      continue;
    }
    if (name === 'postgres-down' && !postgres.outage) {
      console.log('skipped: DATABASE_URL points at a Postgres this suite does not run');
      continue;
    }
    try {
      const r = name === 'rebuild' ? await rebuildScenario(root, infra, kafkaClient, RATE) : await runScenario(name, SCENARIOS[name], infra, kafkaClient);
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
