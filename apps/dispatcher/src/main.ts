import 'reflect-metadata';
import { runWorker } from '@app/platform';
import { SubscriptionIndex } from '@app/subscriptions';
import { DispatcherModule } from './dispatcher.module';

void runWorker(
  'dispatcher',
  (config) => DispatcherModule.forConfig(config),
  (c) => c.DISPATCHER_PORT,
  (app) => {
    const index = app.get(SubscriptionIndex);
    return { subscriptions: async () => (index.unusableCount > 0 ? 'degraded' : 'up') };
  },
);
