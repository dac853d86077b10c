// The baseline a user might pick instead of hookstream: a minimal BullMQ-on-Redis webhook worker that POSTs
// each job with got at the same concurrency. Not part of the product; used by bench/bench.mjs only.
import { Queue, Worker } from 'bullmq';

export async function bullmqThroughput({ url, jobs, concurrency, redis = { host: '127.0.0.1', port: 6379 } }) {
  const { default: got } = await import('got');
  const name = `hookstream-bench-${Date.now()}`;
  const queue = new Queue(name, { connection: redis });
  const body = JSON.stringify({ id: 'x', type: 'bench.event', timestamp: new Date().toISOString(), data: { n: 1 } });
  let done = 0;
  let first = 0;
  let last = 0;
  const finished = new Promise((resolve) => {
    const worker = new Worker(
      name,
      async (job) => {
        await got.post(url, { body, headers: { 'content-type': 'application/json', 'webhook-id': job.data.id }, retry: { limit: 0 }, followRedirect: false });
        first ||= Date.now();
        last = Date.now();
        if (++done === jobs) resolve(worker);
      },
      { connection: redis, concurrency },
    );
  });
  for (let i = 0; i < jobs; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({ name: 'deliver', data: { id: `bull_${i + k}` }, opts: { removeOnComplete: true } })));
  }
  const worker = await finished;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return (done / Math.max(1, last - first)) * 1000;
}
