import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { HookstreamConfig } from '@app/config';
import { AttemptOutcomeName, deliveryTask, ProducerEvent, RecordWriter, retrySpanMs, Topics } from '@app/contracts';
import { Publisher } from '@app/kafka';
import { StatusRepository } from '@app/persistence';
import { CONFIG, TOPICS } from '@app/platform';
import type { TenantScope } from '../access/tenant-scope';
import { writeOrUnavailable } from '../common/kafka-write';
import { TenantDirectory } from '../tenants/tenant-directory';

export interface AttemptView {
  subscription_id: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  outcome: AttemptOutcomeName;
  next_attempt_at: string | null;
}

/** Publishing events, and what happened to one: its attempts, a retry of its failed deliveries. */
@Injectable()
export class EventsService {
  private readonly spanMs: number;

  constructor(
    @Inject(CONFIG) private readonly config: HookstreamConfig,
    @Inject(TOPICS) topics: Topics,
    private readonly publisher: Publisher,
    private readonly writer: RecordWriter,
    private readonly status: StatusRepository,
    private readonly tenants: TenantDirectory,
  ) {
    this.spanMs = retrySpanMs(topics.retryTiers);
  }

  /**
   * Accepted once Kafka acknowledged the record; the dispatcher does the rest (and drops repeated ids). A
   * tenant key publishes for its tenant only (naming another is a 403).
   */
  async publish(scope: TenantScope, body: Omit<ProducerEvent, 'id'> & { id?: string }): Promise<{ id: string; status_url: string }> {
    const tenantId = scope.writeTenant(body.tenant_id);
    if (tenantId !== null && scope.isAdmin && !this.tenants.tenant(tenantId)) throw new NotFoundException(`no tenant "${tenantId}"`);
    const event: ProducerEvent = {
      id: body.id ?? `evt_${Date.now().toString(36)}${randomBytes(10).toString('base64url')}`,
      type: body.type,
      data: body.data,
      timestamp: body.timestamp ?? new Date().toISOString(),
      ...(tenantId !== null ? { tenant_id: tenantId } : {}),
    };
    await writeOrUnavailable(this.publisher, this.writer.event(event), this.config.KAFKA_PUBLISH_TIMEOUT_MS, 'event');
    const tenant = tenantId !== null && scope.isAdmin ? `&tenant_id=${encodeURIComponent(tenantId)}` : '';
    return { id: event.id, status_url: `/webhooks/status?event_id=${encodeURIComponent(event.id)}${tenant}` };
  }

  async attempts(scope: TenantScope, eventId: string, tenantId: string | undefined): Promise<AttemptView[]> {
    const tenant = scope.readTenant(tenantId) ?? '';
    const [event, rows] = await Promise.all([this.status.findEvent(tenant, eventId), this.status.findAttempts(tenant, eventId)]);
    if (!event) throw new NotFoundException(`no event with id "${eventId}"`);
    return rows.map((a) => ({
      subscription_id: a.subscriptionId,
      attempt: a.attempt,
      started_at: a.startedAt.toISOString(),
      duration_ms: a.durationMs,
      status_code: a.statusCode,
      error: a.error,
      outcome: a.outcome,
      next_attempt_at: a.nextAttemptAt?.toISOString() ?? null,
    }));
  }

  /** A new retry sequence for every delivery of the event that ended `failed`. */
  async retryFailed(scope: TenantScope, eventId: string, tenantId: string | undefined): Promise<{ id: string; retried: number }> {
    const tenant = scope.readTenant(tenantId) ?? '';
    const [event, deliveries] = await Promise.all([this.status.findEvent(tenant, eventId), this.status.findDeliveries(tenant, eventId)]);
    if (!event || !event.data || !event.occurredAt) throw new NotFoundException(`no event with id "${eventId}"`);
    const failed = deliveries.filter((d) => d.status === 'failed');
    const now = new Date();
    const webhookEvent = { id: event.id, type: event.type, timestamp: event.occurredAt.toISOString(), data: event.data, tenant_id: event.tenantId || null };
    const records = failed.map((d) =>
      this.writer.due(deliveryTask({ event: webhookEvent, subscriptionId: d.subscriptionId, attempt: d.attempts + 1, retryMax: this.config.RETRY_MAX, dueAt: now, spanMs: this.spanMs })),
    );
    await writeOrUnavailable(this.publisher, records, this.config.KAFKA_PUBLISH_TIMEOUT_MS, 'retry');
    return { id: eventId, retried: failed.length };
  }
}
