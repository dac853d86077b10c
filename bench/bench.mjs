// `npm run bench`: hookstream measured on this machine, one scenario after another, each writing its table to
// bench/results/<date>-<commit>[-<scenario>].md. Not a test: it reports figures and says whether each target
// was met, it does not fail on them.
//
// Scenarios (BENCH_SCENARIO=a,b to run some; all but soak by default):
//   compare     the raw limit of both HTTP clients, a BullMQ baseline, hookstream end to end (the original bench)
//   noisy       healthy endpoints alone and beside endpoints that never answer (1 + 1, then 10 + 10)
//   rate-limit  one subscription limited to 20/s under 200 events/s
//   tenants     throughput and latency with 1,000 tenants and 10,000 subscriptions registered vs. without
//   soak        500 events/s for 5 minutes, memory sampled (BENCH_SOAK=1 selects it alone, as before)
//   console     the operator console's queries on a read model of 1,000,000 attempts (only when named)
//   retention   a day of 1,000,000 attempts pruned while projecting 500 deliveries/s (only when named)
// BENCH_QUICK=1 shortens every scenario; BENCH_PROFILE=1 writes a CPU profile of every app of the new scenarios.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBuilt, ensureKafka, ensurePostgres } from '../scripts/lib/infra.mjs';
import { startReceiver } from './lib/receiver.mjs';
import { createReport } from './lib/report.mjs';
import { compare } from './scenarios/compare.mjs';
import { consoleScenario } from './scenarios/console.mjs';
import { noisy } from './scenarios/noisy.mjs';
import { rateLimit } from './scenarios/rate-limit.mjs';
import { retention } from './scenarios/retention.mjs';
import { soak } from './scenarios/soak.mjs';
import { tenants } from './scenarios/tenants.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const QUICK = process.env.BENCH_QUICK === '1';

/**
 * `alone`: nothing may run beside the scenario (its figures are latencies or rates that background work
 * would move). Other scenarios may start while an earlier one finishes in the background; they wait for
 * bursty background work (the hanging endpoints' deliveries running out) before they measure, and only
 * steady background work (the rate-limited backlog, 20 deliveries/s) may run beside their measurements.
 */
const SCENARIOS = {
  compare: { run: compare, alone: true },
  noisy: { run: noisy, alone: true },
  'rate-limit': { run: rateLimit, alone: false },
  tenants: { run: tenants, alone: false },
  soak: { run: soak, alone: true },
  console: { run: consoleScenario, alone: true },
  retention: { run: retention, alone: true },
};
const FULL = ['compare', 'noisy', 'rate-limit', 'tenants'];

function selected() {
  if (process.env.BENCH_SCENARIO) {
    const names = process.env.BENCH_SCENARIO.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !SCENARIOS[n]);
    if (unknown.length > 0) throw new Error(`unknown BENCH_SCENARIO ${unknown.join(', ')}; choose from ${Object.keys(SCENARIOS).join(', ')}`);
    return names;
  }
  return process.env.BENCH_SOAK === '1' ? ['soak'] : FULL;
}

function suffixOf(name) {
  if (name === 'compare') return QUICK ? '-quick' : '';
  return `-${name}${QUICK ? '-quick' : ''}`;
}

async function main() {
  const names = selected();
  const started = Date.now();
  ensureBuilt(root);
  const kafka = await ensureKafka(root);
  const postgres = await ensurePostgres(root, 'hookstream_bench');
  const receiver = await startReceiver(root);
  /** Scenarios finishing in the background: { name, steady, during: names that started meanwhile, promise }. */
  const background = [];
  const running = () => background.filter((b) => !b.done);
  const written = [];
  const write = (report, name) => written.push(report.write(root, { suffix: suffixOf(name), mode: QUICK ? 'BENCH_QUICK' : '' }));
  try {
    for (const name of names) {
      const scenario = SCENARIOS[name];
      if (scenario.alone) await Promise.all(background.map((b) => b.promise));
      const report = createReport(name);
      for (const b of running()) {
        b.during.push(name);
        report.note(`started while ${b.name} was finishing in the background${b.steady ? ' (steady: 20 deliveries/s)' : '; measured only once that had ended'}`);
      }
      const ctx = {
        root,
        kafka,
        postgres,
        receiver,
        quick: QUICK,
        report,
        /** Resolves once no bursty background work is left (call before measuring). */
        quiet: () => Promise.all(running().filter((b) => !b.steady).map((b) => b.promise)),
      };
      console.log(`\n=== ${name} (${Math.round((Date.now() - started) / 1000)} s into the run)`);
      const outcome = await scenario.run(ctx);
      if (!outcome?.background) {
        write(report, name);
        continue;
      }
      const entry = { name, steady: outcome.steady === true, during: [], done: false };
      entry.promise = outcome.background.then(() => {
        entry.done = true;
        if (entry.during.length > 0) report.note(`its background part ran beside: ${entry.during.join(', ')}`);
        write(report, name);
      });
      // Awaited below; until then a failure must not be an unhandled rejection.
      entry.promise.catch(() => undefined);
      background.push(entry);
    }
    await Promise.all(background.map((b) => b.promise));
  } finally {
    receiver.stop();
    await postgres.stop();
  }
  console.log(`\nbench done in ${Math.round((Date.now() - started) / 1000)} s; wrote ${written.join(', ')}`);
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
