import type { Kafka, KafkaMessage } from 'kafkajs';
import { parseRecord, SubscriptionRecord, subscriptionRecordSchema } from '@app/contracts';
import { TopicView } from '@app/kafka';
import type { Logger } from '@app/observability';
import { matchesAny } from './event-filter';

/** End-offset look-ups one index runs at once. */
const MAX_SYNCS = 4;

/** Says why a subscription cannot be used (e.g. its secret does not open with the configured keys), or null. */
export type UsabilityCheck = (s: SubscriptionRecord) => string | null;

/**
 * Every subscription, folded from the compacted subscriptions topic. The API reads it for
 * read-your-writes; the dispatcher matches events against it.
 */
export class SubscriptionIndex {
  private readonly byId = new Map<string, SubscriptionRecord>();
  /** Subscriptions the usability check refused, with the reason. */
  private readonly unusable = new Map<string, string>();
  private readonly matchCache = new Map<string, SubscriptionRecord[]>();
  private readonly view: TopicView;
  private running: Array<{ startedAt: number; done: Promise<void> }> = [];
  private queued: Promise<void> | null = null;
  /** Start time of the latest finished sync: changes written before it are in the index. */
  private syncedAt = 0;

  constructor(
    kafka: Kafka,
    topic: string,
    groupPrefix: string,
    private readonly logger: Logger,
    private readonly check: UsabilityCheck = () => null,
  ) {
    this.view = new TopicView(kafka, topic, (m) => this.apply(m), groupPrefix);
  }

  /** Subscriptions that cannot be used with this app's keys (their deliveries end `failed` with the reason). */
  get unusableCount(): number {
    return this.unusable.size;
  }

  /** Logs how many subscriptions cannot be used, once the index is loaded (start-up). */
  reportUnusable(): void {
    if (this.unusable.size === 0) return;
    this.logger.error(
      { 'subscription.unusable': this.unusable.size, 'subscription.ids': [...this.unusable.keys()].slice(0, 20) },
      `${this.unusable.size} subscription(s) cannot be used with the configured keys; their deliveries fail until fixed`,
    );
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
   * Resolves once the index holds every subscription change written before `since` (epoch ms): a look-up of
   * the topic's end offsets that started at or after `since` has finished and the view reached them. A caller
   * joins a running look-up that started late enough, else starts one at once (up to MAX_SYNCS in flight,
   * so one waits a single round trip, not the rest of an earlier look-up); past that it queues for the next.
   */
  syncedSince(since: number): Promise<void> {
    if (since <= this.syncedAt) return Promise.resolve();
    const joinable = this.running.find((s) => s.startedAt >= since);
    if (joinable) return joinable.done;
    if (this.running.length < MAX_SYNCS) return this.startSync();
    this.queued ??= Promise.race(this.running.map((s) => s.done.catch(() => undefined))).then(() => {
      this.queued = null;
      return this.startSync();
    });
    return this.queued;
  }

  private startSync(): Promise<void> {
    const sync = { startedAt: Date.now(), done: this.view.catchUp() };
    this.running.push(sync);
    const clear = () => {
      this.running = this.running.filter((s) => s !== sync);
    };
    sync.done.then(() => {
      this.syncedAt = Math.max(this.syncedAt, sync.startedAt);
      clear();
    }, clear);
    return sync.done;
  }

  private apply(message: KafkaMessage): void {
    const id = message.key?.toString('utf8');
    if (!id) return;
    this.matchCache.clear();
    if (message.value === null) {
      this.byId.delete(id);
      this.unusable.delete(id);
      return;
    }
    const parsed = parseRecord(subscriptionRecordSchema, message.value);
    if (!parsed.ok) {
      this.logger.error({ 'subscription.id': id, 'error.message': parsed.reason }, 'unreadable subscription record skipped');
      return;
    }
    this.byId.set(id, parsed.value);
    const problem = this.check(parsed.value);
    if (problem === null) {
      this.unusable.delete(id);
    } else {
      if (this.unusable.get(id) !== problem) this.logger.error({ 'subscription.id': id, 'error.message': problem }, 'subscription cannot be used; its deliveries will fail');
      this.unusable.set(id, problem);
    }
  }
}
