import { emptyChanges, ProjectionChanges } from '@app/persistence';

interface Pending {
  changes: ProjectionChanges;
  waiters: Array<{ resolve: () => void; reject: (e: Error) => void }>;
}

/**
 * Group commit for the read model: one transaction at a time, and every batch that arrives while one runs
 * goes into the next. Under load many consumed batches share a transaction; when idle a batch is written at
 * once. Each caller's promise settles with the transaction that carried its changes.
 */
export class ProjectionWriter {
  private pending: Pending | null = null;
  private writing = false;

  constructor(private readonly apply: (changes: ProjectionChanges) => Promise<void>) {}

  write(changes: ProjectionChanges): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending ??= { changes: emptyChanges(), waiters: [] };
      merge(this.pending.changes, changes);
      this.pending.waiters.push({ resolve, reject });
      if (!this.writing) setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    while (this.pending) {
      const batch = this.pending;
      this.pending = null;
      try {
        await this.apply(batch.changes);
        for (const w of batch.waiters) w.resolve();
      } catch (e) {
        for (const w of batch.waiters) w.reject(e as Error);
      }
    }
    this.writing = false;
  }
}

function merge(into: ProjectionChanges, from: ProjectionChanges): void {
  into.audit.push(...from.audit);
  into.subscriptions.push(...from.subscriptions);
  into.deletedSubscriptions.push(...from.deletedSubscriptions);
  into.events.push(...from.events);
  into.dispatches.push(...from.dispatches);
  into.attempts.push(...from.attempts);
}
