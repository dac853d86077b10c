// Noisy neighbour: healthy endpoints alone, then beside endpoints that accept the connection and never
// answer (every attempt ends at DELIVERY_TIMEOUT_MS, 10 s). Events straight to Kafka, open loop. Checks the
// healthy endpoints' p99 beside the hanging ones (within 2× of alone, under 100 ms) and that every event of
// both ends terminal in the read model; reports deferrals by reason and circuits open from /metrics.
import { latenciesOf, openLoop } from '../lib/load.mjs';
import { cpuMeter, deferralDelta, describeStates, endpointMetrics, sampleEndpointMetrics, waitForStates } from '../lib/observe.mjs';
import { latencySummary, loadAverage, quantile } from '../lib/stats.mjs';
import { startReceiver } from '../lib/receiver.mjs';
import { startSystem } from '../lib/system.mjs';

const RATE = 100;
const WARMUP = 1000;
/**
 * Retries shortened so the hanging endpoints' deliveries end within minutes: the first retry after 1 s and
 * the second after 32 s (RETRY_BASE_MS 1000 as shipped, RETRY_MULTIPLIER 32, RETRY_MAX 2), so a deferred
 * delivery may wait 33 s + 60 s. RETRY_BASE_MS stays as shipped because it is also how long a delivery
 * that found its endpoint at ENDPOINT_MAX_IN_FLIGHT waits before it asks again, and the largest tier (32 s)
 * still covers the circuit's first cool-down (30 s), so deferrals behave as with the shipped schedule.
 */
const RETRY = { RETRY_BASE_MS: '1000', RETRY_MULTIPLIER: '32', RETRY_MAX: '2' };

/**
 * Runs the one-and-one variant to the end, then the ten-and-ten variant's latency phases; what is left (its
 * hanging deliveries running out) is returned as background work that other scenarios' setup may overlap.
 */
