import 'reflect-metadata';
import { Database } from '@app/persistence';
import { runApp } from '@app/platform';
import { StatusProjectorModule } from './status-projector.module';

runApp({
  name: 'status-projector',
  module: (config) => StatusProjectorModule.forConfig(config, { rebuild: process.argv.includes('--rebuild') }),
  run: {
    kind: 'worker',
    port: (c) => c.STATUS_PROJECTOR_PORT,
    checks: (app) => {
      const db = app.get(Database);
      return { postgres: () => db.health() };
    },
  },
});
