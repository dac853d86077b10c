interface Unit {
  first: number;
  last: number;
  done: boolean;
}

/**
 * Offsets of one partition that were handed to work, in order. Work may finish out of order; the
 * committable offset is the first one whose work is not finished, so a commit never skips unfinished work.
 */
export class PartitionProgress {
  private units: Unit[] = [];
  private highest = -1;

  /** Offsets at or below this were already taken by this consumer (seen again after a rebalance: skip). */
  seen(offset: number): boolean {
    return offset <= this.highest;
  }

  add(first: number, last: number): Unit {
    const unit = { first, last, done: false };
    this.units.push(unit);
    this.highest = Math.max(this.highest, last);
    return unit;
  }

  get inFlight(): number {
    return this.units.filter((u) => !u.done).length;
  }

  /** The next offset to commit, or null when nothing was taken yet. Drops finished units from the head. */
  committable(): number | null {
    while (this.units.length > 0 && this.units[0]!.done) {
      const head = this.units.shift()!;
      if (this.units.length === 0) return head.last + 1;
    }
    if (this.units.length > 0) return this.units[0]!.first;
    return this.highest >= 0 ? this.highest + 1 : null;
  }
}
