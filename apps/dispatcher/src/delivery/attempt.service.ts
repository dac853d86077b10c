import { Inject, Injectable } from '@nestjs/common';
import type { HookstreamConfig } from '@app/config';
import { AttemptRecord, DeliveryTask, KafkaRecord, RecordWriter, SubscriptionRecord, Topics } from '@app/contracts';
import { DeliveryHttpClient } from '@app/delivery';
import { Publisher } from '@app/kafka';
import { DeliveryMetrics, Logger } from '@app/observability';
import { CONFIG, LOGGER, TOPICS } from '@app/platform';
import { SubscriptionIndex } from '@app/subscriptions';
import { EndpointsService } from '../endpoints/endpoints.service';
import { DELIVERY_CLIENT } from '../tokens';
import { AttemptOutcome, notSent, outcomeOf } from './attempt-outcome';
import { attemptWrites, deferralWrites, Schedule } from './attempt-records';
import { RequestBuilder } from './request-builder';

/** Attempts whose request was made but whose records are not on Kafka yet, at most this many kept. */
const MAX_UNRECORDED = 10_000;

/**
 * One delivery attempt as a pipeline: may the endpoint be called now (else defer) → prepare the request →
 * call the endpoint → record the attempt and what follows (a retry tier or the dead-letter topic). Resolves
 * once every record is on Kafka.
 *
 * A delivery is its own unit: when recording fails (Kafka unavailable) the records are kept, and the unit's
 * next run publishes them instead of calling the endpoint again. What cannot succeed by trying again (a
 * deleted or disabled subscription, a secret no configured key opens) ends the delivery `failed` at once.
 */
@Injectable()
export class AttemptService {
  private readonly unrecorded = new Map<string, KafkaRecord[]>();
  private readonly schedule: Schedule;

  constructor(
    @Inject(CONFIG) private readonly config: HookstreamConfig,
    @Inject(TOPICS) topics: Topics,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(DELIVERY_CLIENT) private readonly client: DeliveryHttpClient,
    private readonly publisher: Publisher,
    private readonly writer: RecordWriter,
    private readonly subscriptions: SubscriptionIndex,
    private readonly requests: RequestBuilder,
    private readonly metrics: DeliveryMetrics,
    private readonly endpoints: EndpointsService,
  ) {
    this.schedule = { tiers: topics.retryTiers, jitter: config.RETRY_JITTER };
  }

  async run(task: DeliveryTask): Promise<void> {
    const key = `${task.event.tenant_id ?? ''}\u0000${task.event.id}\u0000${task.subscription_id}\u0000${task.attempt}\u0000${task.due_at}`;
    const records = this.unrecorded.get(key) ?? (await this.decide(task));
    try {
      await this.publisher.publish(records);
      this.unrecorded.delete(key);
    } catch (e) {
      if (this.unrecorded.size >= MAX_UNRECORDED) this.unrecorded.delete(this.unrecorded.keys().next().value!);
      this.unrecorded.set(key, records);
      throw e;
    }
  }

  private async decide(task: DeliveryTask): Promise<KafkaRecord[]> {
    const sub = this.subscriptions.get(task.subscription_id);
    if (!sub || !sub.enabled) return this.finished(task, sub, new Date(), notSent(sub ? 'the subscription is disabled' : 'the subscription was deleted'));
    const entry = await this.endpoints.admit(sub, task.deferred_for === 'rate_limit');
    if (entry.kind === 'defer') {
      const deferral = deferralWrites(this.writer, this.schedule, task, sub.url, entry.reason, entry.until, new Date());
      if (deferral.failed) this.observe(deferral.failed.attempt, notSent(deferral.failed.attempt.error ?? ''), task);
      return deferral.records;
    }
    const startedAt = new Date();
    const outcome = await this.call(task, sub, startedAt);
    this.endpoints.finish(sub, entry, outcome);
    return this.finished(task, sub, startedAt, outcome);
  }

  private finished(task: DeliveryTask, sub: SubscriptionRecord | undefined, startedAt: Date, outcome: AttemptOutcome): KafkaRecord[] {
    const writes = attemptWrites(this.writer, this.schedule, task, sub?.url ?? '', startedAt, outcome, new Date());
    this.observe(writes.attempt, outcome, task);
    return writes.records;
  }

  private async call(task: DeliveryTask, sub: SubscriptionRecord, at: Date): Promise<AttemptOutcome> {
    if (sub.url.startsWith('http:') && !this.config.ALLOW_INSECURE_HTTP) return notSent('plain http targets are not allowed (ALLOW_INSECURE_HTTP=false)');
    const request = this.requests.tryBuild(task.event, sub, at);
    if (!request.ok) return notSent(request.reason);
    return outcomeOf(await this.client.post(request.value));
  }

  private observe(a: AttemptRecord, outcome: AttemptOutcome, task: DeliveryTask): void {
    this.metrics.attempts.inc({ outcome: a.outcome });
    this.metrics.attemptDuration.observe({ outcome: a.outcome }, a.duration_ms / 1000);
    const fields = {
      'event.id': a.event_id,
      'event.type': a.event_type,
      'event.outcome': a.outcome === 'delivered' ? 'success' : 'failure',
      'subscription.id': a.subscription_id,
      'tenant.id': a.tenant_id ?? undefined,
      'url.full': a.url,
      attempt: a.attempt,
      'http.response.status_code': a.status_code ?? undefined,
      'event.duration': a.duration_ms * 1_000_000,
    };
    if (a.outcome === 'delivered') {
      this.metrics.publishToDelivered.observe((Date.parse(a.started_at) + a.duration_ms - Date.parse(task.event.timestamp)) / 1000);
      this.logger.info(fields, 'delivery attempt succeeded');
    } else {
      const message = outcome.kind === 'not-sent' ? 'delivery not attempted; the delivery ends failed' : 'delivery attempt failed';
      this.logger.error({ ...fields, 'error.message': a.error, 'event.next_attempt_at': a.next_attempt_at ?? undefined }, message);
    }
  }
}
