import type { Kafka, KafkaMessage } from 'kafkajs';
import { parseRecord, SubscriptionRecord, subscriptionRecordSchema } from '@app/contracts';
import { TopicView } from '@app/kafka';
import type { Logger } from '@app/observability';
import { matchesAny } from './event-filter';

/**
 * Every subscription, folded from the compacted subscriptions topic. The API reads it for
 * read-your-writes; the dispatcher matches events against it.
 */
export class SubscriptionIndex {
  private readonly byId = new Map<string, SubscriptionRecord>();
  private readonly matchCache = new Map<string, SubscriptionRecord[]>();
  private readonly view: TopicView;
  private syncing: { startedAt: number; done: Promise<void> } | null = null;

  constructor(kafka: Kafka, topic: string, groupPrefix: string, private readonly logger: Logger) {
    this.view = new TopicView(kafka, topic, (m) => this.apply(m), groupPrefix);
  }

  start(): Promise<void> {
    return this.view.start();
  }

  stop(): Promise<void> {
    return this.view.stop();
  }

  get(id: string): SubscriptionRecord | undefined {
    return this.byId.get(id);
  }

  list(): SubscriptionRecord[] {
    return [...this.byId.values()].sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  /** Enabled subscriptions whose filters match the event type. */
  match(type: string): SubscriptionRecord[] {
    let hit = this.matchCache.get(type);
    if (!hit) {
      hit = [...this.byId.values()].filter((s) => s.enabled && matchesAny(s.events, type));
      this.matchCache.set(type, hit);
    }
    return hit;
  }

  waitFor(partition: number, offset: string): Promise<void> {
    return this.view.waitFor(partition, offset);
  }

  /**
   * Resolves once the index holds every subscription change written before `since` (epoch ms).
   * Concurrent callers share one look-up of the topic's end offsets.
   */
  syncedSince(since: number): Promise<void> {
    if (this.syncing && this.syncing.startedAt >= since) return this.syncing.done;
    const startedAt = Date.now();
    const done = this.view.catchUp();
    const current = { startedAt, done };
    this.syncing = current;
    done.catch(() => {
      if (this.syncing === current) this.syncing = null;
    });
    return done;
  }

  private apply(message: KafkaMessage): void {
    const id = message.key?.toString('utf8');
    if (!id) return;
    this.matchCache.clear();
    if (message.value === null) {
      this.byId.delete(id);
      return;
    }
    const parsed = parseRecord(subscriptionRecordSchema, message.value);
    if (!parsed.ok) {
      this.logger.error({ 'subscription.id': id, 'error.message': parsed.reason }, 'unreadable subscription record skipped');
      return;
    }
    this.byId.set(id, parsed.value);
  }
}
