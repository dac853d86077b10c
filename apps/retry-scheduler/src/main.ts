import 'reflect-metadata';
import type { Kafka } from 'kafkajs';
import { KAFKA, kafkaHealth, runWorker } from '@app/platform';
import { RetrySchedulerModule } from './retry-scheduler.module';

void runWorker(
  'retry-scheduler',
  (config) => RetrySchedulerModule.forConfig(config),
  (c) => c.RETRY_SCHEDULER_PORT,
  (app) => {
    const kafka = kafkaHealth(app.get<Kafka>(KAFKA));
    return async () => ({ kafka: await kafka() });
  },
);
