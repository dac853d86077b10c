import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { HookstreamConfig } from '@app/config';
import { deliveryTask, ProducerEvent, RecordWriter } from '@app/contracts';
import { Publisher } from '@app/kafka';
import { StatusRepository } from '@app/persistence';
import { CONFIG } from '@app/platform';
import { writeOrUnavailable } from '../common/kafka-write';

export interface AttemptView {
  subscription_id: string;
  attempt: number;
  started_at: string;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  outcome: 'delivered' | 'failed';
}

@Injectable()
export class EventsService {
  constructor(
    @Inject(CONFIG) private readonly config: HookstreamConfig,
    private readonly publisher: Publisher,
    private readonly writer: RecordWriter,
    private readonly status: StatusRepository,
  ) {}

  /** Accepted once Kafka acknowledged the record; the dispatcher does the rest (and drops repeated ids). */
  async publish(body: Omit<ProducerEvent, 'id'> & { id?: string }): Promise<{ id: string; status_url: string }> {
    const event: ProducerEvent = {
      id: body.id ?? `evt_${Date.now().toString(36)}${randomBytes(10).toString('base64url')}`,
      type: body.type,
      data: body.data,
      timestamp: body.timestamp ?? new Date().toISOString(),
    };
    await writeOrUnavailable(this.publisher, this.writer.event(event), this.config.KAFKA_PUBLISH_TIMEOUT_MS, 'event');
    return { id: event.id, status_url: `/webhooks/status?event_id=${encodeURIComponent(event.id)}` };
  }

  async attempts(eventId: string): Promise<AttemptView[]> {
    const [event, rows] = await Promise.all([this.status.findEvent(eventId), this.status.findAttempts(eventId)]);
    if (!event) throw new NotFoundException(`no event with id "${eventId}"`);
    return rows.map((a) => ({
      subscription_id: a.subscriptionId,
      attempt: a.attempt,
      started_at: a.startedAt.toISOString(),
      duration_ms: a.durationMs,
      status_code: a.statusCode,
      error: a.error,
      outcome: a.outcome,
    }));
  }

  /** A new retry sequence for every delivery of the event that ended `failed`. */
  async retryFailed(eventId: string): Promise<{ id: string; retried: number }> {
    const [event, deliveries] = await Promise.all([this.status.findEvent(eventId), this.status.findDeliveries(eventId)]);
    if (!event || !event.data || !event.occurredAt) throw new NotFoundException(`no event with id "${eventId}"`);
    const failed = deliveries.filter((d) => d.status === 'failed');
    const now = new Date();
    const webhookEvent = { id: event.id, type: event.type, timestamp: event.occurredAt.toISOString(), data: event.data };
    for (const d of failed) {
      const task = deliveryTask({ event: webhookEvent, subscriptionId: d.subscriptionId, attempt: d.attempts + 1, retryMax: this.config.RETRY_MAX, dueAt: now });
      await writeOrUnavailable(this.publisher, this.writer.due(task), this.config.KAFKA_PUBLISH_TIMEOUT_MS, 'retry');
    }
    return { id: eventId, retried: failed.length };
  }
}
