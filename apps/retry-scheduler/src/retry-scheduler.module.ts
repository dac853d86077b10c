import { DynamicModule, Module } from '@nestjs/common';
import type { HookstreamConfig } from '@app/config';
import { PlatformModule, WORKER_CONSUMERS } from '@app/platform';
import { TierConsumer } from './tiers/tier.consumer';

/** Built from the config loaded once at start-up. */
@Module({})
export class RetrySchedulerModule {
  static forConfig(config: HookstreamConfig): DynamicModule {
    return {
      module: RetrySchedulerModule,
      imports: [PlatformModule.forApp('retry-scheduler', config)],
      providers: [TierConsumer, { provide: WORKER_CONSUMERS, useFactory: (t: TierConsumer) => [t], inject: [TierConsumer] }],
    };
  }
}
