import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Gauge } from 'prom-client';
import type { HookstreamConfig } from '@app/config';
import type { Topics } from '@app/contracts';
import { BatchConsumer, BatchConsumerOptions } from '@app/kafka';
import type { Logger } from '@app/observability';
import type { WorkerConsumer } from './kafka-worker.transport';
import { CONFIG, CONSUMER_LAG, KAFKA, LOGGER, TOPICS } from './tokens';

/** What every consumer of a worker app is built with: one injectable instead of five. */
@Injectable()
export class WorkerPlatform {
  constructor(
    @Inject(KAFKA) readonly kafka: Kafka,
    @Inject(CONFIG) readonly config: HookstreamConfig,
    @Inject(TOPICS) readonly topics: Topics,
    @Inject(LOGGER) readonly logger: Logger,
    @Inject(CONSUMER_LAG) readonly lag: Gauge<'group' | 'topic' | 'partition'>,
  ) {}
}

/** A consumer's own part: its group, topics, unit of work and handler (session timeout and lag gauge are the app's). */
export type ConsumerSpec = Omit<BatchConsumerOptions, 'sessionTimeoutMs' | 'lag'>;

/**
 * The one shape of a worker's Kafka consumer: a BatchConsumer (bounded parallel units, commits in one place)
 * started when the app listens and drained when it stops. Subclasses only say what they consume and how.
 */
export abstract class ConsumerWorker implements WorkerConsumer {
  protected readonly consumer: BatchConsumer;

  constructor(platform: WorkerPlatform, spec: ConsumerSpec) {
    this.consumer = new BatchConsumer(platform.kafka, { ...spec, sessionTimeoutMs: platform.config.KAFKA_SESSION_TIMEOUT_MS, lag: platform.lag }, platform.logger);
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(timeoutMs: number): Promise<void> {
    return this.consumer.stop(timeoutMs);
  }
}
