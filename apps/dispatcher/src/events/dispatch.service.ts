import { Inject, Injectable } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import type { HookstreamConfig } from '@app/config';
import { DispatchRecord, encodeRecord, InvalidEventRecord, parseRecord, producerEventSchema, Topics, WebhookEvent } from '@app/contracts';
import { Publisher } from '@app/kafka';
import type { Logger } from '@app/observability';
import { CONFIG, LOGGER, TOPICS } from '@app/platform';
import { SubscriptionIndex } from '@app/subscriptions';
import { AttemptService } from '../delivery/attempt.service';
import { IdempotencyRestorer } from './idempotency-restorer';
import { IdempotencyStore } from './idempotency.store';

/**
 * An event record, from arrival to first attempts: validate → drop a repeated id → fan out to the
 * matching subscriptions (recorded on the dispatch topic) → first attempt to each, in parallel.
 */
@Injectable()
export class DispatchService {
  constructor(
    @Inject(CONFIG) private readonly config: HookstreamConfig,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly publisher: Publisher,
    private readonly subscriptions: SubscriptionIndex,
    private readonly store: IdempotencyStore,
    private readonly restorer: IdempotencyRestorer,
    private readonly attempts: AttemptService,
  ) {}

  async handle(message: KafkaMessage, partition: number): Promise<void> {
    const parsed = parseRecord(producerEventSchema, message.value);
    const key = message.key?.toString('utf8') ?? null;
    if (!parsed.ok || parsed.value.id !== key) {
      const reason = parsed.ok ? `record key ${key === null ? 'is missing' : `"${key}"`} must equal the event id "${parsed.value.id}"` : parsed.reason;
      return this.reject(message, partition, reason);
    }
    await this.restorer.ready();
    const now = Date.now();
    const input = parsed.value;
    if (this.store.checkAndRemember(partition, input.id, now)) {
      this.logger.info({ 'event.id': input.id, 'kafka.offset': message.offset }, 'repeated event id within the idempotency window; not delivered again');
      return;
    }
    try {
      // Every subscription change written before this event was must be visible to its fan-out.
      await this.subscriptions.syncedSince(Number(message.timestamp));
      const event: WebhookEvent = { ...input, timestamp: input.timestamp ?? new Date(Number(message.timestamp)).toISOString() };
      await this.fanOut(event, partition, message.offset, now);
    } catch (e) {
      this.store.forget(partition, input.id);
      throw e;
    }
  }

  private async fanOut(event: WebhookEvent, partition: number, offset: string, now: number): Promise<void> {
    const subs = this.subscriptions.match(event.type);
    const dispatch: DispatchRecord = {
      kind: 'dispatch',
      version: 1,
      event_id: event.id,
      event_type: event.type,
      source: { partition, offset },
      subscriptions: subs.map((s) => ({ id: s.id, url: s.url })),
      at: new Date(now).toISOString(),
    };
    const dueAt = new Date(now).toISOString();
    await Promise.all([
      this.publisher.publish([{ topic: this.topics.dispatch, key: event.id, partition, value: encodeRecord(dispatch) }]),
      ...subs.map((s) =>
        this.attempts.run({
          kind: 'delivery',
          version: 1,
          event,
          subscription_id: s.id,
          attempt: 1,
          last_attempt: 1 + this.config.RETRY_MAX,
          due_at: dueAt,
        }),
      ),
    ]);
  }

  private async reject(message: KafkaMessage, partition: number, reason: string): Promise<void> {
    const record: InvalidEventRecord = {
      kind: 'invalid-event',
      version: 1,
      reason,
      source: { topic: this.topics.events, partition, offset: message.offset },
      key: message.key?.toString('utf8') ?? null,
      value: message.value?.toString('utf8') ?? null,
      at: new Date().toISOString(),
    };
    this.logger.warn({ 'kafka.partition': partition, 'kafka.offset': message.offset, 'error.message': reason }, 'invalid event record set aside');
    await this.publisher.publish([{ topic: this.topics.eventsInvalid, key: record.key ?? `${partition}:${message.offset}`, value: encodeRecord(record) }]);
  }
}
