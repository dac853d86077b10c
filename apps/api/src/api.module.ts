import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import type { HookstreamConfig } from '@app/config';
import { PersistenceModule } from '@app/persistence';
import { PlatformModule } from '@app/platform';
import { SubscriptionsModule } from '@app/subscriptions';
import { AccessGuard } from './access/access.guard';
import { Authenticator } from './access/authenticator';
import { MeController } from './access/me.controller';
import { AuditController } from './audit/audit.controller';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AuditService } from './audit/audit.service';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { EventListService } from './events/event-list.service';
import { EventsController } from './events/events.controller';
import { EventsService } from './events/events.service';
import { HealthController } from './health/health.controller';
import { StatsController } from './stats/stats.controller';
import { StatsService } from './stats/stats.service';
import { StatusController } from './status/status.controller';
import { StatusService } from './status/status.service';
import { TenantDirectory } from './tenants/tenant-directory';
import { TenantsController } from './tenants/tenants.controller';
import { TenantsService } from './tenants/tenants.service';
import { UiModule } from './ui/ui.module';
import { EndpointActionsService } from './webhooks/endpoint-actions.service';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

/**
 * Built from the config loaded once at start-up. Every route passes AccessGuard (who may call it is on each
 * controller: @Public, @AdminOnly, or any key) and AuditInterceptor (what its audit record names).
 */
@Module({})
export class ApiModule {
  static forConfig(config: HookstreamConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [PlatformModule.forApp('api', config), SubscriptionsModule, PersistenceModule, UiModule],
      // StatusController first: `GET /webhooks/status` must match before `GET /webhooks/:id`.
      controllers: [StatusController, WebhooksController, EventsController, TenantsController, StatsController, AuditController, MeController, HealthController],
      providers: [
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        Authenticator,
        TenantDirectory,
        TenantsService,
        AuditService,
        WebhooksService,
        EndpointActionsService,
        EventsService,
        EventListService,
        StatusService,
        StatsService,
      ],
    };
  }
}
