/**
 * Event ids already accepted, per partition of the events topic (same id → same partition, so one
 * dispatcher decides). Entries expire after the idempotency window; the total is capped so memory stays
 * bounded (past the cap the oldest ids are forgotten first, shortening the window rather than growing).
 */
export class IdempotencyStore {
  private readonly partitions = new Map<number, Map<string, number>>();
  private size = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  /** True when `id` was accepted within the window; otherwise records it as accepted at `at` and returns false. */
  checkAndRemember(partition: number, id: string, at: number): boolean {
    const ids = this.partition(partition);
    const seen = ids.get(id);
    if (seen !== undefined && at - seen < this.windowMs) return true;
    this.remember(partition, id, at);
    return false;
  }

  remember(partition: number, id: string, at: number): void {
    const ids = this.partition(partition);
    if (ids.has(id)) ids.delete(id);
    else this.size++;
    ids.set(id, at);
    this.expire(ids, at);
    if (this.size > this.maxKeys) this.evictOldest();
  }

  /** Drops one id (its handling failed and will run again), or all a partition's ids (it moved elsewhere). */
  forget(partition: number, id?: string): void {
    const ids = this.partitions.get(partition);
    if (!ids) return;
    if (id === undefined) {
      this.size -= ids.size;
      this.partitions.delete(partition);
    } else if (ids.delete(id)) {
      this.size--;
    }
  }

  get count(): number {
    return this.size;
  }

  private partition(p: number): Map<string, number> {
    let ids = this.partitions.get(p);
    if (!ids) this.partitions.set(p, (ids = new Map<string, number>()));
    return ids;
  }

  /** Map order is insertion order, so expired ids sit at the head. */
  private expire(ids: Map<string, number>, now: number): void {
    for (const [id, at] of ids) {
      if (now - at < this.windowMs) break;
      ids.delete(id);
      this.size--;
    }
  }

  private evictOldest(): void {
    let oldest: { ids: Map<string, number>; id: string; at: number } | null = null;
    for (const ids of this.partitions.values()) {
      const head = ids.entries().next();
      if (!head.done && (!oldest || head.value[1] < oldest.at)) oldest = { ids, id: head.value[0], at: head.value[1] };
    }
    if (oldest) {
      oldest.ids.delete(oldest.id);
      this.size--;
    }
  }
}

/** The idempotency store's key of an event: its id within its tenant. */
export function idempotencyKeyOf(tenantId: string | null, id: string): string {
  return tenantId === null ? id : `${tenantId}\u0000${id}`;
}
