import { DataSource } from 'typeorm';
import { createDataSource, ensureDatabase, migrate } from '@app/persistence';
import { testEnv, uniqueId } from '../support/env';

/** An index as Postgres prints it, reduced to what matters: columns and predicate, without casts or spacing. */
const normalize = (sql: string) => sql.replace(/::[a-z ]+/g, '').replace(/[()"\s]/g, '').toLowerCase();

describe('the read model has one schema: migrations create exactly what the entities declare', () => {
  let ds: DataSource;
  beforeAll(async () => {
    const url = new URL(testEnv().env.DATABASE_URL!);
    url.pathname = `/${uniqueId('schema').toLowerCase()}`;
    await ensureDatabase(url.toString());
    ds = createDataSource(url.toString());
    await ds.initialize();
    await migrate(ds);
  });
  afterAll(async () => {
    const name = ds.options.database;
    await ds.destroy();
    const admin = createDataSource(testEnv().env.DATABASE_URL!);
    await admin.initialize();
    await admin.query(`DROP DATABASE IF EXISTS "${String(name)}" WITH (FORCE)`).catch(() => undefined);
    await admin.destroy();
  });

  it('leaves TypeORM nothing to change after the migrations ran on an empty database', async () => {
    const log = await ds.driver.createSchemaBuilder().log();
    expect(log.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('has every index the entities declare, with the same columns and predicate, and no other', async () => {
    const rows: Array<{ tablename: string; indexname: string; indexdef: string }> = await ds.query(
      `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> 'migrations'
         AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))`,
    );
    const actual = rows.map((r) => `${r.tablename}.${r.indexname}: ${normalize(r.indexdef.replace(/^.* USING btree /, ''))}`).sort();
    const declared = ds.entityMetadatas
      .flatMap((m) => m.indices.filter((i) => !i.isUnique).map((i) => ({ table: m.tableName, i })))
      .map(({ table, i }) => `${table}.${i.name}: ${normalize(`(${i.columns.map((c) => c.databaseName).join(', ')})${i.where ? ` WHERE ${i.where}` : ''}`)}`)
      .sort();
    expect(actual).toEqual(declared);
  });
});
