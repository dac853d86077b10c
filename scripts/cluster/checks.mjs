// What the cluster test checks once the stream is over, and how it prints them.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percent = (n, of) => `${((100 * n) / Math.max(1, of)).toFixed(2)} %`;
const at = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

/** Partitions each broker leads now, over every topic of the system. */
export async function leaderCounts(admin, prefix) {
  const names = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`));
  const { topics } = await admin.fetchTopicMetadata({ topics: names });
  const counts = new Map();
  for (const p of topics.flatMap((t) => t.partitions)) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
  return counts;
}

export async function evaluate({ sys, receiver, stream, marks, health }) {
  const accepted = stream.accepted;
  const prefix = `evt_${sys.prefix}_`;
  const settleBy = Date.now() + 120000;
  let rows = [];
  for (;;) {
    rows = await sys.db('SELECT id, status FROM events WHERE id LIKE $1', [`${prefix}%`]).catch(() => []);
    const delivered = new Set(rows.filter((r) => r.status === 'delivered').map((r) => r.id));
    if (accepted.every((id) => receiver.counts.has(id) && delivered.has(id)) || Date.now() > settleBy) break;
    await sleep(500);
  }
  const sent = stream.outcomes.size;
  const lost = accepted.filter((id) => !receiver.counts.has(id));
  const windowStart = marks.faultAt - 10000;
  const windowEnd = marks.repairedAt + 10000;
  const twice = accepted.filter((id) => (receiver.counts.get(id) ?? 0) > 1);
  const twiceOutside = twice.filter((id) => {
    const sentAt = stream.outcomes.get(id).sentAt;
    return sentAt < windowStart || sentAt > windowEnd;
  });
  // The read model holds exactly what reached the receiver: every received event delivered, nothing else.
  const received = [...receiver.counts.keys()].filter((id) => id?.startsWith(prefix)).sort();
  const projected = rows.map((r) => r.id).sort();
  const notDelivered = rows.filter((r) => r.status !== 'delivered').map((r) => r.id);
  const refusedByStatus = {};
  for (const [, o] of stream.refused) refusedByStatus[o.status] = (refusedByStatus[o.status] ?? 0) + 1;
  const latencies = stream.latencies();
  const apiLog = sys.logText('api');
  const checks = [
    [`publishes accepted: ${accepted.length} of ${sent} (${percent(accepted.length, sent)}, at least 99 %); refused by status: ${JSON.stringify(refusedByStatus)}`, accepted.length >= 0.99 * sent],
    [`accepted events lost: ${lost.length}`, lost.length === 0],
    [`delivered twice: ${twice.length}, outside the crash window: ${twiceOutside.length}`, twiceOutside.length === 0],
    [`read model: ${projected.length} events, ${received.length} received, not delivered: ${notDelivered.length}`, notDelivered.length === 0 && projected.join() === received.join()],
    [`/health with a topic below the factor: ${JSON.stringify(health)}`, health.status === 'degraded' && health.checks?.topics === 'degraded'],
    ['start-up warned with the reassignment command', apiLog.includes('kafka-reassign-partitions.sh') && apiLog.includes(`${sys.prefix}.events.invalid`)],
  ];
  const rel = (t) => `${((t - marks.faultAt) / 1000).toFixed(1)} s`;
  const shown = twiceOutside.slice(0, 5).map((id) => `${id} sent at ${rel(stream.outcomes.get(id).sentAt)}, arrived at ${receiver.arrivals.get(id).map(rel).join(' and ')}`);
  return {
    checks,
    info: [
      `times after the kill: broker back at ${rel(marks.repairedAt)}${shown.length ? `; twice outside the window: ${shown.join('; ')}` : ''}`,
      `broker ${marks.victim} killed; partitions led before: ${JSON.stringify(marks.leadersBefore)}`,
      `accepted publishes answered in p50 ${at(latencies, 0.5)} ms, p99 ${at(latencies, 0.99)} ms, max ${latencies.at(-1) ?? 0} ms`,
    ],
  };
}

export function printReport({ checks, info }) {
  console.log('\ncluster test');
  for (const line of info) console.log(`  ${line}`);
  for (const [text, ok] of checks) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${text}`);
  const ok = checks.every(([, pass]) => pass);
  console.log(ok ? '\ncluster test passed' : '\ncluster test FAILED');
  return ok;
}
