interface Entry<T> {
  items: T[];
  resolve: () => void;
  reject: (e: Error) => void;
}

/**
 * Group commit: one `commit` runs at a time, and everything added while it runs goes into the next one.
 * Under load many callers share a commit; when idle an addition is committed on the next turn of the event
 * loop. Each caller's promise settles with the commit that carried its items; a failed commit fails its
 * callers and the next one goes ahead.
 */
export class GroupCommit<T> {
  private pending: Entry<T>[] = [];
  private draining = false;

  constructor(private readonly commit: (items: T[]) => Promise<void>) {}

  add(items: T[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ items, resolve, reject });
      if (this.draining) return;
      this.draining = true;
      setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.commit(batch.flatMap((e) => e.items));
        for (const e of batch) e.resolve();
      } catch (e) {
        for (const entry of batch) entry.reject(e as Error);
      }
    }
    this.draining = false;
  }
}
