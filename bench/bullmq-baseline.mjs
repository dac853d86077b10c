// The baseline a user might pick instead of hookstream: a minimal BullMQ-on-Redis webhook worker that POSTs
// each job with the given client at the same concurrency. Not part of the product; used by bench/bench.mjs.
import { Queue, Worker } from 'bullmq';

/** Runs `jobs` deliveries through BullMQ; the caller reads the rate from the receiver's arrival times. */
export async function bullmqRun({ post, jobs, concurrency, label, redis = { host: '127.0.0.1', port: 6379 } }) {
  const name = `hookstream-bench-${Date.now()}`;
  const queue = new Queue(name, { connection: redis });
  let done = 0;
  const finished = new Promise((resolve) => {
    const worker = new Worker(
      name,
      async (job) => {
        await post(job.data.id);
        if (++done === jobs) resolve(worker);
      },
      { connection: redis, concurrency },
    );
  });
  for (let i = 0; i < jobs; i += 1000) {
    await queue.addBulk(Array.from({ length: Math.min(1000, jobs - i) }, (_, k) => ({ name: 'deliver', data: { id: `${label}_${i + k}` }, opts: { removeOnComplete: true } })));
  }
  const worker = await finished;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
}
