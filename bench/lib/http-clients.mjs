// The two delivery HTTP clients, configured as hookstream's are, and their raw limit against the receiver.

/** Requests per second of one client driven closed-loop at `concurrency` for `seconds`. */
export async function rawLimit(post, { concurrency, seconds }) {
  let done = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < end) {
        await post(`raw_${done}`);
        done++;
      }
    }),
  );
  return done / seconds;
}

/** got and undici, each posting one bench body to `url`. */
export async function clients(url, concurrency) {
  const body = JSON.stringify({ id: 'evt_raw', type: 'bench.event', timestamp: new Date().toISOString(), data: { n: 1, text: 'x'.repeat(100) } });
  const headers = (id) => ({ 'content-type': 'application/json', 'webhook-id': id });
  const { default: got } = await import('got');
  const { Agent: HttpAgent } = await import('node:http');
  const gotClient = got.extend({ agent: { http: new HttpAgent({ keepAlive: true, maxSockets: concurrency }) }, retry: { limit: 0 }, followRedirect: false });
  const undici = await import('undici');
  const agent = new undici.Agent({ connections: concurrency });
  return {
    got: (id) => gotClient.post(url, { body, headers: headers(id) }),
    undici: async (id) => (await undici.request(url, { method: 'POST', body, headers: headers(id), dispatcher: agent })).body.dump(),
  };
}
