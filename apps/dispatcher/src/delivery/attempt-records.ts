import { AttemptRecord, DeliveryTask, KafkaRecord, nextAttemptOf, RecordWriter, RetryTier } from '@app/contracts';
import { AttemptOutcome, recordFieldsOf } from './attempt-outcome';
import { nextStep } from './retry-plan';

/** Everything one attempt writes: its attempt record, then its retry (tier topic) or its dead letter. */
export interface AttemptWrites {
  attempt: AttemptRecord;
  records: KafkaRecord[];
}

/**
 * What follows an attempt. A failed attempt goes to the tier of its next retry while the sequence allows
 * one; an attempt that could not be made (`not-sent`), or the last allowed one, ends the delivery `failed`
 * and leaves its final state on the dead-letter topic.
 */
export function attemptWrites(writer: RecordWriter, tiers: RetryTier[], task: DeliveryTask, url: string, startedAt: Date, outcome: AttemptOutcome, now: Date): AttemptWrites {
  const retryAfter = outcome.kind === 'failed-status' ? outcome.retryAfterMs : null;
  const step = outcome.kind === 'delivered' || outcome.kind === 'not-sent' ? null : nextStep(tiers, task.attempt, task.last_attempt, retryAfter, now);
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
