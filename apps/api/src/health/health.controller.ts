import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { CheckState, healthAnswer } from '@app/observability';
import { Database } from '@app/persistence';
import { SubscriptionIndex } from '@app/subscriptions';
import type { TopicsReport } from '@app/kafka';
import { KAFKA, kafkaHealth, METRICS_REGISTRY, TOPICS_REPORT, topicsHealth } from '@app/platform';
import { AdminOnly, Public } from '../access/access.decorators';

@ApiTags('operations')
@Controller()
export class HealthController {
  private readonly kafka: () => Promise<CheckState>;
  private readonly topics: () => Promise<CheckState>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly db: Database,
    private readonly subscriptions: SubscriptionIndex,
    @Inject(TOPICS_REPORT) topics: TopicsReport,
  ) {
    this.kafka = kafkaHealth(kafka);
    this.topics = topicsHealth(topics);
  }

  /**
   * Liveness and readiness: 200 when Kafka and Postgres answer, 503 naming what does not; `degraded` (still
   * 200) when subscriptions exist whose secrets the configured keys cannot open, or topics hold fewer
   * replicas than KAFKA_REPLICATION_FACTOR.
   */
  @Get('health')
  @Public()
  async health(@Res() res: Response): Promise<void> {
    const [kafka, postgres, topics] = await Promise.all([this.kafka(), this.db.health(), this.topics()]);
    const subscriptions = this.subscriptions.unusableCount > 0 ? 'degraded' : 'up';
    const { code, body } = healthAnswer({ kafka, postgres, subscriptions, topics });
    res.status(code).json(body);
  }

  @Get('metrics')
  @AdminOnly()
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
