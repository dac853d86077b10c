import 'reflect-metadata';
import { Database } from '@app/persistence';
import { runWorker } from '@app/platform';
import { StatusProjectorModule } from './status-projector.module';

void runWorker(
  'status-projector',
  (config) => StatusProjectorModule.forConfig(config, { rebuild: process.argv.includes('--rebuild') }),
  (c) => c.STATUS_PROJECTOR_PORT,
  (app) => {
    const db = app.get(Database);
    return { postgres: () => db.health() };
  },
);
