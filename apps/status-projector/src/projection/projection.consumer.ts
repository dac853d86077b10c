import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { HookstreamConfig } from '@app/config';
import type { Topics } from '@app/contracts';
import { BatchConsumer } from '@app/kafka';
import type { Logger } from '@app/observability';
import { Database } from '@app/persistence';
import { CONFIG, KAFKA, LOGGER, TOPICS, WorkerConsumer } from '@app/platform';
import { ProjectionService } from './projection.service';

/** One unit of work per fetched batch: the whole batch lands in one transaction before its offsets commit. */
@Injectable()
export class ProjectionConsumer implements WorkerConsumer {
  private readonly consumer: BatchConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(CONFIG) config: HookstreamConfig,
    @Inject(TOPICS) topics: Topics,
    @Inject(LOGGER) logger: Logger,
    private readonly db: Database,
    projection: ProjectionService,
  ) {
    this.consumer = new BatchConsumer(
      kafka,
      {
        groupId: `${config.KAFKA_TOPIC_PREFIX}.status-projector`,
        topics: [topics.subscriptions, topics.events, topics.dispatch, topics.attempts, topics.audit],
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        unit: 'batch',
        // Batches in flight at once; the writer folds them into as few transactions as it can.
        concurrency: 64,
        handle: (messages, { topic, partition }) => projection.project(topic, partition, messages),
      },
      logger,
    );
  }

  async start(): Promise<void> {
    await this.db.ready();
    await this.consumer.start();
  }

  stop(timeoutMs: number): Promise<void> {
    return this.consumer.stop(timeoutMs);
  }
}
