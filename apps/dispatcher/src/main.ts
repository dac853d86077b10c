import 'reflect-metadata';
import type { Kafka } from 'kafkajs';
import { KAFKA, kafkaHealth, runWorker } from '@app/platform';
import { DispatcherModule } from './dispatcher.module';

void runWorker(
  'dispatcher',
  (config) => DispatcherModule.forConfig(config),
  (c) => c.DISPATCHER_PORT,
  (app) => {
    const kafka = kafkaHealth(app.get<Kafka>(KAFKA));
    return async () => ({ kafka: await kafka() });
  },
);
