import { Inject, Injectable } from '@nestjs/common';
import type { KafkaMessage } from 'kafkajs';
import type { HookstreamConfig } from '@app/config';
import { deliveryTask, DispatchRecord, InvalidEventRecord, parseRecord, producerEventSchema, RecordWriter, SubscriptionRecord, Topics, WebhookEvent } from '@app/contracts';
import { Publisher } from '@app/kafka';
import type { Logger } from '@app/observability';
import { CONFIG, LOGGER, TOPICS } from '@app/platform';
import { SubscriptionIndex } from '@app/subscriptions';
import { AttemptService } from '../delivery/attempt.service';
import { IdempotencyRestorer } from './idempotency-restorer';
import { IdempotencyStore } from './idempotency.store';

/** Largest event record accepted from the events topic, as for `POST /events` bodies. */
export const MAX_EVENT_BYTES = 256 * 1024;
/** How much of a refused record's value its invalid-record entry keeps. */
const MAX_KEPT_VALUE = 16 * 1024;

/** The fan-out of an event whose unit of work failed part-way, kept so its retry does not redo what is done. */
interface UnfinishedFanOut {
  subs: SubscriptionRecord[];
  done: Set<string>;
  dispatched: boolean;
}

/**
 * An event record, from arrival to first attempts: validate → drop a repeated id → fan out to the
 * matching subscriptions (recorded on the dispatch topic) → first attempt to each, in parallel. Each
 * delivery is its own unit: when some fail to record (Kafka unavailable), the event's retry repeats only
 * those, never calling again a subscription whose attempt is already on Kafka.
 */
@Injectable()
export class DispatchService {
  private readonly unfinished = new Map<string, UnfinishedFanOut>();

  constructor(
    @Inject(CONFIG) private readonly config: HookstreamConfig,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly publisher: Publisher,
    private readonly writer: RecordWriter,
    private readonly subscriptions: SubscriptionIndex,
    private readonly store: IdempotencyStore,
    private readonly restorer: IdempotencyRestorer,
    private readonly attempts: AttemptService,
  ) {}

  async handle(message: KafkaMessage, partition: number): Promise<void> {
    if (message.value && message.value.length > MAX_EVENT_BYTES) {
      return this.reject(message, partition, `record is ${message.value.length} bytes; events may be at most ${MAX_EVENT_BYTES} bytes (256 KiB)`);
    }
    const parsed = parseRecord(producerEventSchema, message.value);
    const key = message.key?.toString('utf8') ?? null;
    if (!parsed.ok || parsed.value.id !== key) {
      const reason = parsed.ok ? `record key ${key === null ? 'is missing' : `"${key.slice(0, 200)}"`} must equal the event id "${parsed.value.id}"` : parsed.reason;
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
      const event: WebhookEvent = { ...input, timestamp: input.timestamp ?? new Date(Number(message.timestamp)).toISOString() };
      await this.fanOut(event, partition, message.offset, now, Number(message.timestamp));
    } catch (e) {
      this.store.forget(partition, input.id);
      throw e;
    }
  }

  private async fanOut(event: WebhookEvent, partition: number, offset: string, now: number, writtenAt: number): Promise<void> {
    const unit = `${partition}:${offset}`;
    let state = this.unfinished.get(unit);
    if (!state) {
      // Every subscription change written before this event was must be visible to its fan-out.
      await this.subscriptions.syncedSince(writtenAt);
      state = { subs: this.subscriptions.match(event.type), done: new Set(), dispatched: false };
    }
    const { subs } = state;
    const fanOut = state;
    const dispatch: DispatchRecord = {
      kind: 'dispatch',
      version: 1,
      event_id: event.id,
      event_type: event.type,
      source: { partition, offset },
      subscriptions: subs.map((s) => ({ id: s.id, url: s.url })),
      at: new Date(now).toISOString(),
    };
    const dueAt = new Date(now);
    const results = await Promise.allSettled([
      fanOut.dispatched ? undefined : this.publisher.publish([this.writer.dispatch(dispatch, partition)]).then(() => void (fanOut.dispatched = true)),
      ...subs
        .filter((s) => !fanOut.done.has(s.id))
        .map((s) =>
          this.attempts
            .run(deliveryTask({ event, subscriptionId: s.id, attempt: 1, retryMax: this.config.RETRY_MAX, dueAt }))
            .then(() => void fanOut.done.add(s.id)),
        ),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (!failed) {
      this.unfinished.delete(unit);
      return;
    }
    if (this.unfinished.size >= 10_000) this.unfinished.delete(this.unfinished.keys().next().value!);
    this.unfinished.set(unit, fanOut);
    throw failed.reason;
  }

  private async reject(message: KafkaMessage, partition: number, reason: string): Promise<void> {
    const text = message.value?.toString('utf8') ?? null;
    const record: InvalidEventRecord = {
      kind: 'invalid-event',
      version: 1,
      reason,
      source: { topic: this.topics.events, partition, offset: message.offset },
      key: message.key?.toString('utf8').slice(0, 1024) ?? null,
      value: text === null ? null : text.slice(0, MAX_KEPT_VALUE),
      value_truncated: text !== null && text.length > MAX_KEPT_VALUE,
      at: new Date().toISOString(),
    };
    this.logger.warn({ 'kafka.partition': partition, 'kafka.offset': message.offset, 'error.message': reason }, 'invalid event record set aside');
    await this.publisher.publish([this.writer.invalidEvent(record)]);
  }
}
