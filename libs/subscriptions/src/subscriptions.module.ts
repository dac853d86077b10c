import { Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Gauge, Registry } from 'prom-client';
import type { HookstreamConfig } from '@app/config';
import type { Topics } from '@app/contracts';
import type { Logger } from '@app/observability';
import { CONFIG, KAFKA, LOGGER, METRICS_REGISTRY, TOPICS } from '@app/platform';
import { SecretBox } from '@app/security';
import { SubscriptionIndex } from './subscription-index';
import { sealedValuesOpen } from './usability';

@Injectable()
class SubscriptionIndexLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(SubscriptionIndex) private readonly index: SubscriptionIndex) {}
  async onModuleInit(): Promise<void> {
    await this.index.start();
    await this.index.syncedSince(Date.now());
    this.index.reportUnusable();
  }
  async onApplicationShutdown(): Promise<void> {
    await this.index.stop();
  }
}

/** The subscription index, loaded before the app starts taking work; it counts subscriptions it cannot use. */
@Global()
@Module({
  providers: [
    {
      provide: SubscriptionIndex,
      useFactory: (kafka: Kafka, topics: Topics, config: HookstreamConfig, logger: Logger, box: SecretBox, registry: Registry) => {
        const index = new SubscriptionIndex(kafka, topics.subscriptions, config.KAFKA_TOPIC_PREFIX, logger, sealedValuesOpen(box));
        new Gauge({
          name: 'hookstream_subscriptions_unusable',
          help: 'Subscriptions whose secrets or passwords do not open with the configured keys (their deliveries fail)',
          registers: [registry],
          collect() {
            this.set(index.unusableCount);
          },
        });
        return index;
      },
      inject: [KAFKA, TOPICS, CONFIG, LOGGER, SecretBox, METRICS_REGISTRY],
    },
    SubscriptionIndexLifecycle,
  ],
  exports: [SubscriptionIndex],
})
export class SubscriptionsModule {}
