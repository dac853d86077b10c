import { Inject, Injectable } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import {
  AttemptRecord,
  attemptRecordSchema,
  AuditRecord,
  auditRecordSchema,
  dispatchRecordSchema,
  parseRecord,
  producerEventSchema,
  subscriptionRecordSchema,
  Topics,
} from '@app/contracts';
import type { Logger } from '@app/observability';
import { AuditEntry, emptyChanges, isTransientDatabaseError, ProjectionChanges, ProjectionRepository } from '@app/persistence';
import { LOGGER, TOPICS } from '@app/platform';
import { ProjectionWriter } from './projection-writer';

/**
 * Folds batches of records into the read model; concurrent batches share transactions (group commit). A
 * record Postgres refuses (a value it cannot store) must not stop its partition: when a batch fails for a
 * reason other than Postgres being unreachable, its records are written one by one and the refused one is
 * skipped with an error log naming it.
 */
@Injectable()
export class ProjectionService {
  private readonly writer: ProjectionWriter;

  constructor(
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly repository: ProjectionRepository,
  ) {
    this.writer = new ProjectionWriter((changes) => repository.apply(changes));
  }

  /** Resolves once the batch is committed to Postgres. */
  async project(topic: string, partition: number, messages: KafkaMessage[]): Promise<void> {
    try {
      await this.writer.write(this.changesOf(topic, partition, messages));
    } catch (e) {
      if (isTransientDatabaseError(e)) throw e;
      await this.oneByOne(topic, partition, messages);
    }
  }

  private async oneByOne(topic: string, partition: number, messages: KafkaMessage[]): Promise<void> {
    for (const m of messages) {
      try {
        await this.repository.apply(this.changesOf(topic, partition, [m]));
      } catch (e) {
        if (isTransientDatabaseError(e)) throw e;
        this.logger.error({ 'kafka.topic': topic, 'kafka.partition': partition, 'kafka.offset': m.offset, 'error.message': (e as Error).message }, 'record refused by the read model; skipped');
      }
    }
  }

  changesOf(topic: string, partition: number, messages: KafkaMessage[]): ProjectionChanges {
    const c = emptyChanges();
    for (const m of messages) {
      const source = `${topic}:${partition}:${m.offset}`;
      switch (topic) {
        case this.topics.subscriptions: {
          const id = m.key?.toString('utf8');
          if (m.value === null && id) c.deletedSubscriptions.push(id);
          else this.take(parseRecord(subscriptionRecordSchema, m.value), topic, m, (r) => c.subscriptions.push(r));
          break;
        }
        case this.topics.events:
          // Invalid records are the dispatcher's to set aside; they have no place in the read model.
          this.take(parseRecord(producerEventSchema, m.value), null, m, (e) =>
            c.events.push({
              ...e,
              timestamp: e.timestamp ?? new Date(Number(m.timestamp)).toISOString(),
              accepted_at: new Date(Number(m.timestamp)).toISOString(),
            }),
          );
          break;
        case this.topics.dispatch:
          this.take(parseRecord(dispatchRecordSchema, m.value), topic, m, (r) => c.dispatches.push(r));
          break;
        case this.topics.attempts:
          this.take(parseRecord(attemptRecordSchema, m.value), topic, m, (r) => {
            c.attempts.push(r);
            c.audit.push(attemptAudit(source, r));
          });
          break;
        case this.topics.audit:
          this.take(parseRecord(auditRecordSchema, m.value), topic, m, (r) => c.audit.push(callAudit(source, r)));
          break;
        default:
          this.logger.warn({ 'kafka.topic': topic }, 'record from an unexpected topic ignored');
      }
    }
    return c;
  }

  private take<T>(r: { ok: true; value: T } | { ok: false; reason: string }, topic: string | null, m: KafkaMessage, use: (v: T) => void): void {
    if (r.ok) use(r.value);
    else if (topic) this.logger.error({ 'kafka.topic': topic, 'kafka.offset': m.offset, 'error.message': r.reason }, 'unreadable record skipped');
  }
}

function callAudit(source: string, r: AuditRecord): AuditEntry {
  return {
    source,
    at: r.at,
    kind: 'api.call',
    keyId: r.key_id,
    clientIp: r.client_ip,
    method: r.method,
    path: r.path,
    status: r.status,
    subscriptionId: r.subscription_id,
    eventId: r.event_id,
    detail: { duration_ms: r.duration_ms },
  };
}

function attemptAudit(source: string, a: AttemptRecord): AuditEntry {
  return {
    source,
    at: a.started_at,
    kind: 'delivery.attempt',
    keyId: null,
    clientIp: null,
    method: 'POST',
    path: a.url,
    status: a.status_code,
    subscriptionId: a.subscription_id,
    eventId: a.event_id,
    detail: { attempt: a.attempt, outcome: a.outcome, error: a.error, duration_ms: a.duration_ms },
  };
}