export async function noisy(ctx) {
  const { report } = ctx;
  const seconds = ctx.quick ? 10 : 30;
  const receiver = await startReceiver(ctx.root);
  const system = await startSystem(ctx, { name: 'noisy', basePort: 3510, database: 'hookstream_bench_noisy', env: RETRY });
  const stop = async () => {
    await system.stop();
    receiver.stop();
  };
  report.note(
    `shipped settings (DELIVERY_CONCURRENCY 1024, so ENDPOINT_MAX_IN_FLIGHT 128, 16 while an endpoint is slow; DELIVERY_TIMEOUT_MS 10000; CIRCUIT_FAILURE_THRESHOLD 5; CIRCUIT_COOLDOWN_MS 30000; undici) except the retry schedule: RETRY_MULTIPLIER 32, RETRY_MAX 2 (retries after 1 s and 32 s; a deferred delivery ends failed 93 s after it was first due) so the hanging endpoints' deliveries end within minutes`,
  );
  report.note(`events straight to Kafka, open loop, ${RATE}/s to the healthy endpoints for ${seconds} s alone, then ${RATE}/s to them plus ${RATE}/s to the hanging ones for ${seconds} s; latency = publish → first arrival at the receiver`);
  try {
    const one = await variant({ ...ctx, receiver }, system, { label: 'one', healthy: 1, hanging: 1, seconds });
    await one.drain();
    const ten = await variant({ ...ctx, receiver }, system, { label: 'ten', healthy: 10, hanging: 10, seconds });
    return { background: ten.drain().finally(stop) };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The latency phases of one variant; resolves to its drain, which waits for every delivery to end and reports. */
async function variant(ctx, system, { label, healthy, hanging, seconds }) {
  const { receiver, report } = ctx;
  const { row } = report;
  const section = `${healthy} healthy + ${hanging} hanging`;
  report.note(`${section}: load average at start ${loadAverage()} (2 cores, shared machine)`);
  const hangUrls = await receiver.hang(hanging);
  const healthyIds = [];
  const hangingIds = [];
  for (let i = 0; i < healthy; i++) healthyIds.push(await system.subscribe({ url: `${receiver.base}/${label}/a${i}`, events: [`${label}.a${i}`] }));
  for (let j = 0; j < hanging; j++) hangingIds.push(await system.subscribe({ url: hangUrls[j], events: [`${label}.b${j}`] }));
  const healthyEvent = (id, k) => ({ id, type: `${label}.a${k % healthy}`, data: { n: k } });

  // Warm-up over the healthy endpoints at twice the measured rate (a burst would only meet the in-flight cap), then A alone.
  await receiver.reset();
  await openLoop(system, { rate: 2 * RATE, seconds: WARMUP / (2 * RATE), event: (i) => healthyEvent(`${label}_warm_${i}`, i) });
  await receiver.waitFor(WARMUP);
  await receiver.reset();
  const sampler = sampleEndpointMetrics(system);
  const aloneStart = Date.now();
  const cpuAlone = cpuMeter(system);
  const alone = await openLoop(system, { rate: RATE, seconds, event: (i) => healthyEvent(`${label}_alone_${i}`, i) });
  const aloneArrived = await receiver.waitFor(alone.n, 60000);
  const aloneCpu = cpuAlone();
  const aloneLat = latenciesOf(alone.sentAt, aloneArrived.arrivals);
  const aloneLoad = loadAverage();

  // A beside B: every other event goes to a hanging endpoint.
  await receiver.reset();
  const before = await endpointMetrics(system);
  const cpuBeside = cpuMeter(system);
  const phaseStart = Date.now();
  const beside = await openLoop(system, {
    rate: 2 * RATE,
    seconds,
    event: (i) => (i % 2 === 0 ? healthyEvent(`${label}_a_${i / 2}`, i / 2) : { id: `${label}_b_${(i - 1) / 2}`, type: `${label}.b${((i - 1) / 2) % hanging}`, data: { n: i } }),
  });
  const aIds = [...beside.sentAt.keys()].filter((id) => id.startsWith(`${label}_a_`));
  const besideArrived = await receiver.waitFor(aIds.length, 60000);
  const besideCpu = cpuBeside();
  const afterPhase = await endpointMetrics(system);
  const besideLoad = loadAverage();
  const loopDelay = (from, to) => Math.round(Math.max(0, ...sampler.samples.filter((x) => x.at > from && x.at <= to).map((x) => x.loopDelayMaxMs)));
  const besideLat = latenciesOf(beside.sentAt, besideArrived.arrivals, aIds);

  const [p99Alone, p99Beside] = [quantile(aloneLat, 0.99), quantile(besideLat, 0.99)];
  row(section, `healthy alone: latency p50 / p95 / p99 / max (${alone.n} events)`, latencySummary(aloneLat), 'ms');
  row(section, `healthy beside hanging: latency p50 / p95 / p99 / max (${aIds.length} events)`, latencySummary(besideLat), 'ms');
  row(section, 'p99 beside ÷ p99 alone', p99Beside / p99Alone, '×');
  row(section, 'p99 beside within 2× of alone and under 100 ms', p99Beside <= 2 * p99Alone && p99Beside < 100 ? 'yes' : 'no', '');
  row(section, 'healthy beside hanging: arrived within 1 s', `${besideLat.filter((l) => l <= 1000).length} of ${aIds.length}`, '');
  row(section, 'healthy beside hanging: p99 per 5 s of the phase', p99BySlice(beside.sentAt, besideArrived.arrivals, aIds, phaseStart, 5000), 'ms');
  await attemptBreakdown(system, row, section, beside.sentAt, aIds, healthyIds);
  row(section, 'CPU s of dispatcher / scheduler / projector, alone → beside', ['dispatcher', 'retry-scheduler', 'status-projector'].map((a) => `${aloneCpu[a].toFixed(1)} → ${besideCpu[a].toFixed(1)}`).join(' / '), 's');
  row(section, 'dispatcher event-loop delay, most in a 1 s sample, alone / beside', `${loopDelay(aloneStart, phaseStart)} / ${loopDelay(phaseStart, Date.now())}`, 'ms');
  row(section, 'machine load average (1 min) at the end of alone / beside (2 cores, shared)', `${aloneLoad} / ${besideLoad}`, '');
  row(section, 'deferrals during the phase beside (dispatcher /metrics)', deferralDelta(before, afterPhase), '');

  const besideLatency = new Map(aIds.map((id) => [id, (besideArrived.arrivals[id] ?? Infinity) - beside.sentAt.get(id)]));
  const expected = { offered: alone.n + beside.n, healthy: WARMUP + alone.n + aIds.length, hanging: beside.n - aIds.length };
  return { drain: () => drain(system, receiver, row, section, { label, seconds, phaseStart, before, sampler, healthyIds, hangingIds, expected, besideLatency }) };
}

/**
 * How many of the healthy endpoints' own deliveries were deferred (the read model's deferrals), and the
 * latency beside the hanging endpoints of those never deferred against those deferred at least once.
 */
async function healthyDeferrals(system, row, section, { label, healthyIds, besideLatency }) {
  const count = async (pattern) => {
    const rows = await system.query('select reason, count(*)::int as n, count(distinct event_id)::int as events from deferrals where subscription_id = any($1) and event_id like $2 group by reason', [healthyIds, pattern]);
    return rows.map((r) => `${r.reason} ${r.events} events (${r.n} deferrals)`).join(', ') || 'none';
  };
  row(section, 'healthy endpoints: their own deliveries deferred, alone', await count(`${label}\\_alone\\_%`), '');
  row(section, 'healthy endpoints: their own deliveries deferred, beside', await count(`${label}\\_a\\_%`), '');
  const deferred = new Set((await system.query('select distinct event_id from deferrals where subscription_id = any($1) and event_id like $2', [healthyIds, `${label}\\_a\\_%`])).map((r) => r.event_id));
  const split = (want) => [...besideLatency].filter(([id]) => deferred.has(id) === want).map(([, ms]) => ms).sort((a, b) => a - b);
  const [never, some] = [split(false), split(true)];
  const p = (xs) => (xs.length === 0 ? '–' : `${Math.round(quantile(xs, 0.5))} / ${Math.round(quantile(xs, 0.99))}`);
  row(section, 'healthy beside hanging: p50 / p99 of the events never deferred / of those deferred', `${p(never)} (${never.length} events) / ${p(some)} (${some.length} events)`, 'ms');
}

/** Until every event of both is terminal: the healthy ones delivered, the hanging ones failed or skipped. */
async function drain(system, receiver, row, section, { label, seconds, phaseStart, before, sampler, healthyIds, hangingIds, expected, besideLatency }) {
  const healthyDone = await waitForStates(system, healthyIds, (s) => (s.delivered ?? 0) >= expected.healthy, 120000);
  const hangingDone = await waitForStates(system, hangingIds, (s) => (s.failed ?? 0) + (s.skipped ?? 0) >= expected.hanging, 400000);
  const samples = await sampler.stop();
  const end = await endpointMetrics(system);
  const hung = (await receiver.count()).hung;
  await healthyDeferrals(system, row, section, { label, healthyIds, besideLatency });
  row(section, `healthy deliveries in the read model (${expected.healthy} events)`, describeStates(healthyDone.states), '');
  row(section, `hanging deliveries in the read model (${expected.hanging} events)`, describeStates(hangingDone.states), '');
  row(section, 'hanging deliveries all terminal, after the phase ended', hangingDone.reached ? `yes, ${Math.round((Date.now() - phaseStart) / 1000 - seconds)} s` : 'no', '');
  const lost = await system.query(`select count(*)::int as n from events where id like $1`, [`${label}\\_%`]);
  row(section, 'events in the read model / offered (warm-up included)', `${lost[0].n} / ${WARMUP + expected.offered}`, '');
  const reasons = await system.query('select left(last_error, 90) as reason, count(*)::int as n from deliveries where subscription_id = any($1) group by 1 order by 2 desc', [hangingIds]);
  row(section, 'hanging deliveries: last error', reasons.map((r) => `${r.n} × ${r.reason}`).join('; '), '');
  const [attempts] = await system.query(
    "select count(*) filter (where error is null or error not like 'not sent%')::int as made, count(*) filter (where error like 'not sent%')::int as unsent from attempts where subscription_id = any($1)",
    [hangingIds],
  );
  row(section, 'hanging endpoints: attempts made (recorded) / requests that reached them / deliveries ended without a request', `${attempts.made} / ${hung} / ${attempts.unsent}`, '');
  row(section, 'deferrals from the phase beside to the end (dispatcher /metrics)', deferralDelta(before, end), '');
  row(section, 'circuits open (this dispatcher, earlier variants included): before the phase → most → at the end', `${before.circuitsOpen} → ${Math.max(...samples.map((s) => s.circuitsOpen))} → ${end.circuitsOpen}`, '');
  row(section, 'events consumer lag, most sampled during the phase beside', Math.max(...samples.filter((s) => s.at >= phaseStart && s.at <= phaseStart + seconds * 1000).map((s) => s.eventsLag)), 'records');
}

/** p99 of the healthy events sent in each slice of the phase: when the slow ones were sent. */
function p99BySlice(sentAt, arrivals, ids, start, sliceMs) {
  const slices = new Map();
  for (const id of ids) {
    const slice = Math.floor((sentAt.get(id) - start) / sliceMs);
    if (!slices.has(slice)) slices.set(slice, []);
    slices.get(slice).push((arrivals[id] ?? Infinity) - sentAt.get(id));
  }
  return [...slices]
    .sort(([a], [b]) => a - b)
    .map(([slice, lat]) => `${(slice * sliceMs) / 1000}s: ${Math.round(quantile(lat.sort((a, b) => a - b), 0.99))}`)
    .join(', ');
}

/** Splits the healthy endpoints' latency beside the hanging ones: publish → attempt start, and the HTTP attempt. */
async function attemptBreakdown(system, row, section, sentAt, ids, healthyIds) {
  // The projector may still be folding the last attempts in: wait until it has them all.
  let rows = [];
  for (let i = 0; i < 30; i++) {
    rows = await system.query('select event_id, started_at, duration_ms from attempts where subscription_id = any($1) and event_id = any($2) and attempt = 1', [healthyIds, ids]);
    if (rows.length >= ids.length) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const waits = rows.map((r) => new Date(r.started_at).getTime() - sentAt.get(r.event_id)).sort((a, b) => a - b);
  const http = rows.map((r) => r.duration_ms).sort((a, b) => a - b);
  row(section, 'healthy beside hanging: publish → attempt start, p50 / p99 / max', [0.5, 0.99, 1].map((p) => Math.round(quantile(waits, p))).join(' / '), 'ms');
  row(section, 'healthy beside hanging: HTTP attempt, p50 / p99 / max', [0.5, 0.99, 1].map((p) => Math.round(quantile(http, p))).join(' / '), 'ms');
}
