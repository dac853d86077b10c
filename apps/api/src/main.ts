import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json } from 'express';
import { createLogger, HttpMetrics, NestPinoLogger } from '@app/observability';
import type { Topics } from '@app/contracts';
import { Publisher } from '@app/kafka';
import { boundHeapGrowth, configOrExit, METRICS_REGISTRY, prepareTopics, retryUntilUp, TOPICS } from '@app/platform';
import type { Registry } from 'prom-client';
import { ApiKeys, CidrList } from '@app/security';
import { accessControl } from './access/access.middleware';
import { auditTrail } from './audit/audit.middleware';
import { ApiModule } from './api.module';
import { bodyErrors } from './common/body-errors';
import { requestMetrics } from './common/request-metrics';

async function bootstrap(): Promise<void> {
  boundHeapGrowth();
  const config = configOrExit();
  const logger = createLogger('api', config.LOG_LEVEL);
  process.on('unhandledRejection', (e) => logger.error({ 'error.message': String(e) }, 'unhandled rejection'));
  let allowed: CidrList;
  let trustProxy: CidrList | null;
  try {
    allowed = new CidrList(config.API_ALLOWED_CIDRS);
    trustProxy = config.TRUST_PROXY.length > 0 ? new CidrList(config.TRUST_PROXY) : null;
  } catch (e) {
    process.stderr.write(`Invalid environment variables: API_ALLOWED_CIDRS/TRUST_PROXY ${(e as Error).message}\n`);
    process.exit(78);
  }
  await retryUntilUp(() => prepareTopics(config, logger), logger, 'Kafka');

  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forConfig(config), { bodyParser: false, logger: new NestPinoLogger(logger) });
  app.set('trust proxy', trustProxy ? config.TRUST_PROXY : false);
  app.use(requestMetrics(new HttpMetrics(app.get<Registry>(METRICS_REGISTRY))));
  app.use(auditTrail(app.get(Publisher), app.get<Topics>(TOPICS).audit, logger));
  app.use(accessControl(allowed, new ApiKeys(config.apiKeys)));
  app.use(json({ limit: '256kb' }));
  app.use(bodyErrors);
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('hookstream')
    .setDescription('Signed webhook delivery with tiered retries and a status for every attempt.')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc));
  await app.listen(config.PORT, '::');
  logger.info({ 'url.port': config.PORT }, `api listening on http://127.0.0.1:${config.PORT}`);
  if (config.apiKeysGenerated) {
    // Printed once, to the terminal only: a development key generated because API_KEYS is not set.
    process.stdout.write(`\nhookstream: no API_KEYS set; development API key for this run: ${config.apiKeys[0]}\n\n`);
  }
}

bootstrap().catch((e: Error) => {
  process.stderr.write(`api could not start: ${e.stack ?? e.message}\n`);
  process.exit(1);
});
