import { Inject, Injectable } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { HookstreamConfig } from '@app/config';
import { deliveryTaskSchema, parseRecord, Topics } from '@app/contracts';
import { BatchConsumer, NonRetryableError } from '@app/kafka';
import type { Logger } from '@app/observability';
import { CONFIG, CONSUMER_LAG, KAFKA, LOGGER, TOPICS, WorkerConsumer } from '@app/platform';
import type { Gauge } from 'prom-client';
import { AttemptService } from './attempt.service';

/** Consumes deliveries that are due (retries handed back by the scheduler, manual retries). */
@Injectable()
export class DeliveriesConsumer implements WorkerConsumer {
  private readonly consumer: BatchConsumer;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(CONFIG) config: HookstreamConfig,
    @Inject(TOPICS) topics: Topics,
    @Inject(LOGGER) logger: Logger,
    @Inject(CONSUMER_LAG) lag: Gauge<'group' | 'topic' | 'partition'>,
    attempts: AttemptService,
  ) {
    this.consumer = new BatchConsumer(
      kafka,
      {
        groupId: `${config.KAFKA_TOPIC_PREFIX}.dispatcher.deliveries`,
        topics: [topics.deliveries],
        sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
        lag,
        unit: 'message',
        concurrency: config.DELIVERY_CONCURRENCY,
        handle: async ([message]) => {
          const task = parseRecord(deliveryTaskSchema, message!.value);
          if (!task.ok) throw new NonRetryableError(`unreadable delivery task: ${task.reason}`);
          await attempts.run(task.value);
        },
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
