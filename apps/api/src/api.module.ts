import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { HookstreamConfig } from '@app/config';
import { AuditRepository, Database, PersistenceModule, StatusRepository } from '@app/persistence';
import { PlatformModule } from '@app/platform';
import { SubscriptionsModule } from '@app/subscriptions';
import { AccessGuard } from './access/access.guard';
import { Authenticator } from './access/authenticator';
import { AuditController } from './audit/audit.controller';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AuditService } from './audit/audit.service';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { EventsController } from './events/events.controller';
import { EventsService } from './events/events.service';
import { HealthController } from './health/health.controller';
import { StatusController } from './status/status.controller';
import { StatusService } from './status/status.service';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

/** Built from the config loaded once at start-up. */
@Module({})
export class ApiModule {
  static forConfig(config: HookstreamConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [PlatformModule.forApp('api', config), SubscriptionsModule, PersistenceModule],
      // StatusController first: `GET /webhooks/status` must match before `GET /webhooks/:id`.
      controllers: [StatusController, WebhooksController, EventsController, AuditController, HealthController],
      providers: [
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        Authenticator,
        { provide: StatusRepository, useFactory: (db: Database) => new StatusRepository(db), inject: [Database] },
        { provide: AuditRepository, useFactory: (db: Database) => new AuditRepository(db), inject: [Database] },
        AuditService,
        WebhooksService,
        EventsService,
        StatusService,
      ],
    };
  }
}
