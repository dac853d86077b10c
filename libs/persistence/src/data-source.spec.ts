import { loadConfig } from '@app/config';

const clients: unknown[] = [];
jest.mock('pg', () => {
  const actual = jest.requireActual<typeof import('pg')>('pg');
  class Client {
    constructor(options: unknown) {
      clients.push(options);
    }
    connect = () => Promise.resolve();
    query = () => Promise.resolve({ rowCount: 1, rows: [] });
    end = () => Promise.resolve();
  }
  return { ...actual, Client };
});

import { createDataSource, ensureDatabase } from './data-source';

describe('the pg connections of an app', () => {
  const config = loadConfig({
    HOOKSTREAM_DATA_DIR: `/tmp/hookstream-data-source-spec-${process.pid}`,
    ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
    DATABASE_URL: 'postgres://hs@db.internal:5432/hookstream?sslmode=verify-full',
    DATABASE_POOL_SIZE: '32',
  }).databaseConnection;

  it('open the pool with the configured TLS and size, and no sslmode left in the URL to override it', () => {
    const options = createDataSource(config.url, config).options as { url?: string; ssl?: unknown; extra?: { max?: number } };
    expect(options.url).toBe('postgres://hs@db.internal:5432/hookstream');
    expect(options.ssl).toBe(config.ssl);
    expect(options.ssl).toMatchObject({ rejectUnauthorized: true });
    expect(options.extra?.max).toBe(32);
  });

  it('create the database over the same TLS', async () => {
    await ensureDatabase(config.url, config);
    expect(clients).toEqual([expect.objectContaining({ connectionString: 'postgres://hs@db.internal:5432/postgres', ssl: config.ssl })]);
  });

  it('stay plaintext with ten connections for a URL alone', () => {
    const options = createDataSource('postgres://hs@127.0.0.1/x').options as { ssl?: unknown; extra?: { max?: number } };
    expect([options.ssl, options.extra?.max]).toEqual([false, 10]);
  });
});
