import { DynamicModule, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { HookstreamConfig } from '@app/config';
import { CheckState, createLogger, HealthCheck, Logger, NestPinoLogger, startOpsServer } from '@app/observability';
import { lastingConnectionProblem } from '@app/kafka';
import { StartUpRefused } from './kafka-access';
import { boundHeapGrowth, configOrExit, kafkaHealth, prepareTopics, retryUntilUp, topicsHealth } from './start-up';
import { KafkaWorkerTransport, WORKER_CONSUMERS, WorkerConsumer } from './kafka-worker.transport';
import { KAFKA, METRICS_REGISTRY, TOPICS_REPORT } from './tokens';

export type Check = () => Promise<CheckState>;

/** The API: a Nest HTTP application on PORT, configured (middleware, docs) before it listens. */
export interface HttpApp {
  kind: 'http';
  configure: (app: NestExpressApplication, config: HookstreamConfig, logger: Logger) => void;
  /** Runs once the app listens (e.g. a message for the terminal). */
  started?: (config: HookstreamConfig) => void;
}

/** A worker: its Kafka consumers (WORKER_CONSUMERS) and `/health` + `/metrics` on its own port. */
export interface WorkerApp {
  kind: 'worker';
  port: (config: HookstreamConfig) => number;
  /** Health checks beside Kafka's. */
  checks?: (app: INestApplicationContext) => Record<string, Check>;
}

export interface AppSpec {
  name: string;
  module: (config: HookstreamConfig) => DynamicModule;
  run: HttpApp | WorkerApp;
}

/**
 * The one start-up path of every app: heap bound, config (or a one-line reason and exit 78), logger,
 * topics (a refused Kafka password or certificate: also a one-line reason and exit 78), the Nest
 * application, and a graceful stop on SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_MS (consumers drain and
 * commit, the producer flushes, connections close), forced after that.
 */
export function runApp(spec: AppSpec): void {
  boundHeapGrowth();
  const config = configOrExit();
  const logger = createLogger(spec.name, config.LOG_LEVEL);
  process.on('unhandledRejection', (e) => logger.error({ 'error.message': String(e) }, 'unhandled rejection'));
  start(spec, config, logger).catch((e: Error) => {
    if (e instanceof StartUpRefused) {
      // A setting is wrong, as with a bad variable: one line that names it, and the same exit code.
      logger.fatal({ 'error.message': e.detail }, e.message);
      logger.flush();
      process.exit(78);
    }
    logger.fatal({ 'error.message': e.message, 'error.stack_trace': e.stack }, `${spec.name} could not start`);
    logger.flush();
    process.exit(1);
  });
}

/** Facts start-up learnt before the Nest application exists (global: every module may inject them). */
class StartUpFacts {}
/** The root of every app: its own module beside the start-up facts. */
class AppRoot {}

async function start(spec: AppSpec, config: HookstreamConfig, logger: Logger): Promise<void> {
  const topics = await retryUntilUp(() => prepareTopics(config, logger), logger, 'Kafka', { lasting: lastingConnectionProblem });
  const facts: DynamicModule = { module: StartUpFacts, global: true, providers: [{ provide: TOPICS_REPORT, useValue: topics }], exports: [TOPICS_REPORT] };
  const root = (module: DynamicModule): DynamicModule => ({ module: AppRoot, imports: [module, facts] });
  const nestLogger = new NestPinoLogger(logger);
  let close: () => Promise<void>;
  let port: number;
  if (spec.run.kind === 'http') {
    const app = await NestFactory.create<NestExpressApplication>(root(spec.module(config)), { bodyParser: false, logger: nestLogger });
    spec.run.configure(app, config, logger);
    await app.listen(config.PORT, '::');
    port = config.PORT;
    close = () => app.close();
  } else {
    const transport = new KafkaWorkerTransport(config.SHUTDOWN_TIMEOUT_MS);
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(root(spec.module(config)), { strategy: transport, logger: nestLogger });
    transport.use(app.get<WorkerConsumer[]>(WORKER_CONSUMERS));
    await app.listen();
    const checks = Object.entries({ kafka: kafkaHealth(app.get<Kafka>(KAFKA)), topics: topicsHealth(topics), ...spec.run.checks?.(app) });
    const health: HealthCheck = async () => Object.fromEntries(await Promise.all(checks.map(async ([k, check]) => [k, await check()] as const)));
    port = spec.run.port(config);
    const ops = await startOpsServer(port, app.get<Registry>(METRICS_REGISTRY), health, config.OPS_HOST);
    close = async () => {
      ops.close();
      await app.close();
    };
  }
  stopOnSignals(spec.name, close, config, logger);
  logger.info({ 'url.port': port }, `${spec.name} ready`);
  if (spec.run.kind === 'http') spec.run.started?.(config);
}

function stopOnSignals(name: string, close: () => Promise<void>, config: HookstreamConfig, logger: Logger): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, `${name} stopping`);
    const force = setTimeout(() => {
      logger.error('shutdown timeout reached; exiting');
      logger.flush();
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 2000);
    force.unref();
    close().then(
      () => {
        logger.flush();
        process.exit(0);
      },
      (e: Error) => {
        logger.error({ 'error.message': e.message }, 'error during shutdown');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
