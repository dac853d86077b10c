import type { WebhookEvent } from './event.schema';
import type { DeferralReason, DeliveryTask } from './records.schema';

/**
 * The one constructor of a delivery task: attempt `attempt` of a sequence that may go on for `retryMax`
 * more attempts (a first delivery starts at 1; a manual retry or a recovery continues the numbering), and
 * that deferrals may not stretch past `spanMs` after it is due.
 */
export function deliveryTask(input: { event: WebhookEvent; subscriptionId: string; attempt: number; retryMax: number; dueAt: Date; spanMs: number; acceptedAt?: Date }): DeliveryTask {
  return {
    kind: 'delivery',
    version: 1,
    event: input.event,
    subscription_id: input.subscriptionId,
    attempt: input.attempt,
    last_attempt: input.attempt + input.retryMax,
    due_at: input.dueAt.toISOString(),
    deadline_at: new Date(input.dueAt.getTime() + input.spanMs).toISOString(),
    deferred_for: null,
    accepted_at: input.acceptedAt?.toISOString() ?? null,
  };
}

/** The same delivery's next attempt, due at `dueAt`, within the same sequence. */
export function nextAttemptOf(task: DeliveryTask, dueAt: Date): DeliveryTask {
  return { ...task, attempt: task.attempt + 1, due_at: dueAt.toISOString(), deferred_for: null };
}

/** The same attempt put off until `dueAt` (a deferral spends no attempt). */
export function deferredTo(task: DeliveryTask, dueAt: Date, reason: DeferralReason): DeliveryTask {
  return { ...task, due_at: dueAt.toISOString(), deferred_for: reason };
}
