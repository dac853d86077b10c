import 'reflect-metadata';
import { runWorker } from '@app/platform';
import { RetrySchedulerModule } from './retry-scheduler.module';

void runWorker('retry-scheduler', (config) => RetrySchedulerModule.forConfig(config), (c) => c.RETRY_SCHEDULER_PORT);
