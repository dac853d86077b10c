import { GroupCommit } from '@app/kafka';
import { emptyChanges, ProjectionChanges } from '@app/persistence';

/**
 * Group commit for the read model: one transaction at a time, and every batch that arrives while one runs
 * goes into the next. Under load many consumed batches share a transaction; when idle a batch is written at
 * once. Each caller's promise settles with the transaction that carried its changes.
 */
export class ProjectionWriter {
  private readonly transactions: GroupCommit<ProjectionChanges>;

  constructor(apply: (changes: ProjectionChanges) => Promise<void>) {
    this.transactions = new GroupCommit((batches) => apply(batches.reduce(merge, emptyChanges())));
  }

  write(changes: ProjectionChanges): Promise<void> {
    return this.transactions.add([changes]);
  }
}

function merge(into: ProjectionChanges, from: ProjectionChanges): ProjectionChanges {
  into.audit.push(...from.audit);
  into.subscriptions.push(...from.subscriptions);
  into.deletedSubscriptions.push(...from.deletedSubscriptions);
  into.events.push(...from.events);
  into.dispatches.push(...from.dispatches);
  into.attempts.push(...from.attempts);
  return into;
}
