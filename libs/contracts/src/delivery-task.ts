import type { WebhookEvent } from './event.schema';
import type { DeliveryTask } from './records.schema';

/**
 * The one constructor of a delivery task: attempt `attempt` of a sequence that may go on for `retryMax`
 * more attempts (a first delivery starts at 1; a manual retry or a recovery continues the numbering).
 */
export function deliveryTask(input: { event: WebhookEvent; subscriptionId: string; attempt: number; retryMax: number; dueAt: Date }): DeliveryTask {
  return {
    kind: 'delivery',
    version: 1,
    event: input.event,
    subscription_id: input.subscriptionId,
    attempt: input.attempt,
    last_attempt: input.attempt + input.retryMax,
    due_at: input.dueAt.toISOString(),
  };
}

/** The same delivery's next attempt, due at `dueAt`, within the same sequence. */
export function nextAttemptOf(task: DeliveryTask, dueAt: Date): DeliveryTask {
  return { ...task, attempt: task.attempt + 1, due_at: dueAt.toISOString() };
}
