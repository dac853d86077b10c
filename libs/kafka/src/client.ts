import { Kafka, logLevel, LogEntry } from 'kafkajs';
import type { Logger } from '@app/observability';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /**
   * For the publisher: no retries inside kafkajs (connects and metadata included). The publisher retries by
   * itself within each record's deadline; a kafkajs retry could still send a record after its caller was told
   * it was not written.
   */
  forPublisher?: boolean;
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
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: settings.forPublisher ? { retries: 0 } : { initialRetryTime: 100, maxRetryTime: 5000, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, level, log: entry }: LogEntry) => {
        const { message, timestamp: _t, logger: _l, ...rest } = entry;
        log[LEVELS[level] ?? 'info']({ 'kafka.namespace': namespace, ...rest }, message);
      },
  });
}
