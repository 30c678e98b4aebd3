/** Time as the rest of raftrace sees it: monotonic milliseconds, and a way to wait. */
export interface Clock {
  nowMs(): number;
  sleepMs(ms: number): Promise<void>;
}

/** The real monotonic clock. */
export const realClock: Clock = {
  nowMs: () => performance.now(),
  sleepMs: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A simulated clock for single-thread tests: time only moves when `advanceMs` is called, and
 * sleepers wake in deadline order (ties in arrival order).
 */
export class SimClock implements Clock {
  private now = 0;
  private seq = 0;
  private sleepers: { at: number; seq: number; wake: () => void }[] = [];

  nowMs(): number {
    return this.now;
  }

  sleepMs(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.sleepers.push({ at: this.now + Math.max(0, ms), seq: this.seq++, wake: resolve });
      this.sleepers.sort((x, y) => x.at - y.at || x.seq - y.seq);
    });
  }

  advanceMs(ms: number): void {
    this.now += ms;
    while (this.sleepers.length > 0 && this.sleepers[0]!.at <= this.now) this.sleepers.shift()!.wake();
  }
}
