// One entry per fault: what to inject, and how long the load and the settling take. `quick` marks the
// subset that .ci/run runs; `npm run test:faults` runs them all.
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Event n fails its first (n mod 6) attempts: retries wait in every tier at any moment. */
const failInEveryTier = (id) => Number(id.split('_').pop()) % 6;

/** The inject step of a crash: SIGKILL `app`, keep it down for `downMs`, start it again. */
const killAndRestart =
  (app, downMs = 5000) =>
  async ({ sys, marks }) => {
    await sys.stopApp(app, 'SIGKILL');
    await sleep(downMs);
    await sys.restartApp(app);
    marks.repairedAt = Date.now();
  };

export const SCENARIOS = {
  'dispatcher-kill': {
    quick: true,
    about: 'SIGKILL of the dispatcher mid-stream, restarted after 5 s',
    inject: killAndRestart('dispatcher'),
  },
  'dispatcher-kill-one-of-two': {
    about: 'two dispatchers, one SIGKILLed; the other takes its partitions',
    twoDispatchers: true,
    async inject({ sys, marks }) {
      await sys.stopApp('dispatcher-2', 'SIGKILL');
      marks.repairedAt = Date.now();
    },
  },
  'scheduler-kill': {
    quick: true,
    about: 'SIGKILL of the retry scheduler while retries wait in every tier, restarted after 5 s',
    failFirst: failInEveryTier,
    checkNotEarly: true,
    inject: killAndRestart('retry-scheduler'),
  },
  'scaled-out': {
    quick: true,
    about: 'two instances of every app; one instance of each SIGKILLed in turn under load, then all four restarted',
    instances: 2,
    loadMs: 30000,
    failFirst: failInEveryTier,
    checkNotEarly: true,
    async inject({ sys, marks }) {
      for (const app of ['dispatcher', 'retry-scheduler', 'status-projector', 'api']) {
        await sys.stopApp(`${app}-2`, 'SIGKILL');
        await sleep(4000);
      }
      await Promise.all(['dispatcher', 'retry-scheduler', 'status-projector', 'api'].map((app) => sys.restartApp(`${app}-2`)));
      marks.repairedAt = Date.now();
    },
  },
  'projector-kill': {
    quick: true,
    about: 'SIGKILL of the status projector, restarted after 5 s',
    inject: killAndRestart('status-projector'),
  },
  'api-kill': {
    about: 'SIGKILL of the API with requests in flight, restarted; unanswered requests retried with their id',
    viaKafka: false,
    inject: killAndRestart('api', 2000),
  },
  'kafka-down': {
    about: 'Kafka broker stopped for OUTAGE_S (30) s, then started again',
    async inject({ infra, load, marks, outageMs, sys }) {
      await infra.kafkaControl.down();
      load.outage = true;
      const probe = await sys.api('POST', '/events', { type: 'fault.probe', data: {} }, 15000).then((r) => r.status, () => 0);
      marks.apiDuringOutage = probe;
      await sleep(outageMs);
      load.outage = false;
      await infra.kafkaControl.up();
      marks.repairedAt = Date.now();
    },
    check: ({ marks, load }) => [
      [`API answered ${marks.apiDuringOutage} to a publish during the outage`, marks.apiDuringOutage === 503],
      [`202s while Kafka was down: ${load.api202DuringOutage}`, load.api202DuringOutage === 0],
    ],
  },
  'postgres-down': {
    about: 'Postgres stopped for OUTAGE_S (30) s: deliveries go on, status answers 503, the projector catches up',
    async inject({ infra, receiver, marks, outageMs, sys }) {
      await infra.postgres.outage.down();
      const before = [...receiver.counts.values()].reduce((a, b) => a + b, 0);
      await sleep(Math.min(outageMs, 5000));
      marks.statusDuringOutage = await sys.api('GET', '/webhooks/status?event_id=x').then((r) => r.status, () => 0);
      await sleep(Math.max(0, outageMs - 5000));
      marks.deliveredDuringOutage = [...receiver.counts.values()].reduce((a, b) => a + b, 0) - before;
      await infra.postgres.outage.up();
      marks.repairedAt = Date.now();
    },
    check: ({ marks }) => [
      [`status API answered ${marks.statusDuringOutage} during the outage`, marks.statusDuringOutage === 503],
      [`requests delivered during the outage: ${marks.deliveredDuringOutage}`, marks.deliveredDuringOutage > 0],
    ],
  },
  'receiver-down': {
    about: 'receiver down for RECEIVER_DOWN_S (60) s, then back; retries deliver what had time left',
    async inject({ receiver, marks, receiverDownMs }) {
      await receiver.down();
      await sleep(receiverDownMs);
      await receiver.start(receiver.port);
      marks.repairedAt = Date.now();
    },
  },
  graceful: {
    quick: true,
    about: 'SIGTERM (graceful stop) of dispatcher, scheduler, projector and API in turn under load, each restarted: no duplicates at all',
    failFirst: (id) => (Number(id.split('_').pop()) % 3 === 0 ? 1 : 0),
    noDuplicates: true,
    async inject({ sys, marks }) {
      for (const app of ['dispatcher', 'retry-scheduler', 'status-projector', 'api']) {
        await sys.stopApp(app, 'SIGTERM');
        await sys.restartApp(app);
      }
      marks.repairedAt = Date.now();
    },
  },
};
