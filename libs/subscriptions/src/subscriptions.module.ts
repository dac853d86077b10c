import { Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Gauge, Registry } from 'prom-client';
import type { HookstreamConfig } from '@app/config';
import type { Topics } from '@app/contracts';
import type { Logger } from '@app/observability';
import { CONFIG, KAFKA, LOGGER, METRICS_REGISTRY, TOPICS } from '@app/platform';
import { SecretBox } from '@app/security';
import { EndpointHealthView } from './endpoint-health-view';
import { SubscriptionIndex } from './subscription-index';
import { sealedValuesOpen } from './usability';

@Injectable()
class SubscriptionIndexLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(SubscriptionIndex) private readonly index: SubscriptionIndex,
    @Inject(EndpointHealthView) private readonly health: EndpointHealthView,
  ) {}
  async onModuleInit(): Promise<void> {
    await Promise.all([this.index.start(), this.health.start()]);
    await this.index.syncedSince(Date.now());
    this.index.reportUnusable();
  }
  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.index.stop(), this.health.stop()]);
  }
}

/**
 * The subscription index and the endpoint health view, loaded before the app starts taking work; the index
 * counts subscriptions it cannot use.
 */
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
    {
      provide: EndpointHealthView,
      useFactory: (kafka: Kafka, topics: Topics, config: HookstreamConfig) => new EndpointHealthView(kafka, topics.endpointHealth, config.KAFKA_TOPIC_PREFIX),
      inject: [KAFKA, TOPICS, CONFIG],
    },
    SubscriptionIndexLifecycle,
  ],
  exports: [SubscriptionIndex, EndpointHealthView],
})
export class SubscriptionsModule {}
