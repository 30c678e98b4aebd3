import type { Clock } from '../env/clock.js';

/** Ticks run back to back at most this many per timer callback; beyond that the loop skips ahead (counted as late). */
export const CATCH_UP_TICKS_MAX = 8;

/**
 * One timer per worker that runs `tick` at a steady rate of clock time, catching up after a slow
 * callback. Never a timer per node. Optional CPU pressure: after each tick, busy-spin `busyMs`.
 */
export class TickLoop {
  private timer: NodeJS.Timeout | null = null;
  private ticksDone = 0;
  private originMs = 0;
  /** Ticks skipped because the loop was too far behind (NATS time ran slower than configured). */
  lateTicks = 0;
  /**
   * True while the last callback found the loop more than CATCH_UP_TICKS_MAX ticks behind. The host
   * sheds incoming batches meanwhile, so a message storm cannot queue up in the ports until the heap
   * is exhausted.
   */
  overloaded = false;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly busyMs: number,
    private readonly tick: () => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.originMs = this.clock.nowMs();
    this.ticksDone = 0;
    this.timer = setInterval(() => this.onTimer(), Math.max(1, this.intervalMs));
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private onTimer(): void {
    const due = Math.floor((this.clock.nowMs() - this.originMs) / this.intervalMs);
    let behind = due - this.ticksDone;
    this.overloaded = behind > CATCH_UP_TICKS_MAX;
    if (this.overloaded) {
      this.lateTicks += behind - CATCH_UP_TICKS_MAX;
      this.ticksDone = due - CATCH_UP_TICKS_MAX;
      behind = CATCH_UP_TICKS_MAX;
    }
    for (let i = 0; i < behind; i++) {
      this.tick();
      this.ticksDone++;
      if (this.busyMs > 0) spin(this.clock, this.busyMs);
    }
  }
}

/** CPU pressure: keep this thread busy for `ms` of clock time. */
function spin(clock: Clock, ms: number): void {
  const end = clock.nowMs() + ms;
  while (clock.nowMs() < end) {
    // busy by design
  }
}
