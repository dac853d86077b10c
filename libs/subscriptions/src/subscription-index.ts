import type { Kafka, KafkaMessage } from 'kafkajs';
import { parseRecord, SubscriptionRecord, subscriptionRecordSchema } from '@app/contracts';
import { TopicView } from '@app/kafka';
import type { Logger } from '@app/observability';
import { matchesAny } from './event-filter';
import { CompiledFilter, compileFilter } from './payload-filter';

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
  /** Subscription ids by tenant ('' for none), so matching an event looks only at its tenant's. */
  private readonly byTenant = new Map<string, Set<string>>();
  private readonly payloadFilters = new Map<string, CompiledFilter>();
  /** Candidates by tenant and event type, cleared on every change. */
  private readonly matchCache = new Map<string, { enabled: SubscriptionRecord[]; disabled: SubscriptionRecord[] }>();
  private readonly listeners: Array<(before: SubscriptionRecord | undefined, after: SubscriptionRecord | undefined) => void> = [];
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

  /** Subscriptions of a tenant (null: those without one), oldest first. */
  listOf(tenantId: string | null): SubscriptionRecord[] {
    const ids = this.byTenant.get(tenantId ?? '') ?? new Set<string>();
    return [...ids].map((id) => this.byId.get(id)!).sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  /**
   * The subscriptions an event reaches: of its tenant (or, without one, those without a tenant), whose event
   * types match, whose payload filter holds. `skip`: those that would but are disabled. Only the event's
   * tenant's subscriptions are looked at, and the type match is cached per tenant and type.
   */
  match(event: { tenant_id: string | null; type: string } & Record<string, unknown>): { deliver: SubscriptionRecord[]; skip: SubscriptionRecord[] } {
    const key = `${event.tenant_id ?? ''}\u0000${event.type}`;
    let hit = this.matchCache.get(key);
    if (!hit) {
      const typed = this.listOf(event.tenant_id).filter((s) => matchesAny(s.events, event.type));
      hit = { enabled: typed.filter((s) => s.enabled), disabled: typed.filter((s) => !s.enabled) };
      if (this.matchCache.size > 10_000) this.matchCache.clear();
      this.matchCache.set(key, hit);
    }
    const passes = (s: SubscriptionRecord) => (this.payloadFilters.get(s.id) ?? (() => true))(event);
    return { deliver: hit.enabled.filter(passes), skip: hit.disabled.filter(passes) };
  }

  /** Called after every change, with the subscription before and after it (undefined: absent). */
  onChange(listener: (before: SubscriptionRecord | undefined, after: SubscriptionRecord | undefined) => void): void {
    this.listeners.push(listener);
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
    const before = this.byId.get(id);
    if (before) this.byTenant.get(before.tenant_id ?? '')?.delete(id);
    if (message.value === null) {
      this.byId.delete(id);
      this.payloadFilters.delete(id);
      this.unusable.delete(id);
      this.notify(before, undefined);
      return;
    }
    const parsed = parseRecord(subscriptionRecordSchema, message.value);
    if (!parsed.ok) {
      this.logger.error({ 'subscription.id': id, 'error.message': parsed.reason }, 'unreadable subscription record skipped');
      return;
    }
    this.byId.set(id, parsed.value);
    const tenant = parsed.value.tenant_id ?? '';
    if (!this.byTenant.has(tenant)) this.byTenant.set(tenant, new Set());
    this.byTenant.get(tenant)!.add(id);
    this.payloadFilters.set(id, compileFilter(parsed.value.filter));
    this.notify(before, parsed.value);
    const problem = this.check(parsed.value);
    if (problem === null) {
      this.unusable.delete(id);
    } else {
      if (this.unusable.get(id) !== problem) this.logger.error({ 'subscription.id': id, 'error.message': problem }, 'subscription cannot be used; its deliveries will fail');
      this.unusable.set(id, problem);
    }
  }

  private notify(before: SubscriptionRecord | undefined, after: SubscriptionRecord | undefined): void {
    for (const listener of this.listeners) {
      try {
        listener(before, after);
      } catch (e) {
        this.logger.error({ 'error.message': (e as Error).message }, 'subscription change listener failed');
      }
    }
  }
}
