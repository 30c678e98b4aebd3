import { ShmError } from './errors.js';
import { notifyAll, waitAsync } from './wait.js';

/**
 * Named Int32 counters in a SharedArrayBuffer, for cross-thread tallies (instances built, callers
 * parked, …). Counters, not flags: a counter cannot lose a wake-up, and waiters wait for a value.
 */
export class SharedCounters<K extends string> {
  readonly i32: Int32Array;
  private readonly index: Readonly<Record<K, number>>;

  constructor(
    readonly names: readonly K[],
    buffer?: SharedArrayBuffer,
  ) {
    const sab = buffer ?? new SharedArrayBuffer(names.length * 4);
    if (sab.byteLength !== names.length * 4) {
      throw new ShmError('RT_LAYOUT_MISMATCH', `counter buffer is ${sab.byteLength} bytes, expected ${names.length * 4} for ${names.length} counters`);
    }
    this.i32 = new Int32Array(sab);
    this.index = Object.fromEntries(names.map((n, i) => [n, i])) as Record<K, number>;
  }

  get buffer(): SharedArrayBuffer {
    return this.i32.buffer as SharedArrayBuffer;
  }

  get(k: K): number {
    return Atomics.load(this.i32, this.index[k]);
  }

  /** Sets counter `k` (e.g. to publish an id) and wakes its waiters. */
  set(k: K, v: number): void {
    Atomics.store(this.i32, this.index[k], v);
    notifyAll(this.i32, this.index[k]);
  }

  /** Adds `n` and wakes everyone waiting on this counter; returns the new value. */
  add(k: K, n = 1): number {
    const v = Atomics.add(this.i32, this.index[k], n) + n;
    notifyAll(this.i32, this.index[k]);
    return v;
  }

  /** Parks (event loop free) until counter `k` is at least `target`. */
  async waitAtLeast(k: K, target: number, timeoutMs: number): Promise<void> {
    const i = this.index[k];
    const deadline = performance.now() + timeoutMs;
    for (let v = Atomics.load(this.i32, i); v < target; v = Atomics.load(this.i32, i)) {
      const left = deadline - performance.now();
      if (left <= 0) throw this.timeout(k, v, target, timeoutMs);
      await waitAsync(this.i32, i, v, left);
    }
  }

  private timeout(k: K, v: number, target: number, ms: number): ShmError {
    return new ShmError('RT_WAIT_TIMEOUT', `counter ${k} stayed at ${v} < ${target} for ${ms} ms`);
  }
}
