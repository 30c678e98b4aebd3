import type { Clock } from '../env/clock.js';

/**
 * A token bucket: `perSecond` tokens a second, at most `burstSeconds` worth (the burst, at least
 * 1) banked. Refilled lazily from the clock only when it runs dry, so the common path is one
 * decrement and no clock read (a tick at 100k nodes sends over ten thousand messages). The price: a
 * refill credits all the time since the last one, some of which the bucket may have spent full, so
 * the guarantee is grants ≤ 2 × burst + perSecond × w in any window of w seconds, not 1 × burst
 * (test/host/send-budget.test.ts); a sender keeping below the rate is never refused.
 */
export class SendBudget {
  private tokens: number;
  private readonly max: number;
  private refilledAtMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly perSecond: number,
    burstSeconds = 0.05,
  ) {
    this.max = Math.max(1, perSecond * burstSeconds);
    this.tokens = this.max;
    this.refilledAtMs = clock.nowMs();
  }

  /** Takes one token; false if none is left (the caller sheds). */
  take(): boolean {
    if (this.tokens < 1) {
      const now = this.clock.nowMs();
      this.tokens = Math.min(this.max, this.tokens + ((now - this.refilledAtMs) * this.perSecond) / 1000);
      this.refilledAtMs = now;
      if (this.tokens < 1) return false;
    }
    this.tokens--;
    return true;
  }
}
