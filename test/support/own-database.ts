import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { createDataSource, ensureDatabase, migrate } from '@app/persistence';
import { testEnv, uniqueId } from './env';

export interface OwnDatabase {
  url: string;
  ds: DataSource;
  drop(): Promise<void>;
}

/** A migrated read model of its own on the run's Postgres server, for a test that fills it by hand. */
export async function ownDatabase(label: string): Promise<OwnDatabase> {
  const url = new URL(testEnv().env.DATABASE_URL!);
  url.pathname = `/${uniqueId(label).toLowerCase()}`;
  await ensureDatabase(url.toString());
  const ds = createDataSource(url.toString());
  await ds.initialize();
  await migrate(ds);
  return {
    url: url.toString(),
    ds,
    drop: async () => {
      await ds.destroy();
      const admin = createDataSource(testEnv().env.DATABASE_URL!);
      await admin.initialize();
      await admin.query(`DROP DATABASE IF EXISTS "${url.pathname.slice(1)}" WITH (FORCE)`).catch(() => undefined);
      await admin.destroy();
    },
  };
}

export interface Filled {
  events: number;
  deliveries: number;
  attempts: number;
  from: string;
  to: string;
}

/**
 * Generated history written straight into a read model (scripts/lib/read-model-fill.mjs, which the benches
 * use too): about `attempts` attempts with their events, deliveries, audit rows, deferrals and statistics.
 */
export async function fill(url: string, args: { attempts: number; days: number; endingDaysAgo: number; prefix: string; tenants?: number; subscriptionsPerTenant?: number }): Promise<Filled> {
  const flags = Object.entries(args).flatMap(([k, v]) => [`--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`, String(v)]);
  const { stdout } = await promisify(execFile)(process.execPath, [join(testEnv().root, 'scripts/lib/read-model-fill.mjs'), '--url', url, ...flags]);
  return JSON.parse(stdout) as Filled;
}
