import { Kafka, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import type { KafkaConnection } from '@app/config';
import type { Logger } from '@app/observability';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** TLS and SASL (config.kafkaConnection); absent: plaintext without authentication. */
  connection?: KafkaConnection;
  /**
   * kafkajs' own retries of a failed request or connection (default 8). The publisher's client has none: it
   * retries by itself within each record's deadline, and a kafkajs retry could still send a record after its
   * caller was told it was not written.
   */
  retries?: number;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** A kafkajs client whose own log lines go into our structured log. */
export function createKafka(settings: KafkaSettings, logger: Logger): Kafka {
  const log = logger.child({ 'log.logger': 'kafkajs' });
  const { ssl, sasl } = settings.connection ?? {};
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    ...(ssl ? { ssl } : {}),
    ...(sasl ? { sasl: saslOptions(sasl) } : {}),
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 100, maxRetryTime: 5000, retries: settings.retries ?? 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, timestamp: _t, logger: _l, ...rest } = entry;
        log[LEVELS[level] ?? 'info']({ 'kafka.namespace': namespace, ...rest }, message);
      },
  });
}

function saslOptions({ mechanism, username, password }: NonNullable<KafkaConnection['sasl']>): SASLOptions {
  switch (mechanism) {
    case 'plain':
      return { mechanism, username, password };
    case 'scram-sha-256':
      return { mechanism, username, password };
    case 'scram-sha-512':
      return { mechanism, username, password };
  }
}
