import { Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { HookstreamConfig } from '@app/config';
import type { Topics } from '@app/contracts';
import type { Logger } from '@app/observability';
import { CONFIG, KAFKA, LOGGER, TOPICS } from '@app/platform';
import { SubscriptionIndex } from './subscription-index';

@Injectable()
class SubscriptionIndexLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(SubscriptionIndex) private readonly index: SubscriptionIndex) {}
  async onModuleInit(): Promise<void> {
    await this.index.start();
    await this.index.syncedSince(Date.now());
  }
  async onApplicationShutdown(): Promise<void> {
    await this.index.stop();
  }
}

/** The subscription index, loaded before the app starts taking work. */
@Global()
@Module({
  providers: [
    {
      provide: SubscriptionIndex,
      useFactory: (kafka: Kafka, topics: Topics, config: HookstreamConfig, logger: Logger) =>
        new SubscriptionIndex(kafka, topics.subscriptions, config.KAFKA_TOPIC_PREFIX, logger),
      inject: [KAFKA, TOPICS, CONFIG, LOGGER],
    },
    SubscriptionIndexLifecycle,
  ],
  exports: [SubscriptionIndex],
})
export class SubscriptionsModule {}
