import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { HookstreamConfig } from '@app/config';
import { DELIVERY_STATUSES, deliveryTask, RecordWriter, retrySpanMs, TEST_EVENT_TYPE, Topics } from '@app/contracts';
import { Publisher } from '@app/kafka';
import { ConsoleRepository, encodeCursor } from '@app/persistence';
import { CONFIG, TOPICS } from '@app/platform';
import type { TenantScope } from '../access/tenant-scope';
import { writeOrUnavailable } from '../common/kafka-write';
import { listParam, pageParams } from '../common/query-params';

import { Recover } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

/** Recovery pages through at most this many deliveries per call. */
const MAX_RECOVERED = 100_000;
const PAGE = 500;

export interface DeliveryListItem {
  event_id: string;
  tenant_id: string | null;
  event_type: string | null;
  status: string;
  attempts: number;
  created_at: string | null;
  last_attempt: string | null;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string | null;
}

/** What an operator does to one endpoint beyond its settings: list its deliveries, recover a window, test it. */
@Injectable()
export class EndpointActionsService {
  private readonly spanMs: number;

  constructor(
    @Inject(CONFIG) private readonly config: HookstreamConfig,
    @Inject(TOPICS) topics: Topics,
    private readonly publisher: Publisher,
    private readonly writer: RecordWriter,
    private readonly webhooks: WebhooksService,
    private readonly console: ConsoleRepository,
  ) {
    this.spanMs = retrySpanMs(topics.retryTiers);
  }

  async deliveries(scope: TenantScope, id: string, q: { status?: string; since?: string; until?: string; limit?: string; cursor?: string }): Promise<{ deliveries: DeliveryListItem[]; next_cursor: string | null }> {
    this.webhooks.find(scope, id);
    const page = pageParams(q);
    const { limit } = page;
    const rows = await this.console.listDeliveries({ ...page, subscriptionId: id, statuses: listParam('status', q.status, DELIVERY_STATUSES) });
    const last = rows[rows.length - 1];
    return {
      deliveries: rows.map((d) => ({
        event_id: d.eventId,
        tenant_id: d.tenantId || null,
        event_type: d.eventType,
        status: d.status,
        attempts: d.attempts,
        created_at: d.acceptedAt?.toISOString() ?? null,
        last_attempt: d.lastAttemptAt?.toISOString() ?? null,
        last_status_code: d.lastStatusCode,
        last_error: d.lastError,
        next_attempt_at: d.nextAttemptAt?.toISOString() ?? null,
      })),
      next_cursor: rows.length === limit && last?.acceptedAt ? encodeCursor([last.acceptedAt.toISOString(), last.tenantId, last.eventId]) : null,
    };
  }

  /**
   * Sends again, as new retry sequences, every delivery of the endpoint that ended `failed` or `skipped` in
   * the window (by when it ended). Each continues the attempt numbering of its delivery.
   */
  async recover(scope: TenantScope, id: string, dto: Recover): Promise<{ count: number }> {
    this.webhooks.find(scope, id);
    const since = new Date(dto.since);
    const until = dto.until ? new Date(dto.until) : new Date();
    if (until <= since) throw new BadRequestException('until must be after since');
    let count = 0;
    let after: [string, string] | null = null;
    for (;;) {
      const page = await this.console.recoverable(id, since, until, after, PAGE);
      const now = new Date();
      const records = page.map(({ delivery, event }) =>
        this.writer.due(
          deliveryTask({
            event: { id: event.id, type: event.type, timestamp: (event.occurredAt ?? event.acceptedAt).toISOString(), data: event.data ?? {}, tenant_id: event.tenantId || null },
            subscriptionId: id,
            attempt: delivery.attempts + 1,
            retryMax: this.config.RETRY_MAX,
            dueAt: now,
            spanMs: this.spanMs,
          }),
        ),
      );
      await writeOrUnavailable(this.publisher, records, this.config.KAFKA_PUBLISH_TIMEOUT_MS, 'recovery');
      count += records.length;
      const last = page[page.length - 1];
      if (page.length < PAGE || !last || count >= MAX_RECOVERED) return { count };
      after = [last.delivery.tenantId, last.delivery.eventId];
    }
  }

  /** Publishes a test event that reaches this endpoint only (type hookstream.test). */
  async test(scope: TenantScope, id: string): Promise<{ event_id: string; status_url: string }> {
    const sub = this.webhooks.find(scope, id);
    const eventId = `evt_test_${randomBytes(10).toString('base64url')}`;
    const event = { id: eventId, type: TEST_EVENT_TYPE, data: { test: true, subscription_id: id, sent_at: new Date().toISOString() }, ...(sub.tenant_id ? { tenant_id: sub.tenant_id } : {}) };
    await writeOrUnavailable(this.publisher, [this.writer.event(event)], this.config.KAFKA_PUBLISH_TIMEOUT_MS, 'test event');
    const tenant = sub.tenant_id ? `&tenant_id=${encodeURIComponent(sub.tenant_id)}` : '';
    return { event_id: eventId, status_url: `/webhooks/status?event_id=${eventId}${tenant}` };
  }
}
