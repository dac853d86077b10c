/**
 * A per-endpoint rate limit as a schedule of reserved slots (generic cell rate): each delivery reserves
 * the next free slot, `1000 / perSecond` ms after the previous one. A delivery whose slot is now goes at
 * once; one whose slot is later is put off until exactly then, holding its slot, so deferred deliveries
 * come back spread at the limit instead of all at once.
 */
export class RateLimiter {
  private nextFree = 0;

  /** 0 when the delivery may go now; otherwise the time (epoch ms) of the slot reserved for it. */
  reserve(now: number, perSecond: number): number {
    const slot = Math.max(now, this.nextFree);
    this.nextFree = slot + 1000 / perSecond;
    return slot <= now ? 0 : slot;
  }
}
