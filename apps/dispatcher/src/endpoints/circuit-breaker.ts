export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitSettings {
  /** Consecutive failed attempts that open the circuit. */
  threshold: number;
  /** First cool-down; it doubles each time a probe fails, up to `cooldownMaxMs`. */
  cooldownMs: number;
  cooldownMaxMs: number;
}

/** What an attempt said about its endpoint: `neutral` counts neither way (408, 429: "slow down"). */
export type Verdict = 'success' | 'failure' | 'neutral';

/**
 * One endpoint's circuit. Closed: everything goes. After `threshold` consecutive failures it opens: nothing
 * goes until the cool-down ends; then it is half-open and lets exactly one probe through. A success (the
 * probe's, or of any attempt still in flight) closes it; a failed probe opens it again for twice as long.
 */
export class CircuitBreaker {
  state: CircuitState = 'closed';
  failureStreak = 0;
  openUntil = 0;
  private cooldown: number;
  private probing = false;

  constructor(private readonly settings: CircuitSettings) {
    this.cooldown = settings.cooldownMs;
  }

  /** When the circuit lets the next delivery through (now, or later), without taking the probe. */
  nextAdmission(now: number): number {
    if (this.state === 'open') return Math.max(now, this.openUntil);
    if (this.state === 'half_open' && this.probing) return now + this.settings.cooldownMs;
    return now;
  }

  /** Lets a delivery through when the circuit allows it now; in half-open it becomes the probe. */
  admit(now: number): { ok: true; probe: boolean } | { ok: false; until: number } {
    const at = this.nextAdmission(now);
    if (at > now) return { ok: false, until: at };
    if (this.state === 'closed') return { ok: true, probe: false };
    this.state = 'half_open';
    this.probing = true;
    return { ok: true, probe: true };
  }

  /** Folds in an attempt's verdict; says whether the circuit opened or closed with it. */
  record(verdict: Verdict, probe: boolean, now: number): 'opened' | 'closed' | null {
    if (probe) this.probing = false;
    if (verdict === 'neutral') return null;
    if (verdict === 'success') {
      this.failureStreak = 0;
      this.cooldown = this.settings.cooldownMs;
      if (this.state === 'closed') return null;
      this.state = 'closed';
      return 'closed';
    }
    this.failureStreak++;
    if (probe) {
      this.cooldown = Math.min(this.cooldown * 2, this.settings.cooldownMaxMs);
      return this.open(now);
    }
    if (this.state === 'closed' && this.failureStreak >= this.settings.threshold) return this.open(now);
    return null;
  }

  private open(now: number): 'opened' {
    this.state = 'open';
    this.openUntil = now + this.cooldown;
    return 'opened';
  }
}
