/**
 * A FIFO counting semaphore per worker: at most `perWorker` creation requests of the main thread
 * are in flight to one worker at once; the rest wait here, O(1) each.
 *
 * Why: piscina keeps tasks a worker cannot take yet in its own queue and re-scans it as tasks end;
 * 512 groups × 3 servers × 64 callers issued at once (98k tasks) kept the main thread at 100% CPU,
 * deaf to Ctrl-C. Waiting here instead keeps piscina's queue short. It cannot deadlock: a creator
 * that parks in a worker (lock, reservation, in-flight marker) waits for one that is already
 * running in a worker, never for one still waiting here.
 */
export class CallLimiter {
  private readonly active: number[];
  private readonly waiting: (() => void)[][];
  private readonly heads: number[];

  constructor(
    workers: number,
    readonly perWorker: number,
  ) {
    if (!Number.isInteger(perWorker) || perWorker < 1) throw new RangeError(`perWorker must be a positive integer, got ${perWorker}`);
    this.active = Array.from({ length: workers }, () => 0);
    this.waiting = Array.from({ length: workers }, () => []);
    this.heads = Array.from({ length: workers }, () => 0);
  }

  /** Runs `f` once fewer than `perWorker` calls to `worker` are in flight. */
  async run<T>(worker: number, f: () => Promise<T>): Promise<T> {
    if (this.active[worker]! >= this.perWorker) await new Promise<void>((resolve) => this.waiting[worker]!.push(resolve));
    else this.active[worker]!++;
    try {
      return await f();
    } finally {
      this.release(worker);
    }
  }

  /** Hands the slot to the next waiter (the count stays), or frees it. */
  private release(worker: number): void {
    const q = this.waiting[worker]!;
    const h = this.heads[worker]!;
    if (h < q.length) {
      const next = q[h]!;
      q[h] = undefined as unknown as () => void;
      this.heads[worker] = h + 1;
      if (h + 1 === q.length) {
        q.length = 0;
        this.heads[worker] = 0;
      } else if (h + 1 >= 1024 && h + 1 > q.length / 2) {
        q.splice(0, h + 1); // amortised O(1): drop the served prefix once it is most of the array
        this.heads[worker] = 0;
      }
      next();
    } else {
      this.active[worker]!--;
    }
  }
}
