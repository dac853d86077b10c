import 'reflect-metadata';
import { runWorker } from '@app/platform';
import { DispatcherModule } from './dispatcher.module';

void runWorker('dispatcher', (config) => DispatcherModule.forConfig(config), (c) => c.DISPATCHER_PORT);
