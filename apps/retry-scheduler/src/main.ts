import 'reflect-metadata';
import { runApp } from '@app/platform';
import { RetrySchedulerModule } from './retry-scheduler.module';

runApp({ name: 'retry-scheduler', module: (config) => RetrySchedulerModule.forConfig(config), run: { kind: 'worker', port: (c) => c.RETRY_SCHEDULER_PORT } });
