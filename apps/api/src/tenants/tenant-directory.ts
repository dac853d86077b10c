import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { HookstreamConfig } from '@app/config';
import { parseRecord, TenantKeyRecord, tenantKeyRecordSchema, TenantRecord, tenantRecordSchema, Topics } from '@app/contracts';
import { TopicView } from '@app/kafka';
import type { Logger } from '@app/observability';
import { CONFIG, KAFKA, LOGGER, TOPICS } from '@app/platform';

/** One catch-up at a time; a caller joins the one running if it started after the caller's moment, else the next. */
class SharedCatchUp {
  private running: { startedAt: number; done: Promise<void> } | null = null;
  private next: Promise<void> | null = null;

  constructor(private readonly run: () => Promise<void>) {}

  since(moment: number): Promise<void> {
    if (this.running && this.running.startedAt >= moment) return this.running.done;
    if (!this.running) return this.start();
    this.next ??= this.running.done.catch(() => undefined).then(() => {
      this.next = null;
      return this.running && this.running.startedAt >= moment ? this.running.done : this.start();
    });
    return this.next;
  }

  private start(): Promise<void> {
    const done = this.run().finally(() => {
      if (this.running?.done === done) this.running = null;
    });
    this.running = { startedAt: Date.now(), done };
    return done;
  }
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

/**
 * Tenants and tenant keys, folded from their compacted topics into memory on every API instance. A key is
 * known only by its SHA-256; a revoked key (its tombstone) is refused as soon as this instance has read the
 * tombstone, which its long poll does within about a second.
 */
@Injectable()
export class TenantDirectory implements OnModuleInit, OnApplicationShutdown {
  private readonly tenants = new Map<string, TenantRecord>();
  private readonly keys = new Map<string, TenantKeyRecord>();
  private readonly keysByHash = new Map<string, TenantKeyRecord>();
  private readonly tenantView: TopicView;
  private readonly keyView: TopicView;

  constructor(@Inject(KAFKA) kafka: Kafka, @Inject(TOPICS) topics: Topics, @Inject(CONFIG) config: HookstreamConfig, @Inject(LOGGER) private readonly logger: Logger) {
    this.tenantView = new TopicView(kafka, topics.tenants, (m) => this.applyTenant(m), config.KAFKA_TOPIC_PREFIX);
    this.keyView = new TopicView(kafka, topics.tenantKeys, (m) => this.applyKey(m), config.KAFKA_TOPIC_PREFIX);
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.tenantView.start(), this.keyView.start()]);
    await Promise.all([this.tenantView.catchUp(), this.keyView.catchUp()]);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.tenantView.stop(), this.keyView.stop()]);
  }

  tenant(id: string): TenantRecord | undefined {
    return this.tenants.get(id);
  }

  /** Tenants ordered by id, after `afterId`. */
  listTenants(afterId: string | null, limit: number): TenantRecord[] {
    return [...this.tenants.values()]
      .filter((t) => afterId === null || t.id > afterId)
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .slice(0, limit);
  }

  key(id: string): TenantKeyRecord | undefined {
    return this.keys.get(id);
  }

  keysOf(tenantId: string): TenantKeyRecord[] {
    return [...this.keys.values()].filter((k) => k.tenant_id === tenantId).sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /** The key record a presented key belongs to, if it is a live tenant key of a live tenant. */
  identify(presented: string): TenantKeyRecord | null {
    const key = this.keysByHash.get(sha256Hex(presented));
    return key && this.tenants.has(key.tenant_id) ? key : null;
  }

  /**
   * As identify, but a key this instance does not know yet is looked for again once it has read everything
   * written before the request came: a key just created on another instance works here at once, instead of
   * after this instance's next poll. Concurrent misses share one catch-up, so unknown keys cost little.
   */
  async identifyFresh(presented: string, arrivedAt: number): Promise<TenantKeyRecord | null> {
    const known = this.identify(presented);
    if (known) return known;
    await this.catchUp.since(arrivedAt).catch(() => undefined);
    return this.identify(presented);
  }

  private readonly catchUp = new SharedCatchUp(() => Promise.all([this.tenantView.catchUp(1000), this.keyView.catchUp(1000)]).then(() => undefined));

  /** Resolves once this instance has read the record written at (partition, offset) of the given view. */
  waitForTenant(partition: number, offset: string): Promise<void> {
    return this.tenantView.waitFor(partition, offset);
  }

  waitForKey(partition: number, offset: string): Promise<void> {
    return this.keyView.waitFor(partition, offset);
  }

  private applyTenant(m: KafkaMessage): void {
    const id = m.key?.toString('utf8');
    if (!id) return;
    if (m.value === null) {
      this.tenants.delete(id);
      return;
    }
    const parsed = parseRecord(tenantRecordSchema, m.value);
    if (parsed.ok) this.tenants.set(id, parsed.value);
    else this.logger.error({ 'tenant.id': id, 'error.message': parsed.reason }, 'unreadable tenant record skipped');
  }

  private applyKey(m: KafkaMessage): void {
    const id = m.key?.toString('utf8');
    if (!id) return;
    const old = this.keys.get(id);
    if (old) this.keysByHash.delete(old.key_sha256);
    if (m.value === null) {
      this.keys.delete(id);
      return;
    }
    const parsed = parseRecord(tenantKeyRecordSchema, m.value);
    if (!parsed.ok) {
      this.logger.error({ 'key.id': id, 'error.message': parsed.reason }, 'unreadable tenant key record skipped');
      return;
    }
    this.keys.set(id, parsed.value);
    this.keysByHash.set(parsed.value.key_sha256, parsed.value);
  }
}
