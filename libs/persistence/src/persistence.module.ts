import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { CONFIG, HookstreamConfig } from '@app/config';
import { Logger, LOGGER } from '@app/observability';
import { Database } from './database';

@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly db: Database) {}
  onApplicationShutdown(): Promise<void> {
    return this.db.close();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: Database,
      useFactory: (c: HookstreamConfig, logger: Logger) => new Database(c.DATABASE_URL, logger.child({ 'log.logger': 'database' })),
      inject: [CONFIG, LOGGER],
    },
    DatabaseLifecycle,
  ],
  exports: [Database],
})
export class PersistenceModule {}
