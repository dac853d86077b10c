import { Injectable } from '@nestjs/common';
import type { HookstreamConfig } from '@app/config';
import { ConsumerWorker, WorkerPlatform } from '@app/platform';
import { DispatchService } from './dispatch.service';
import { IdempotencyRestorer } from './idempotency-restorer';

export const eventsGroup = (config: HookstreamConfig) => `${config.KAFKA_TOPIC_PREFIX}.dispatcher`;

/** Consumes the events topic: each record is its own unit of work, many in parallel. */
@Injectable()
export class EventsConsumer extends ConsumerWorker {
  constructor(platform: WorkerPlatform, dispatch: DispatchService, restorer: IdempotencyRestorer) {
    const { config, topics } = platform;
    const all = Array.from({ length: config.KAFKA_PARTITIONS }, (_, i) => i);
    super(platform, {
      groupId: eventsGroup(config),
      topics: [topics.events],
      unit: 'message',
      concurrency: config.DELIVERY_CONCURRENCY,
      handle: ([message], { partition }) => dispatch.handle(message!, partition),
      onAssignment: (assignment) => restorer.onAssignment(assignment[topics.events] ?? [], all),
    });
  }
}
