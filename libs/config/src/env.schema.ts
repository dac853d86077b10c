import * as ipaddr from 'ipaddr.js';
import { z } from 'zod';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

// zod's coerce takes the type's message for range errors too unless each bound names its own.
const int = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`)
    .default(fallback);

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    );

const isCidr = (c: string) => {
  try {
    if (c.includes('/')) ipaddr.parseCIDR(c);
    else ipaddr.parse(c);
    return true;
  } catch {
    return false;
  }
};

const cidrs = (fallback: string) =>
  list(fallback).superRefine((values, ctx) => {
    const bad = values.find((c) => !isCidr(c));
    if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `"${bad}" is not a CIDR range (e.g. 10.0.0.0/8 or ::1/128)` });
  });

/** A path to a file read once at start (libs/config/src/connections.ts reads and checks it). */
const file = () => z.string().trim().min(1, 'must be a file path').optional();

const UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration such as "500ms", "30s", "15m", "12h" or "5d", in milliseconds. */
const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      const m = /^(\d+)\s*(ms|s|m|h|d)$/.exec(v.trim());
      if (!m) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration such as 30s, 15m, 12h or 5d' });
        return z.NEVER;
      }
      return Number(m[1]) * UNITS_MS[m[2] as keyof typeof UNITS_MS];
    });

/** Every environment variable hookstream reads, with its default. The README's configuration table mirrors this. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(3000, 0, 65535),
  DISPATCHER_PORT: int(3001, 0, 65535),
  RETRY_SCHEDULER_PORT: int(3002, 0, 65535),
  STATUS_PROJECTOR_PORT: int(3003, 0, 65535),
  OPS_HOST: z.string().min(1).default('127.0.0.1'),
  KAFKA_BROKERS: list('127.0.0.1:9092').refine((v) => v.length > 0, 'must name at least one host:port'),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,100}$/, 'may hold only letters, digits, ".", "_" and "-"')
    .default('webhooks'),
  KAFKA_PARTITIONS: int(6, 1, 1000),
  /** How long the API holds a publish for Kafka's acknowledgement: long enough for a new leader after a broker loss. */
  KAFKA_PUBLISH_TIMEOUT_MS: int(15000, 100),
  /** Replicas of every topic hookstream creates; unset: 3, or the number of brokers when fewer. */
  KAFKA_REPLICATION_FACTOR: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(10, 'must be at most 10').optional(),
  /** Replicas that must hold a record before it is acknowledged; unset: 2 at a factor of 3 or more, else 1. */
  KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(10, 'must be at most 10').optional(),
  KAFKA_SESSION_TIMEOUT_MS: int(10000, 6000, 300000),
  /** TLS to every broker; the broker's certificate is checked against Node's CAs plus KAFKA_SSL_CA_FILE. */
  KAFKA_SSL: bool(false),
  KAFKA_SSL_CA_FILE: file(),
  /** A client certificate and its key, for clusters that authenticate clients by TLS (mTLS). */
  KAFKA_SSL_CERT_FILE: file(),
  KAFKA_SSL_KEY_FILE: file(),
  KAFKA_SASL_MECHANISM: z
    .enum(['plain', 'scram-sha-256', 'scram-sha-512'], { message: 'must be plain, scram-sha-256 or scram-sha-512' })
    .optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/hookstream'),
  /** Unset: the URL's sslmode, else no TLS. Same meanings as libpq's sslmode. */
  DATABASE_SSL: z
    .enum(['false', 'disable', 'require', 'verify-ca', 'verify-full'], { message: 'must be false, require, verify-ca or verify-full' })
    .optional(),
  DATABASE_SSL_CA_FILE: file(),
  /** Connections each app keeps open to Postgres at most. */
  DATABASE_POOL_SIZE: int(10, 1, 1000),
  API_KEYS: list(''),
  API_ALLOWED_CIDRS: cidrs('127.0.0.1/32,::1/128'),
  TRUST_PROXY: cidrs(''),
  DELIVERY_TIMEOUT_MS: int(10000, 1, 300000),
  DELIVERY_CONCURRENCY: int(1024, 1, 10000),
  DELIVERY_CLIENT: z.enum(['got', 'undici'], { message: 'must be got or undici' }).default('undici'),
  RETRY_BASE_MS: int(1000, 1),
  RETRY_MULTIPLIER: z.coerce.number({ message: 'must be a number' }).min(1, 'must be at least 1').max(100, 'must be at most 100').default(4),
  RETRY_MAX: int(5, 0, 20),
  /** Each retry's due time moves later by up to this share of its delay (never earlier). */
  RETRY_JITTER: z.coerce.number({ message: 'must be a number' }).min(0, 'must be at least 0').max(1, 'must be at most 1').default(0.1),
  /** Deliveries one responsive endpoint may have in flight; 0: an eighth of DELIVERY_CONCURRENCY. A slow one gets an eighth of it. */
  ENDPOINT_MAX_IN_FLIGHT: int(0, 0, 10000),
  CIRCUIT_FAILURE_THRESHOLD: int(5, 1, 10000),
  /** First cool-down of an open circuit; it doubles while probes fail, up to CIRCUIT_COOLDOWN_MAX_MS. */
  CIRCUIT_COOLDOWN_MS: int(30_000, 1),
  CIRCUIT_COOLDOWN_MAX_MS: int(600_000, 1),
  /** An endpoint whose every attempt failed for this long is disabled. */
  ENDPOINT_DISABLE_AFTER: duration('5d'),
  /** Where hookstream reports what it did by itself (endpoint.disabled), signed with OPERATIONAL_WEBHOOK_SECRET. */
  OPERATIONAL_WEBHOOK_URL: z.url({ message: 'must be an absolute http(s) URL' }).optional(),
  OPERATIONAL_WEBHOOK_SECRET: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'must be "whsec_" followed by at least 24 bytes of base64')
    .optional(),
  ALLOW_INSECURE_HTTP: bool(false),
  ALLOW_PRIVATE_TARGETS: bool(false),
  DNS_SERVERS: list('').refine((v) => v.every((s) => /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\])(:\d{1,5})?$|^[0-9a-fA-F:]+$/.test(s)), 'must be a comma-separated list of ip or ip:port ([ipv6]:port)'),
  ENCRYPTION_KEY: z
    .string()
    .optional()
    .refine((v) => v === undefined || Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded'),
  ENCRYPTION_KEYS_PREVIOUS: list('').refine(
    (keys) => keys.every((k) => Buffer.from(k, 'base64').length === 32),
    'must be a comma-separated list of 32-byte, base64-encoded keys',
  ),
  SHUTDOWN_TIMEOUT_MS: int(15000, 0),
  SECRET_ROTATION_GRACE_SECONDS: int(86400, 0, 30 * 86400),
  IDEMPOTENCY_WINDOW_HOURS: z.coerce.number({ message: 'must be a number' }).positive('must be more than 0').max(24 * 30, `must be at most ${24 * 30}`).default(24),
  IDEMPOTENCY_MAX_KEYS: int(1_000_000, 1000),
  /**
   * Days the read model keeps events, deliveries, attempts, deferrals, audit entries and statistics; older rows
   * are pruned by the status projector. Fractions are allowed (0.5 is 12 hours; tests use seconds); 0 keeps all.
   */
  READ_MODEL_RETENTION_DAYS: z.coerce
    .number({ message: 'must be a number of days, such as 30 or 0.5 (0 keeps everything)' })
    .min(0, 'must be 0 (keep everything) or more days')
    .max(36500, 'must be at most 36500 days; use 0 to keep everything')
    .default(30),
  /** How often the status projector prunes the read model (the first run comes one interval after start). */
  READ_MODEL_PRUNE_INTERVAL: duration('10m').refine((ms) => ms >= 100, 'must be at least 100ms'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HOOKSTREAM_DATA_DIR: z.string().default('.data'),
});

export type RawEnv = z.infer<typeof envSchema>;
