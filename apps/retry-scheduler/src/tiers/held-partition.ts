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
 * at the earliest due time (never before), found in a heap by due time, not by scanning what is held; every
 * record then due goes on as one publish — in due order, not offset order, so a record with a short wait (a
 * deferral, or a retry moved later by jitter ahead of it) never waits behind a later-due one — and the
 * partition is committed up to its first record not yet forwarded.
 * Fetching continues while the queue is short, so records are in memory before they fall due and a retry
 * goes on time to the timer, not to the next poll. Past `maxHeld` records the partition is paused until half
 * have gone. After a crash the new owner reads again from the commit: a record forwarded out of order
 * beyond it is forwarded twice (at-least-once).
 */
export class HeldPartition {
  /** What was taken, in offset order from `head`; entries forwarded out of order stay (marked gone) until the front passes them. */
  private items: Held[] = [];
  private head = 0;
  /** The entries not yet forwarded, earliest due first: the timer and the due set come from here, not a scan. */
  private readonly byDue = new DueHeap();
  private pending = 0;
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

  /** Records held and not yet forwarded. */
  get size(): number {
    return this.pending;
  }

  /** First offset not yet forwarded (null when nothing is held). */
  get firstHeld(): number | null {
    this.dropForwardedFront();
    return this.items[this.head]?.record.offset ?? null;
  }

  add(records: HeldRecord[]): void {
    if (this.closed) return;
    const now = Date.now();
    for (const record of records) {
      if (record.offset < this.nextOffset) continue;
      // The due time is read once here; an unreadable one is due at once, as waitMs says.
      const entry: Held = { record, dueMs: now + waitMs(record.dueAt ?? '', now), gone: false };
      this.items.push(entry);
      this.byDue.push(entry);
      this.pending += 1;
      this.nextOffset = record.offset + 1;
    }
    if (!this.paused && this.pending >= this.maxHeld) {
      this.paused = true;
      this.ports.pause();
    }
    this.pump();
  }

  /** Drops everything held (the partition was revoked or the app stops); committed offsets bring it back. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.items = [];
    this.head = 0;
    this.byDue.clear();
    this.pending = 0;
  }

  private pump(): void {
    if (this.forwarding || this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = Date.now();
    const due: Held[] = [];
    while (this.byDue.peek() && this.byDue.peek()!.dueMs <= now) due.push(this.byDue.pop()!);
    if (due.length === 0) {
      const next = this.byDue.peek();
      if (next) this.timer = setTimeout(() => this.pump(), next.dueMs - now);
      return;
    }
    this.forwarding = true;
    void this.ports
      .forward(due.filter((h) => h.record.dueAt !== null).map((h) => h.record))
      .then(async () => {
        if (this.closed) return;
        for (const h of due) h.gone = true;
        this.pending -= due.length;
        const lastGone = due[due.length - 1]!.record.offset;
        // Commit up to the first record still held (everything before it is forwarded), or past the last one.
        const next = this.firstHeld ?? Math.max(lastGone, this.nextOffset - 1) + 1;
        await this.ports.commit(next).catch((e: Error) => this.ports.onError(e));
        if (this.paused && this.pending <= this.maxHeld / 2) {
          this.paused = false;
          this.ports.resume();
        }
      })
      .catch((e: Error) => {
        // Not forwarded (Kafka unavailable): kept, and tried again shortly.
        for (const h of due) this.byDue.push(h);
        this.ports.onError(e);
        return new Promise((r) => setTimeout(r, 500));
      })
      .finally(() => {
        this.forwarding = false;
        this.pump();
      });
  }

  private dropForwardedFront(): void {
    while (this.head < this.items.length && this.items[this.head]!.gone) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

interface Held {
  record: HeldRecord;
  dueMs: number;
  gone: boolean;
}

/** A binary min-heap of held entries by due time, then offset (so records due together go in offset order). */
class DueHeap {
  private heap: Held[] = [];

  peek(): Held | undefined {
    return this.heap[0];
  }

  clear(): void {
    this.heap = [];
  }

  push(h: Held): void {
    const a = this.heap;
    a.push(h);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): Held | undefined {
    const a = this.heap;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && before(a[l]!, a[m]!)) m = l;
        if (r < a.length && before(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(x: Held, y: Held): boolean {
  return x.dueMs < y.dueMs || (x.dueMs === y.dueMs && x.record.offset < y.record.offset);
}
