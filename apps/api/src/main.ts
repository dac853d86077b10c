import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json } from 'express';
import { createLogger, HttpMetrics, NestPinoLogger } from '@app/observability';
import { Publisher } from '@app/kafka';
import { boundHeapGrowth, configOrExit, METRICS_REGISTRY, prepareTopics, retryUntilUp } from '@app/platform';
import type { Registry } from 'prom-client';
import { CidrList } from '@app/security';
import { RecordWriter } from '@app/contracts';
import { Authenticator } from './access/authenticator';
import { docsAccess } from './access/docs-access';
import { auditTrail } from './audit/audit-trail';
import { ApiModule } from './api.module';
import { bodyErrors } from './common/body-errors';
import { jsonOnly } from './common/json-only';
import { requestMetrics } from './common/request-metrics';

async function bootstrap(): Promise<void> {
  boundHeapGrowth();
  const config = configOrExit();
  const logger = createLogger('api', config.LOG_LEVEL);
  process.on('unhandledRejection', (e) => logger.error({ 'error.message': String(e) }, 'unhandled rejection'));
  try {
    new CidrList(config.API_ALLOWED_CIDRS);
    new CidrList(config.TRUST_PROXY);
  } catch (e) {
    process.stderr.write(`Invalid environment variables: API_ALLOWED_CIDRS/TRUST_PROXY ${(e as Error).message}\n`);
    process.exit(78);
  }
  await retryUntilUp(() => prepareTopics(config, logger), logger, 'Kafka');

  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forConfig(config), { bodyParser: false, logger: new NestPinoLogger(logger) });
  app.set('trust proxy', config.TRUST_PROXY.length > 0 ? config.TRUST_PROXY : false);
  // Order matters: the audit trail sees every response (refused ones too); bodies are checked before they
  // are read; who may call a route is decided per route by AccessGuard (see the controllers' decorators).
  app.use(requestMetrics(new HttpMetrics(app.get<Registry>(METRICS_REGISTRY))));
  app.use(auditTrail(app.get(Publisher), app.get(RecordWriter), logger));
  app.use(jsonOnly);
  app.use(json({ limit: '256kb' }));
  app.use(bodyErrors);
  app.use('/docs', docsAccess(app.get(Authenticator)));
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
