import { loadConfig, retryDelayMs } from './config';

describe('loadConfig', () => {
  const base = { HOOKSTREAM_DATA_DIR: '/tmp/hookstream-config-spec', ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') };

  it('applies the documented defaults', () => {
    const c = loadConfig({ ...base });
    expect(c.PORT).toBe(3000);
    expect(c.API_ALLOWED_CIDRS).toEqual(['127.0.0.1/32', '::1/128']);
    expect(c.retry).toEqual({ baseMs: 1000, multiplier: 4, max: 5 });
    expect(c.IDEMPOTENCY_WINDOW_HOURS).toBe(24);
    expect(c.ALLOW_INSECURE_HTTP).toBe(false);
    expect(c.KAFKA_PUBLISH_TIMEOUT_MS).toBe(15000);
    expect(c.KAFKA_REPLICATION_FACTOR).toBeUndefined();
  });

  it('names the first bad variable', () => {
    expect(() => loadConfig({ ...base, RETRY_MAX: 'lots' })).toThrow(/Invalid environment variables: RETRY_MAX/);
    expect(() => loadConfig({ ...base, ALLOW_INSECURE_HTTP: 'yes' })).toThrow(/ALLOW_INSECURE_HTTP must be true or false/);
    expect(() => loadConfig({ ...base, ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(/ENCRYPTION_KEY must be 32 bytes/);
    expect(() => loadConfig({ ...base, API_ALLOWED_CIDRS: '10.0.0.0/8, 300.1.1.1/8' })).toThrow(/API_ALLOWED_CIDRS "300.1.1.1\/8" is not a CIDR range/);
    expect(() => loadConfig({ ...base, TRUST_PROXY: 'proxy.local' })).toThrow(/TRUST_PROXY "proxy.local" is not a CIDR range/);
  });

  it('says which bound a number is outside of, not that it is no number', () => {
    expect(() => loadConfig({ ...base, CIRCUIT_FAILURE_THRESHOLD: '1000000' })).toThrow(/CIRCUIT_FAILURE_THRESHOLD must be at most 10000$/);
    expect(() => loadConfig({ ...base, RETRY_MAX: '-1' })).toThrow(/RETRY_MAX must be at least 0$/);
    expect(() => loadConfig({ ...base, RETRY_JITTER: '2' })).toThrow(/RETRY_JITTER must be at most 1$/);
    expect(() => loadConfig({ ...base, KAFKA_REPLICATION_FACTOR: '0' })).toThrow(/KAFKA_REPLICATION_FACTOR must be at least 1$/);
  });

  it('reads the read-model retention in days, fractions included, and its pruning interval', () => {
    expect(loadConfig({ ...base })).toMatchObject({ READ_MODEL_RETENTION_DAYS: 30, READ_MODEL_PRUNE_INTERVAL: 600_000 });
    expect(loadConfig({ ...base, READ_MODEL_RETENTION_DAYS: '0.0001', READ_MODEL_PRUNE_INTERVAL: '500ms' })).toMatchObject({ READ_MODEL_RETENTION_DAYS: 0.0001, READ_MODEL_PRUNE_INTERVAL: 500 });
    expect(() => loadConfig({ ...base, READ_MODEL_RETENTION_DAYS: '-1' })).toThrow(/READ_MODEL_RETENTION_DAYS must be 0 \(keep everything\) or more days/);
    expect(() => loadConfig({ ...base, READ_MODEL_RETENTION_DAYS: 'a month' })).toThrow(/READ_MODEL_RETENTION_DAYS must be a number of days/);
    expect(() => loadConfig({ ...base, READ_MODEL_PRUNE_INTERVAL: '10' })).toThrow(/READ_MODEL_PRUNE_INTERVAL must be a duration/);
  });

  it('refuses development defaults in production', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/API_KEYS must be set/);
    expect(() => loadConfig({ HOOKSTREAM_DATA_DIR: base.HOOKSTREAM_DATA_DIR, NODE_ENV: 'production', API_KEYS: 'k' })).toThrow(
      /ENCRYPTION_KEY must be set/,
    );
  });

  it('generates a development API key when none is configured', () => {
    const c = loadConfig({ ...base });
    expect(c.apiKeysGenerated).toBe(true);
    expect(c.apiKeys[0]).toMatch(/^hs_dev_/);
    expect(loadConfig({ ...base, API_KEYS: 'a, b' }).apiKeys).toEqual(['a', 'b']);
  });

  it('computes the tiered delays', () => {
    const policy = { baseMs: 1000, multiplier: 4, max: 5 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(policy, n))).toEqual([1000, 4000, 16000, 64000, 256000]);
  });
});

describe('development encryption key', () => {
  it('is generated once and shared by every app using the same data folder', () => {
    const dir = `/tmp/hookstream-devkey-${process.pid}-${Date.now()}`;
    const a = loadConfig({ HOOKSTREAM_DATA_DIR: dir });
    const b = loadConfig({ HOOKSTREAM_DATA_DIR: dir });
    expect(a.encryptionKey).toHaveLength(32);
    expect(b.encryptionKey.equals(a.encryptionKey)).toBe(true);
  });
});
