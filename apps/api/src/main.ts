import 'reflect-metadata';
import { runApp } from '@app/platform';
import { ApiModule } from './api.module';
import { configureHttp, printDevelopmentKey } from './http-setup';

runApp({ name: 'api', module: (config) => ApiModule.forConfig(config), run: { kind: 'http', configure: configureHttp, started: printDevelopmentKey } });
