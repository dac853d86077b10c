import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { json } from 'express';
import type { Registry } from 'prom-client';
import type { HookstreamConfig } from '@app/config';
import { RecordWriter } from '@app/contracts';
import { Publisher } from '@app/kafka';
import { HttpMetrics, Logger } from '@app/observability';
import { METRICS_REGISTRY } from '@app/platform';
import { Authenticator } from './access/authenticator';
import { docsAccess } from './access/docs-access';
import { auditTrail } from './audit/audit-trail';
import { bodyErrors } from './common/body-errors';
import { jsonOnly, refuseByteOrderMark } from './common/json-only';
import { oneHost } from './common/one-host';
import { requestMetrics } from './common/request-metrics';

/**
 * What runs before Nest's routing, in this order: metrics and the audit trail see every response (refused
 * ones too); a request with several Host headers is refused (400); bodies are checked (415) and read (413,
 * 400) before any route; then the routes, where AccessGuard decides per route who may call it (see the
 * controllers' decorators).
 */
export function configureHttp(app: NestExpressApplication, config: HookstreamConfig, logger: Logger): void {
  app.set('trust proxy', config.TRUST_PROXY.length > 0 ? config.TRUST_PROXY : false);
  app.use(requestMetrics(new HttpMetrics(app.get<Registry>(METRICS_REGISTRY))));
  app.use(auditTrail(app.get(Publisher), app.get(RecordWriter), logger));
  app.use(oneHost);
  app.use(jsonOnly);
  app.use(json({ limit: '256kb', verify: refuseByteOrderMark }));
  app.use(bodyErrors);
  // Swagger serves the UI and the document (JSON, YAML) on routes of its own, outside the guards.
  app.use(['/docs', '/docs-json', '/docs-yaml'], docsAccess(app.get(Authenticator)));
  const doc = new DocumentBuilder()
    .setTitle('hookstream')
    .setDescription('Signed webhook delivery with tiered retries and a status for every attempt.')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc));
}

/** A development key generated because API_KEYS is not set: printed once, to the terminal only. */
export function printDevelopmentKey(config: HookstreamConfig): void {
  if (config.apiKeysGenerated) process.stdout.write(`\nhookstream: no API_KEYS set; development API key for this run: ${config.apiKeys[0]}\n\n`);
}
