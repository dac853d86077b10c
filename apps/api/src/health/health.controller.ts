import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { Database } from '@app/persistence';
import { KAFKA, kafkaHealth, METRICS_REGISTRY } from '@app/platform';

@ApiTags('operations')
@Controller()
export class HealthController {
  private readonly kafka: () => Promise<'up' | 'down'>;

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly db: Database,
  ) {
    this.kafka = kafkaHealth(kafka);
  }

  /** Liveness and readiness: 200 when Kafka and Postgres answer, 503 naming what does not. */
  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const [kafka, postgres] = await Promise.all([this.kafka(), this.db.health()]);
    const up = kafka === 'up' && postgres === 'up';
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'unavailable', checks: { kafka, postgres } });
  }

  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
