import { Global, Inject, Injectable, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { CONFIG, HookstreamConfig } from '@app/config';
import { Logger, LOGGER } from '@app/observability';
import { AuditRepository } from './audit.repository';
import { ConsoleRepository } from './console.repository';
import { Database } from './database';
import { ProjectionRepository } from './projection.repository';
import { ReadModelPruner } from './read-model-pruner';
import { StatsRepository } from './stats.repository';
import { StatusRepository } from './status.repository';

@Injectable()
class DatabaseLifecycle implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly db: Database) {}
  onApplicationShutdown(): Promise<void> {
    return this.db.close();
  }
}

const REPOSITORIES = [StatusRepository, AuditRepository, ConsoleRepository, StatsRepository, ProjectionRepository, ReadModelPruner];

/** The app's Postgres connection (opened and migrated in the background) and the repositories over it. */
@Global()
@Module({
  providers: [
    {
      provide: Database,
      useFactory: (c: HookstreamConfig, logger: Logger) => new Database(c.databaseConnection, logger.child({ 'log.logger': 'database' })),
      inject: [CONFIG, LOGGER],
    },
    DatabaseLifecycle,
    ...REPOSITORIES.map((r): Provider => ({ provide: r, useFactory: (db: Database) => new r(db), inject: [Database] })),
  ],
  exports: [Database, ...REPOSITORIES],
})
export class PersistenceModule {}
