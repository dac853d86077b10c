import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { HookstreamConfig } from '@app/config';
import { RecordWriter, Topics, topicsFor } from '@app/contracts';
import { createKafka, Publisher } from '@app/kafka';
import { consumerLagGauge, createLogger, createRegistry, Logger } from '@app/observability';
import { retryUntilUp } from './start-up';
import { SecretBox } from '@app/security';
import { WorkerPlatform } from './consumer-worker';
import { APP_NAME, CONFIG, CONSUMER_LAG, KAFKA, LOGGER, METRICS_REGISTRY, TOPICS } from './tokens';

/** Connects the app's one producer at start and closes it last at shutdown. */
@Injectable()
class PublisherLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(Publisher) private readonly publisher: Publisher,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}
  async onModuleInit(): Promise<void> {
    // The publisher's client does not retry by itself, so a broker still settling after start-up is waited for here.
    await retryUntilUp(() => this.publisher.connect(), this.logger, 'Kafka (producer)', { timeoutMs: 60000 });
  }
  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
  }
}

/** Config, logger, Kafka client, topic names, the producer and the metrics registry for one app. */
@Global()
@Module({})
export class PlatformModule {
  static forApp(app: string, config: HookstreamConfig): DynamicModule {
    const logger = createLogger(app, config.LOG_LEVEL);
    const registry = createRegistry(app);
    return {
      module: PlatformModule,
      providers: [
        { provide: APP_NAME, useValue: app },
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: TOPICS, useValue: topicsFor(config.KAFKA_TOPIC_PREFIX, config.retry) },
        { provide: METRICS_REGISTRY, useValue: registry },
        { provide: CONSUMER_LAG, useValue: consumerLagGauge(registry) },
        { provide: KAFKA, useFactory: () => createKafka({ brokers: config.KAFKA_BROKERS, clientId: `hookstream-${app}`, connection: config.kafkaConnection }, logger) },
        {
          provide: Publisher,
          useFactory: () =>
            Publisher.fromKafka(createKafka({ brokers: config.KAFKA_BROKERS, clientId: `hookstream-${app}`, connection: config.kafkaConnection, retries: 0 }, logger)),
        },
        { provide: SecretBox, useValue: new SecretBox(config.encryptionKey, config.previousEncryptionKeys) },
        { provide: RecordWriter, useFactory: (topics: Topics) => new RecordWriter(topics), inject: [TOPICS] },
        PublisherLifecycle,
        WorkerPlatform,
      ],
      exports: [APP_NAME, CONFIG, LOGGER, TOPICS, METRICS_REGISTRY, CONSUMER_LAG, KAFKA, Publisher, RecordWriter, SecretBox, WorkerPlatform],
    };
  }
}
