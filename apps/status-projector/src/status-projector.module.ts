import { DynamicModule, Module } from '@nestjs/common';
import type { HookstreamConfig } from '@app/config';
import { PersistenceModule } from '@app/persistence';
import { PlatformModule, WORKER_CONSUMERS } from '@app/platform';
import { ProjectionConsumer } from './projection/projection.consumer';
import { ProjectionService } from './projection/projection.service';
import { ReadModelRetention } from './retention/read-model-retention.service';
import { REBUILD } from './tokens';

/** Built from the config loaded once at start-up. */
@Module({})
export class StatusProjectorModule {
  static forConfig(config: HookstreamConfig, options: { rebuild: boolean } = { rebuild: false }): DynamicModule {
    return {
      module: StatusProjectorModule,
      imports: [PlatformModule.forApp('status-projector', config), PersistenceModule],
      providers: [
        { provide: REBUILD, useValue: options.rebuild },
        ProjectionService,
        ProjectionConsumer,
        ReadModelRetention,
        { provide: WORKER_CONSUMERS, useFactory: (p: ProjectionConsumer) => [p], inject: [ProjectionConsumer] },
      ],
    };
  }
}
