import { GroupCommit } from '@app/kafka';
import { emptyChanges, mergeChanges, ProjectionChanges } from '@app/persistence';

/**
 * Group commit for the read model: one transaction at a time, and every batch that arrives while one runs
 * goes into the next. Under load many consumed batches share a transaction; when idle a batch is written at
 * once. Each caller's promise settles with the transaction that carried its changes.
 */
export class ProjectionWriter {
  private readonly transactions: GroupCommit<ProjectionChanges>;

  constructor(apply: (changes: ProjectionChanges) => Promise<void>) {
    this.transactions = new GroupCommit((batches) => apply(batches.reduce(mergeChanges, emptyChanges())));
  }

  write(changes: ProjectionChanges): Promise<void> {
    return this.transactions.add([changes]);
  }
}
