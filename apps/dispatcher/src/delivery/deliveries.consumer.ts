import { Injectable } from '@nestjs/common';
import { deliveryTaskSchema, parseRecord } from '@app/contracts';
import { NonRetryableError } from '@app/kafka';
import { ConsumerWorker, WorkerPlatform } from '@app/platform';
import { AttemptService } from './attempt.service';

/** Consumes deliveries that are due (retries handed back by the scheduler, manual retries, recoveries). */
@Injectable()
export class DeliveriesConsumer extends ConsumerWorker {
  constructor(platform: WorkerPlatform, attempts: AttemptService) {
    const { config, topics } = platform;
    super(platform, {
      groupId: `${config.KAFKA_TOPIC_PREFIX}.dispatcher.deliveries`,
      topics: [topics.deliveries],
      unit: 'message',
      concurrency: config.DELIVERY_CONCURRENCY,
      handle: async ([message]) => {
        const task = parseRecord(deliveryTaskSchema, message!.value);
        if (!task.ok) throw new NonRetryableError(`unreadable delivery task: ${task.reason}`);
        await attempts.run(task.value);
      },
    });
  }
}
