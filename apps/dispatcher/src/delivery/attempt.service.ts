import { Inject, Injectable } from '@nestjs/common';
import type { HookstreamConfig } from '@app/config';
import { AttemptRecord, DeliveryTask, encodeRecord, SubscriptionRecord, Topics } from '@app/contracts';
import { DeliveryHttpClient, HttpAttemptResult } from '@app/delivery';
import { OutgoingRecord, Publisher } from '@app/kafka';
import { DeliveryMetrics, Logger } from '@app/observability';
import { CONFIG, LOGGER, TOPICS } from '@app/platform';
import { SubscriptionIndex } from '@app/subscriptions';
import { DELIVERY_CLIENT } from '../tokens';
import { RequestBuilder } from './request-builder';
import { nextStep } from './retry-plan';

/**
 * One delivery attempt as a pipeline: prepare the request → call the endpoint → record the attempt and
 * schedule what follows (a retry tier or the dead-letter topic). Resolves once every record is on Kafka.
 */
@Injectable()
export class AttemptService {
  constructor(
    @Inject(CONFIG) private readonly config: HookstreamConfig,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(DELIVERY_CLIENT) private readonly client: DeliveryHttpClient,
    private readonly publisher: Publisher,
    private readonly subscriptions: SubscriptionIndex,
    private readonly requests: RequestBuilder,
    private readonly metrics: DeliveryMetrics,
  ) {}

  async run(task: DeliveryTask): Promise<void> {
    const sub = this.subscriptions.get(task.subscription_id);
    const startedAt = new Date();
    const result = sub ? await this.call(task, sub, startedAt) : refused('the subscription was deleted');
    await this.publisher.publish(this.recordsFor(task, sub?.url ?? '', startedAt, result));
  }

  private async call(task: DeliveryTask, sub: SubscriptionRecord, at: Date): Promise<HttpAttemptResult> {
    if (!sub.enabled) return refused('the subscription is disabled');
    if (sub.url.startsWith('http:') && !this.config.ALLOW_INSECURE_HTTP) return refused('plain http targets are not allowed (ALLOW_INSECURE_HTTP=false)');
    return this.client.post(this.requests.build(task.event, sub, at));
  }

  private recordsFor(task: DeliveryTask, url: string, startedAt: Date, result: HttpAttemptResult): OutgoingRecord[] {
    const delivered = result.error === null;
    const step = delivered ? null : nextStep(this.topics.retryTiers, task.attempt, task.last_attempt, result.retryAfterMs, new Date());
    const retry = step?.kind === 'retry' && result.statusCode !== REFUSED ? step : null;
    const attempt: AttemptRecord = {
      kind: 'attempt',
      version: 1,
      event_id: task.event.id,
      event_type: task.event.type,
      subscription_id: task.subscription_id,
      url,
      attempt: task.attempt,
      started_at: startedAt.toISOString(),
      duration_ms: result.durationMs,
      status_code: result.statusCode === REFUSED ? null : result.statusCode,
      error: result.error,
      outcome: delivered ? 'delivered' : 'failed',
      next_attempt_at: retry ? retry.dueAt.toISOString() : null,
    };
    this.observe(attempt, startedAt, task);
    const key = task.event.id;
    const records: OutgoingRecord[] = [{ topic: this.topics.attempts, key, value: encodeRecord(attempt) }];
    if (retry) {
      const next: DeliveryTask = { ...task, attempt: task.attempt + 1, due_at: retry.dueAt.toISOString() };
      records.push({ topic: retry.tier.topic, key, value: encodeRecord(next) });
    } else if (!delivered) {
      records.push({
        topic: this.topics.deadLetter,
        key,
        value: encodeRecord({
          kind: 'dead-letter',
          version: 1,
          event: task.event,
          subscription_id: task.subscription_id,
          attempts: task.attempt,
          last_status_code: attempt.status_code,
          last_error: result.error,
          at: new Date().toISOString(),
        }),
      });
    }
    return records;
  }

  private observe(a: AttemptRecord, startedAt: Date, task: DeliveryTask): void {
    this.metrics.attempts.inc({ outcome: a.outcome });
    this.metrics.attemptDuration.observe({ outcome: a.outcome }, a.duration_ms / 1000);
    const fields = {
      'event.id': a.event_id,
      'event.type': a.event_type,
      'event.outcome': a.outcome === 'delivered' ? 'success' : 'failure',
      'subscription.id': a.subscription_id,
      'url.full': a.url,
      attempt: a.attempt,
      'http.response.status_code': a.status_code ?? undefined,
      'event.duration': a.duration_ms * 1_000_000,
    };
    if (a.outcome === 'delivered') {
      this.metrics.publishToDelivered.observe((startedAt.getTime() + a.duration_ms - Date.parse(task.event.timestamp)) / 1000);
      this.logger.info(fields, 'delivery attempt succeeded');
    } else {
      this.logger.error({ ...fields, 'error.message': a.error, 'event.next_attempt_at': a.next_attempt_at ?? undefined }, 'delivery attempt failed');
    }
  }
}

/** Marks an attempt that was not made (no request sent): it fails at once and is not retried. */
const REFUSED = -1;

function refused(reason: string): HttpAttemptResult {
  return { statusCode: REFUSED, error: reason, durationMs: 0, retryAfterMs: null };
}
