import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * One JSON object per line with ECS field names (`@timestamp`, `log.level`, `service.name`, `message`),
 * so the lines go into Elasticsearch or Loki as they are.
 */
export function createLogger(service: string, level: string): Logger {
  // Lines are buffered and written in chunks (one write call per few kilobytes instead of one per line);
  // pino flushes the buffer when the process exits, a crash loses at most the last chunk.
  const destination = pino.destination({ sync: false, minLength: 4096 });
  const logger = pino(
    {
      level,
      messageKey: 'message',
      base: { 'service.name': service },
      timestamp: () => `,"@timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ 'log.level': label }) },
      redact: { paths: ['password', 'secret', 'authorization', 'headers.authorization'], censor: '[redacted]' },
    },
    destination,
  );
  // Half a second at most between a line and its write, so logs stay timely when traffic is low.
  setInterval(() => destination.flush(), 500).unref();
  return logger;
}

/** Routes NestJS's own messages into the structured log. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string): void {
    this.logger.info({ 'log.logger': context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ 'log.logger': context, 'error.stack_trace': trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ 'log.logger': context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ 'log.logger': context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ 'log.logger': context }, String(message));
  }
}
