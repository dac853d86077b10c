import 'reflect-metadata';
import { runApp } from '@app/platform';
import { SubscriptionIndex } from '@app/subscriptions';
import { DispatcherModule } from './dispatcher.module';

runApp({
  name: 'dispatcher',
  module: (config) => DispatcherModule.forConfig(config),
  run: {
    kind: 'worker',
    port: (c) => c.DISPATCHER_PORT,
    checks: (app) => {
      const index = app.get(SubscriptionIndex);
      return { subscriptions: async () => (index.unusableCount > 0 ? 'degraded' : 'up') };
    },
  },
});
