import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { DatabaseConnection } from '@app/config';
import { ENTITIES } from './entities';
import { Initial1700000000000 } from './migrations/1700000000000-initial';
import { AuditLog1700000001000 } from './migrations/1700000001000-audit-log';
import { TenantsHealthConsole1700000002000 } from './migrations/1700000002000-tenants-health-console';
import { ReadModelRetention1700000003000 } from './migrations/1700000003000-read-model-retention';
import { ConsoleAtScale1700000004000 } from './migrations/1700000004000-console-at-scale';

const MIGRATION_LOCK = 7_240_311;

/** TLS and pool size of a connection whose URL alone says how to connect (tools, tests). */
export const PLAIN_CONNECTION: Omit<DatabaseConnection, 'url'> = { sslMode: 'disable', ssl: false, poolSize: 10 };

/** The read model's pool: `url` with the TLS and pool size of `connection` (config.databaseConnection). */
export function createDataSource(url: string, connection: Omit<DatabaseConnection, 'url'> = PLAIN_CONNECTION): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    ssl: connection.ssl,
    entities: ENTITIES,
    migrations: [Initial1700000000000, AuditLog1700000001000, TenantsHealthConsole1700000002000, ReadModelRetention1700000003000, ConsoleAtScale1700000004000],
    synchronize: false,
    migrationsRun: false,
    extra: { max: connection.poolSize, connectionTimeoutMillis: 3000 },
  });
}

/** Creates the database named in the URL when the server does not have it yet, over the same TLS as the pool. */
export async function ensureDatabase(url: string, connection: Omit<DatabaseConnection, 'url'> = PLAIN_CONNECTION): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), ssl: connection.ssl, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`).catch((e: Error & { code?: string }) => {
        if (e.code !== '42P04') throw e; // created meanwhile by another app
      });
    }
  } finally {
    await client.end();
  }
}

/** Runs pending migrations; an advisory lock keeps apps starting together from racing. */
export async function migrate(ds: DataSource): Promise<void> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await ds.runMigrations({ transaction: 'all' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
