import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { HookstreamConfig } from '@app/config';
import type { Topics } from '@app/contracts';
import { BatchConsumer } from '@app/kafka';
import type { Logger } from '@app/observability';
import { CONFIG, CONSUMER_LAG, KAFKA, LOGGER, TOPICS, WorkerConsumer } from '@app/platform';
import type { Gauge } from 'prom-client';
import { DispatchService } from './dispatch.service';
import { IdempotencyRestorer } from './idempotency-restorer';

export const eventsGroup = (config: HookstreamConfig) => `${config.KAFKA_TOPIC_PREFIX}.dispatcher`;

/** Consumes the events topic: each record is its own unit of work, many in parallel. */
@Injectable()
export class EventsConsumer implements WorkerConsumer {
  private readonly consumer: BatchConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(CONFIG) config: HookstreamConfig,
    @Inject(TOPICS) topics: Topics,
    @Inject(LOGGER) logger: Logger,
    @Inject(CONSUMER_LAG) lag: Gauge<'group' | 'topic' | 'partition'>,
    dispatch: DispatchService,
    restorer: IdempotencyRestorer,
  ) {
    const all = Array.from({ length: config.KAFKA_PARTITIONS }, (_, i) => i);
    this.consumer = new BatchConsumer(
      kafka,
      {
        groupId: eventsGroup(config),
        topics: [topics.events],
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        lag,
        unit: 'message',
        concurrency: config.DELIVERY_CONCURRENCY,
        handle: ([message], { partition }) => dispatch.handle(message!, partition),
        onAssignment: (assignment) => restorer.onAssignment(assignment[topics.events] ?? [], all),
      },
      logger,
    );
  }

  start(): Promise<void> {
    return this.consumer.start();
  }

  stop(timeoutMs: number): Promise<void> {
    return this.consumer.stop(timeoutMs);
  }
}
