import { DynamicModule, Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Gauge, Registry } from 'prom-client';
import type { HookstreamConfig } from '@app/config';
import type { Topics } from '@app/contracts';
import { DeliveryMetrics } from '@app/observability';
import { CONFIG, KAFKA, METRICS_REGISTRY, PlatformModule, TOPICS, WORKER_CONSUMERS } from '@app/platform';
import { SecretBox } from '@app/security';
import { SubscriptionsModule } from '@app/subscriptions';
import { AttemptService } from './delivery/attempt.service';
import { DeliveriesConsumer } from './delivery/deliveries.consumer';
import { deliveryClientProviders } from './delivery/delivery-client.provider';
import { RequestBuilder } from './delivery/request-builder';
import { DispatchService } from './events/dispatch.service';
import { eventsGroup, EventsConsumer } from './events/events.consumer';
import { IdempotencyRestorer } from './events/idempotency-restorer';
import { IdempotencyStore } from './events/idempotency.store';

/** Built from the config loaded once at start-up. */
@Module({})
export class DispatcherModule {
  static forConfig(config: HookstreamConfig): DynamicModule {
    return {
      module: DispatcherModule,
      imports: [PlatformModule.forApp('dispatcher', config), SubscriptionsModule],
      providers: [
        ...deliveryClientProviders,
        { provide: RequestBuilder, useFactory: (box: SecretBox) => new RequestBuilder(box), inject: [SecretBox] },
        { provide: DeliveryMetrics, useFactory: (r: Registry) => new DeliveryMetrics(r), inject: [METRICS_REGISTRY] },
        {
          provide: IdempotencyStore,
          useFactory: (c: HookstreamConfig, r: Registry) => {
            const store = new IdempotencyStore(c.IDEMPOTENCY_WINDOW_HOURS * 3600_000, c.IDEMPOTENCY_MAX_KEYS);
            new Gauge({
              name: 'hookstream_idempotency_ids',
              help: 'Event ids this dispatcher holds for the idempotency window (bounded by IDEMPOTENCY_MAX_KEYS)',
              registers: [r],
              collect() {
                this.set(store.count);
              },
            });
            return store;
          },
          inject: [CONFIG, METRICS_REGISTRY],
        },
        {
          provide: IdempotencyRestorer,
          useFactory: (k: Kafka, s: IdempotencyStore, t: Topics, c: HookstreamConfig) =>
            new IdempotencyRestorer(k, s, t, eventsGroup(c), c.IDEMPOTENCY_WINDOW_HOURS * 3600_000),
          inject: [KAFKA, IdempotencyStore, TOPICS, CONFIG],
        },
        AttemptService,
        DispatchService,
        EventsConsumer,
        DeliveriesConsumer,
        { provide: WORKER_CONSUMERS, useFactory: (e: EventsConsumer, d: DeliveriesConsumer) => [e, d], inject: [EventsConsumer, DeliveriesConsumer] },
      ],
    };
  }
}
