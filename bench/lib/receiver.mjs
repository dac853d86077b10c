// The bench's side of the receiver process (bench/receiver.mjs): start it, ask it what arrived, wait for arrivals.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { sleep } from './stats.mjs';

/** Starts the receiver; its answers come back in order, one question at a time. */
export function startReceiver(root) {
  const child = fork(join(root, 'bench/receiver.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let queue = Promise.resolve();
  const ask = (m) => {
    const answer = queue.then(() => new Promise((resolve) => child.once('message', resolve) && child.send(m)));
    queue = answer.catch(() => undefined);
    return answer;
  };
  return new Promise((resolve) =>
    child.once('message', ({ port }) => {
      const receiver = {
        base: `http://127.0.0.1:${port}`,
        url: `http://127.0.0.1:${port}/hook`,
        pid: child.pid,
        count: () => ask('count'),
        report: () => ask('report'),
        reset: () => ask('reset'),
        /** Opens n endpoints that accept and never answer; resolves to their URLs. */
        hang: async (n) => (await ask({ hang: n })).hangPorts.map((p) => `http://127.0.0.1:${p}/hang`),
        stop: () => child.send('exit'),
        /** Resolves with the full report once `expected` requests arrived, or when `timeoutMs` passed. */
        waitFor: async (expected, timeoutMs = 600000) => {
          const until = Date.now() + timeoutMs;
          for (;;) {
            const { count } = await receiver.count();
            if (count >= expected || Date.now() > until) return receiver.report();
            await sleep(200);
          }
        },
      };
      resolve(receiver);
    }),
  );
}
