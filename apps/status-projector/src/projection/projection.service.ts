import { Inject, Injectable } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import { attemptRecordSchema, dispatchRecordSchema, parseRecord, producerEventSchema, subscriptionRecordSchema, Topics } from '@app/contracts';
import type { Logger } from '@app/observability';
import { emptyChanges, ProjectionChanges, ProjectionRepository } from '@app/persistence';
import { LOGGER, TOPICS } from '@app/platform';
import { ProjectionWriter } from './projection-writer';

/** Folds batches of records into the read model; concurrent batches share transactions (group commit). */
@Injectable()
export class ProjectionService {
  private readonly writer: ProjectionWriter;

  constructor(
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(LOGGER) private readonly logger: Logger,
    repository: ProjectionRepository,
  ) {
    this.writer = new ProjectionWriter((changes) => repository.apply(changes));
  }

  /** Resolves once the batch is committed to Postgres. */
  project(topic: string, messages: KafkaMessage[]): Promise<void> {
    return this.writer.write(this.changesOf(topic, messages));
  }

  changesOf(topic: string, messages: KafkaMessage[]): ProjectionChanges {
    const c = emptyChanges();
    for (const m of messages) {
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
            c.events.push({ ...e, timestamp: e.timestamp ?? new Date(Number(m.timestamp)).toISOString() }),
          );
          break;
        case this.topics.dispatch:
          this.take(parseRecord(dispatchRecordSchema, m.value), topic, m, (r) => c.dispatches.push(r));
          break;
        case this.topics.attempts:
          this.take(parseRecord(attemptRecordSchema, m.value), topic, m, (r) => c.attempts.push(r));
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
