import { setFlagsFromString } from 'node:v8';
import type { Kafka } from 'kafkajs';
import { ConfigError, HookstreamConfig, loadConfig } from '@app/config';
import { topicsFor } from '@app/contracts';
import { createKafka, DEFAULT_RETENTION_MS, ensureTopics, raiseFactorHint, TopicsReport } from '@app/kafka';
import type { CheckState, Logger } from '@app/observability';
import { checkKafkaAccess, StartUpRefused } from './kafka-access';

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

/**
 * Creates every topic with its partition count, replication and configs; safe to run from every app at
 * start. Topics that already exist with fewer replicas than the factor are left as they are (raising it
 * moves data between brokers: an operator's decision) and reported in a warning and in /health.
 */
export async function prepareTopics(config: HookstreamConfig, logger: Logger): Promise<TopicsReport> {
  await checkKafkaAccess(config, logger);
  const kafka = createKafka({ brokers: config.KAFKA_BROKERS, clientId: 'hookstream-setup', connection: config.kafkaConnection }, logger);
  const report = await ensureTopics(kafka, topicsFor(config.KAFKA_TOPIC_PREFIX, config.retry), {
    partitions: config.KAFKA_PARTITIONS,
    retentionMs: DEFAULT_RETENTION_MS,
    replication: { factor: config.KAFKA_REPLICATION_FACTOR, minInsync: config.KAFKA_MIN_INSYNC_REPLICAS },
  });
  const { factor, minInsync } = report.replication;
  if (config.KAFKA_REPLICATION_FACTOR === undefined && factor < 3) {
    logger.warn({ 'kafka.replication_factor': factor }, `the cluster has fewer than 3 brokers, so topics get ${factor} replica(s): the loss of a broker's disk loses acknowledged events`);
  }
  if (report.belowFactor.length > 0) logger.warn({ 'kafka.topics': report.belowFactor.map((t) => t.topic) }, raiseFactorHint(report.belowFactor, factor, config.KAFKA_BROKERS));
  logger.info({ 'kafka.replication_factor': factor, 'kafka.min_insync_replicas': minInsync }, 'topics ready');
  return report;
}

/** `/health`'s view of the topics: degraded while some of them hold fewer replicas than the factor. */
export function topicsHealth(report: TopicsReport): () => Promise<CheckState> {
  return () => Promise.resolve(report.belowFactor.length > 0 ? 'degraded' : 'up');
}

/** Health of Kafka as seen by a fresh admin connection. */
export function kafkaHealth(kafka: Kafka): () => Promise<CheckState> {
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

export interface RetryOptions {
  timeoutMs?: number;
  /** The reason to stop at once, for a failure that every try would repeat (a refused password). */
  lasting?: (e: unknown) => { reason: string; detail: string } | undefined;
}

/** Retries a start-up step while its dependency is still coming up (e.g. the broker starting beside us). */
export async function retryUntilUp<T>(step: () => Promise<T>, logger: Logger, what: string, options: RetryOptions = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 120000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (e) {
      const lasting = options.lasting?.(e);
      if (lasting) throw new StartUpRefused(lasting.reason, lasting.detail);
      if (Date.now() > deadline) throw e;
      logger.warn({ 'error.message': (e as Error).message, attempt }, `${what} not reachable yet; retrying`);
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
    }
  }
}
