import type { DeliveryTask } from '@app/contracts';
import { waitMs } from './due-gate';

/** A record of a tier partition, held in memory until due. `task` null: unreadable, passed over at its turn. */
export interface HeldRecord {
  offset: number;
  task: DeliveryTask | null;
  dueAt: string | null;
}

export interface HeldPartitionPorts {
  /** Sends due records on (resolves once they are durable). */
  forward: (records: HeldRecord[]) => Promise<void>;
  /** Commits the partition up to (not including) `nextOffset`. */
  commit: (nextOffset: number) => Promise<void>;
  /** Stop / restart fetching this partition (memory bound). */
  pause: () => void;
  resume: () => void;
  onError: (e: Error) => void;
}

/**
 * The records of one tier partition that were fetched and not yet forwarded, in offset order. A timer fires
 * at the head's due time (never before), every record then due goes on as one publish, and the offset after
 * them is committed. Fetching continues while the queue is short, so the records behind the head are in
 * memory before they fall due and a retry goes on time to the timer, not to the next poll. Past `maxHeld`
 * records the partition is paused until half have gone. Order is the partition's: a record waits behind an
 * earlier one with a later due time (a Retry-After longer than the tier's delay), never skips ahead.
 */
export class HeldPartition {
  private readonly items: HeldRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private forwarding = false;
  private paused = false;
  private closed = false;
  /** Next offset to hold: records below it were already taken (a refetch after a seek is ignored). */
  private nextOffset = -1;

  constructor(
    private readonly ports: HeldPartitionPorts,
    private readonly maxHeld: number,
  ) {}

  get size(): number {
    return this.items.length;
  }

  /** First offset not yet forwarded (null when nothing is held). */
  get firstHeld(): number | null {
    return this.items[0]?.offset ?? null;
  }

  add(records: HeldRecord[]): void {
    if (this.closed) return;
    for (const r of records) {
      if (r.offset < this.nextOffset) continue;
      this.items.push(r);
      this.nextOffset = r.offset + 1;
    }
    if (!this.paused && this.items.length >= this.maxHeld) {
      this.paused = true;
      this.ports.pause();
    }
    this.pump();
  }

  /** Drops everything held (the partition was revoked or the app stops); committed offsets bring it back. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.items.length = 0;
  }

  private pump(): void {
    if (this.forwarding || this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = Date.now();
    let due = 0;
    while (due < this.items.length && waitMs(this.items[due]!.dueAt ?? '', now) === 0) due++;
    if (due === 0) {
      const head = this.items[0];
      if (head) this.timer = setTimeout(() => this.pump(), waitMs(head.dueAt ?? '', now));
      return;
    }
    const batch = this.items.slice(0, due);
    this.forwarding = true;
    void this.ports
      .forward(batch.filter((r) => r.dueAt !== null))
      .then(async () => {
        if (this.closed) return;
        this.items.splice(0, batch.length);
        await this.ports.commit(batch[batch.length - 1]!.offset + 1).catch((e: Error) => this.ports.onError(e));
        if (this.paused && this.items.length <= this.maxHeld / 2) {
          this.paused = false;
          this.ports.resume();
        }
      })
      .catch((e: Error) => {
        // Not forwarded (Kafka unavailable): kept, and tried again shortly.
        this.ports.onError(e);
        return new Promise((r) => setTimeout(r, 500));
      })
      .finally(() => {
        this.forwarding = false;
        this.pump();
      });
  }
}
