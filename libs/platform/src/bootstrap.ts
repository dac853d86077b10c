import { DynamicModule, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { setFlagsFromString } from 'node:v8';
import type { MicroserviceOptions } from '@nestjs/microservices';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { ConfigError, HookstreamConfig, loadConfig } from '@app/config';
import { topicsFor } from '@app/contracts';
import { createKafka, DEFAULT_RETENTION_MS, ensureTopics } from '@app/kafka';
import { CheckState, createLogger, HealthCheck, Logger, NestPinoLogger, startOpsServer } from '@app/observability';
import { KafkaWorkerTransport, WORKER_CONSUMERS, WorkerConsumer } from './kafka-worker.transport';
import { KAFKA, METRICS_REGISTRY } from './tokens';

/**
 * V8 sizes the heap to up to four times what survived the last full collection when a process allocates
 * fast, so a busy dispatcher's resident memory kept climbing for minutes (193 → 266 MB in a 5-minute soak)
 * with a flat 40 MB in use. A fixed factor of 1.5 kept it within 20 % (+17 % over 5 minutes, the idempotency
 * window's ids included) at no measurable CPU cost (bench/results/2026-11-28-0c26203-soak.md).
 */
export function boundHeapGrowth(): void {
  setFlagsFromString('--heap-growing-percent=50');
}

/** Loads config or exits with the one-line reason (the first bad variable). */
export function configOrExit(): HookstreamConfig {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
}

/** Creates every topic with its partition count and configs; safe to run from every app at start. */
export async function prepareTopics(config: HookstreamConfig, logger: Logger): Promise<void> {
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'hookstream-setup' }, logger);
  await ensureTopics(kafka, topicsFor(config.KAFKA_TOPIC_PREFIX, config.retry), {
    partitions: config.KAFKA_PARTITIONS,
    retentionMs: DEFAULT_RETENTION_MS,
  });
}

export type Check = () => Promise<CheckState>;

/** Health of Kafka as seen by a fresh admin connection. */
export function kafkaHealth(kafka: Kafka): Check {
  return async () => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      await admin.describeCluster();
      return 'up';
    } catch {
      return 'down';
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };
}

/**
 * Starts a worker app (no HTTP API) as a Nest microservice on the Kafka worker transport: topics, the
 * consumers the module lists under WORKER_CONSUMERS, `/health` + `/metrics` on `port`, and a graceful stop
 * on SIGTERM/SIGINT within SHUTDOWN_TIMEOUT_MS.
 */
export async function runWorker(
  name: string,
  module: (config: HookstreamConfig) => DynamicModule,
  port: (c: HookstreamConfig) => number,
  extraChecks: (app: INestMicroservice) => Record<string, Check> = () => ({}),
): Promise<void> {
  boundHeapGrowth();
  const config = configOrExit();
  const logger = createLogger(name, config.LOG_LEVEL);
  process.on('unhandledRejection', (e) => logger.error({ 'error.message': String(e) }, 'unhandled rejection'));
  try {
    await startWorker(name, module, port, extraChecks, config, logger);
  } catch (e) {
    logger.fatal({ 'error.message': (e as Error).message, 'error.stack_trace': (e as Error).stack }, `${name} could not start`);
    process.exit(1);
  }
}

async function startWorker(
  name: string,
  module: (config: HookstreamConfig) => DynamicModule,
  port: (c: HookstreamConfig) => number,
  extraChecks: (app: INestMicroservice) => Record<string, Check>,
  config: HookstreamConfig,
  logger: Logger,
): Promise<void> {
  await retryUntilUp(() => prepareTopics(config, logger), logger, 'Kafka');
  const transport = new KafkaWorkerTransport(config.SHUTDOWN_TIMEOUT_MS);
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module(config), { strategy: transport, logger: new NestPinoLogger(logger) });
  transport.use(app.get<WorkerConsumer[]>(WORKER_CONSUMERS));
  await app.listen();
  const checks = Object.entries({ kafka: kafkaHealth(app.get<Kafka>(KAFKA)), ...extraChecks(app) });
  const health: HealthCheck = async () => Object.fromEntries(await Promise.all(checks.map(async ([k, check]) => [k, await check()] as const)));
  const ops = await startOpsServer(port(config), app.get<Registry>(METRICS_REGISTRY), health, config.OPS_HOST);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => {
      logger.error('shutdown timeout reached; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_MS + 2000);
    force.unref();
    ops.close();
    app.close().then(
      () => process.exit(0),
      (e: Error) => {
        logger.error({ 'error.message': e.message }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  logger.info({ 'url.port': port(config) }, `${name} ready`);
}

/** Retries a start-up step while its dependency is still coming up (e.g. the broker starting beside us). */
export async function retryUntilUp<T>(step: () => Promise<T>, logger: Logger, what: string, timeoutMs = 120000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      logger.warn({ 'error.message': (e as Error).message, attempt }, `${what} not reachable yet; retrying`);
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
    }
  }
}
