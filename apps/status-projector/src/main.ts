import 'reflect-metadata';
import type { Kafka } from 'kafkajs';
import { Database } from '@app/persistence';
import { KAFKA, kafkaHealth, runWorker } from '@app/platform';
import { StatusProjectorModule } from './status-projector.module';

void runWorker(
  'status-projector',
  (config) => StatusProjectorModule.forConfig(config, { rebuild: process.argv.includes('--rebuild') }),
  (c) => c.STATUS_PROJECTOR_PORT,
  (app) => {
    const kafka = kafkaHealth(app.get<Kafka>(KAFKA));
    const db = app.get(Database);
    return async () => ({
      kafka: await kafka(),
      postgres: await db
        .current()
        .query('SELECT 1')
        .then(
          () => 'up' as const,
          () => 'down' as const,
        )
        .catch(() => 'down' as const),
    });
  },
);
