import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './config-error';
import { DatabaseConnection, databaseConnection } from './database-connection';
import { envSchema, RawEnv } from './env.schema';
import { KafkaConnection, kafkaConnection } from './kafka-connection';

export { ConfigError } from './config-error';

export interface RetryPolicy {
  baseMs: number;
  multiplier: number;
  max: number;
}

/** Read once into `kafkaConnection` and `databaseConnection`, so the password and the files' paths go no further. */
type ConnectionVariables =
  | 'KAFKA_SSL'
  | 'KAFKA_SSL_CA_FILE'
  | 'KAFKA_SSL_CERT_FILE'
  | 'KAFKA_SSL_KEY_FILE'
  | 'KAFKA_SASL_MECHANISM'
  | 'KAFKA_SASL_USERNAME'
  | 'KAFKA_SASL_PASSWORD'
  | 'DATABASE_SSL'
  | 'DATABASE_SSL_CA_FILE'
  | 'DATABASE_POOL_SIZE';

export interface HookstreamConfig extends Omit<RawEnv, 'ENCRYPTION_KEY' | 'ENCRYPTION_KEYS_PREVIOUS' | 'API_KEYS' | ConnectionVariables> {
  encryptionKey: Buffer;
  /** Keys replaced by a rotation: values sealed with them still open. */
  previousEncryptionKeys: Buffer[];
  apiKeys: string[];
  /** True when the API key was generated for this run (development only). */
  apiKeysGenerated: boolean;
  retry: RetryPolicy;
  /** ENDPOINT_MAX_IN_FLIGHT, or its default from DELIVERY_CONCURRENCY. */
  endpointMaxInFlight: number;
  /** TLS and SASL of every Kafka client (KAFKA_SSL*, KAFKA_SASL*). */
  kafkaConnection: KafkaConnection;
  /** The Postgres URL, TLS and pool size of every pg connection (DATABASE_*). */
  databaseConnection: DatabaseConnection;
}

/** Parses and checks the environment once; the first bad variable stops start-up with its name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): HookstreamConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const name = first ? String(first.path[0]) : 'environment';
    throw new ConfigError(`Invalid environment variables: ${name} ${first?.message ?? 'is invalid'}`);
  }
  const raw = parsed.data;
  const production = raw.NODE_ENV === 'production';
  if (production && raw.API_KEYS.length === 0) {
    throw new ConfigError('Invalid environment variables: API_KEYS must be set when NODE_ENV=production');
  }
  if (production && !raw.ENCRYPTION_KEY) {
    throw new ConfigError('Invalid environment variables: ENCRYPTION_KEY must be set when NODE_ENV=production');
  }
  if (raw.OPERATIONAL_WEBHOOK_URL && !raw.OPERATIONAL_WEBHOOK_SECRET) {
    throw new ConfigError('Invalid environment variables: OPERATIONAL_WEBHOOK_SECRET must be set when OPERATIONAL_WEBHOOK_URL is (operational events are signed)');
  }
  const kafka = kafkaConnection(raw);
  const database = databaseConnection(raw);
  const apiKeysGenerated = raw.API_KEYS.length === 0;
  const {
    ENCRYPTION_KEY,
    ENCRYPTION_KEYS_PREVIOUS,
    API_KEYS,
    KAFKA_SSL: _ssl,
    KAFKA_SSL_CA_FILE: _ca,
    KAFKA_SSL_CERT_FILE: _cert,
    KAFKA_SSL_KEY_FILE: _key,
    KAFKA_SASL_MECHANISM: _mechanism,
    KAFKA_SASL_USERNAME: _username,
    KAFKA_SASL_PASSWORD: _password,
    DATABASE_SSL: _dbSsl,
    DATABASE_SSL_CA_FILE: _dbCa,
    DATABASE_POOL_SIZE: _pool,
    ...rest
  } = raw;
  return {
    ...rest,
    kafkaConnection: kafka,
    databaseConnection: database,
    apiKeys: apiKeysGenerated ? [`hs_dev_${randomBytes(18).toString('base64url')}`] : API_KEYS,
    apiKeysGenerated,
    encryptionKey: ENCRYPTION_KEY ? Buffer.from(ENCRYPTION_KEY, 'base64') : developmentKey(raw.HOOKSTREAM_DATA_DIR),
    previousEncryptionKeys: ENCRYPTION_KEYS_PREVIOUS.map((k) => Buffer.from(k, 'base64')),
    retry: { baseMs: raw.RETRY_BASE_MS, multiplier: raw.RETRY_MULTIPLIER, max: raw.RETRY_MAX },
    endpointMaxInFlight: raw.ENDPOINT_MAX_IN_FLIGHT > 0 ? raw.ENDPOINT_MAX_IN_FLIGHT : Math.max(1, Math.floor(raw.DELIVERY_CONCURRENCY / 8)),
  };
}

/**
 * Outside production, all four apps share one generated key kept in the data folder, so records
 * written by one app stay readable by the others and across restarts.
 */
function developmentKey(dataDir: string): Buffer {
  const file = join(dataDir, 'dev-encryption-key');
  if (!existsSync(file)) {
    // The apps start together: write a candidate aside, then link it into place. The link is atomic and
    // fails when another app won, so every app ends up reading the same complete key.
    mkdirSync(dataDir, { recursive: true });
    const candidate = `${file}.${process.pid}.tmp`;
    writeFileSync(candidate, randomBytes(32).toString('base64'), { mode: 0o600 });
    try {
      linkSync(candidate, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(candidate);
    }
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

/** Delay before retry n (1-based): base × multiplier^(n-1). */
export function retryDelayMs(policy: RetryPolicy, n: number): number {
  return Math.round(policy.baseMs * Math.pow(policy.multiplier, n - 1));
}

/** Injection token of the app's validated config. */
export const CONFIG = Symbol('CONFIG');
