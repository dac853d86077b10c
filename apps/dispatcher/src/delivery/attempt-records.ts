import { AttemptRecord, DeferralReason, deferredTo, DeliveryTask, KafkaRecord, nextAttemptOf, RecordWriter, RetryTier } from '@app/contracts';
import { AttemptOutcome, notSent, recordFieldsOf } from './attempt-outcome';
import { nextStep, tierCovering } from './retry-plan';

/** Everything one attempt writes: its attempt record, then its retry (tier topic) or its dead letter. */
export interface AttemptWrites {
  attempt: AttemptRecord;
  records: KafkaRecord[];
}

export interface Schedule {
  tiers: RetryTier[];
  jitter: number;
}

/**
 * What follows an attempt. A failed attempt goes to the tier of its next retry while the sequence allows
 * one; an attempt that could not be made (`not-sent`), or the last allowed one, ends the delivery `failed`
 * and leaves its final state on the dead-letter topic.
 */
export function attemptWrites(writer: RecordWriter, schedule: Schedule, task: DeliveryTask, url: string, startedAt: Date, outcome: AttemptOutcome, now: Date): AttemptWrites {
  const retryAfter = outcome.kind === 'failed-status' ? outcome.retryAfterMs : null;
  const step = outcome.kind === 'delivered' || outcome.kind === 'not-sent' ? null : nextStep(schedule.tiers, task.attempt, task.last_attempt, retryAfter, now, schedule.jitter);
  const retry = step?.kind === 'retry' ? step : null;
  const fields = recordFieldsOf(outcome);
  const attempt: AttemptRecord = {
    kind: 'attempt',
    version: 1,
    event_id: task.event.id,
    event_type: task.event.type,
    subscription_id: task.subscription_id,
    url,
    attempt: task.attempt,
    started_at: startedAt.toISOString(),
    ...fields,
    outcome: outcome.kind === 'delivered' ? 'delivered' : 'failed',
    next_attempt_at: retry ? retry.dueAt.toISOString() : null,
    tenant_id: task.event.tenant_id,
    latency_ms: task.attempt === 1 && task.accepted_at ? Math.max(0, startedAt.getTime() + fields.duration_ms - Date.parse(task.accepted_at)) : null,
  };
  const records = [writer.attempt(attempt)];
  if (retry) {
    records.push(writer.retry(retry.tier, nextAttemptOf(task, retry.dueAt)));
  } else if (outcome.kind !== 'delivered') {
    records.push(
      writer.deadLetter({
        kind: 'dead-letter',
        version: 1,
        event: task.event,
        subscription_id: task.subscription_id,
        attempts: task.attempt,
        last_status_code: fields.status_code,
        last_error: fields.error,
        at: now.toISOString(),
      }),
    );
  }
  return { attempt, records };
}

const DEFERRAL_TEXT: Record<DeferralReason, string> = {
  in_flight_cap: 'the endpoint had ENDPOINT_MAX_IN_FLIGHT deliveries in flight',
  circuit_open: "the endpoint's circuit was open",
  rate_limit: 'the endpoint was at its rate limit',
};

/**
 * A delivery put off without a request: it waits in the tier whose delay covers the wait (the largest tier for
 * longer waits) and keeps its attempt number. One that could
 * only go after its sequence's deadline ends `failed` instead, saying why.
 */
export function deferralWrites(writer: RecordWriter, schedule: Schedule, task: DeliveryTask, url: string, reason: DeferralReason, until: number, now: Date): { records: KafkaRecord[]; failed: AttemptWrites | null } {
  const largest = schedule.tiers[schedule.tiers.length - 1];
  const deadline = task.deadline_at ? Date.parse(task.deadline_at) : Number.POSITIVE_INFINITY;
  if (!largest || until > deadline) {
    const failed = attemptWrites(writer, schedule, { ...task, last_attempt: task.attempt }, url, now, notSent(`not sent within its retry schedule: ${DEFERRAL_TEXT[reason]}`), now);
    return { records: failed.records, failed };
  }
  // A rate-limit deferral keeps its reserved slot however far off it is (it goes without asking again when it
  // comes back); the others are asked again after at most the largest tier's delay.
  const due = new Date(reason === 'rate_limit' ? until : Math.min(until, now.getTime() + largest.delayMs));
  const tier = tierCovering(schedule.tiers, due.getTime() - now.getTime());
  const deferral = writer.deferral({
    kind: 'deferral',
    version: 1,
    event_id: task.event.id,
    event_type: task.event.type,
    subscription_id: task.subscription_id,
    url,
    attempt: task.attempt,
    reason,
    at: now.toISOString(),
    next_attempt_at: due.toISOString(),
    tenant_id: task.event.tenant_id,
  });
  return { records: [deferral, writer.retry(tier, deferredTo(task, due, reason))], failed: null };
}
