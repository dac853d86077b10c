// An open-loop stream of POST /events at a fixed rate, each request given long enough to outlast the API's
// own publish timeout, with every outcome kept: when it was sent, what came back, how long it took.

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export class ApiStream {
  constructor(system, type, { clientTimeoutMs = 25000 } = {}) {
    this.system = system;
    this.type = type;
    this.clientTimeoutMs = clientTimeoutMs;
    /** id → { sentAt, status, ms } (status 0: no answer). */
    this.outcomes = new Map();
  }

  get accepted() {
    return [...this.outcomes].filter(([, o]) => o.status === 202).map(([id]) => id);
  }

  get refused() {
    return [...this.outcomes].filter(([, o]) => o.status !== 202);
  }

  /** Sends `rate` events/s until `done(elapsedMs)`; `onTick(elapsedMs)` runs before each send. Resolves when all are answered. */
  async run(rate, done, onTick) {
    const start = Date.now();
    const inFlight = [];
    for (let n = 0; !done(Date.now() - start); n++) {
      const wait = start + (n * 1000) / rate - Date.now();
      if (wait > 0) await sleep(wait);
      onTick?.(Date.now() - start);
      inFlight.push(this.send(`evt_${this.system.prefix}_${n}`));
    }
    await Promise.all(inFlight);
  }

  async send(id) {
    const sentAt = Date.now();
    let status = 0;
    try {
      const res = await this.system.api('POST', '/events', { id, type: this.type, data: { id } }, this.clientTimeoutMs);
      status = res.status;
      await res.text();
    } catch {
      status = 0;
    }
    this.outcomes.set(id, { sentAt, status, ms: Date.now() - sentAt });
  }

  /** Answer times of the accepted publishes, sorted. */
  latencies() {
    return [...this.outcomes.values()].filter((o) => o.status === 202).map((o) => o.ms).sort((a, b) => a - b);
  }
}
