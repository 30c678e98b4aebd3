import { ShmError } from './errors.js';
import { notifyOne, waitAsync, waitSync } from './wait.js';

const FREE = 0;
const LOCKED = 1;
const CONTENDED = 2; // locked, and someone may be parked on the word

/** Loads a contended locker spins before parking (see spinAcquire). */
const SPIN_LOADS = 200;

/**
 * Async lockers of THIS isolate parked on a futex word right now, by buffer and byte offset. A sync
 * `lock()` must not park on a word where one of them waits: `unlock` wakes one waiter, and V8 may
 * pick the async one, whose thread is the very thread blocked in the sync wait, so neither runs
 * until the sync wait times out (a lost wake-up). Such a `lock()` is refused as misuse instead.
 */
const asyncParked = new WeakMap<ArrayBufferLike, Map<number, number>>();

function parkedHere(i32: Int32Array, index: number, delta: number): number {
  let m = asyncParked.get(i32.buffer);
  if (m === undefined) {
    if (delta === 0) return 0;
    m = new Map();
    asyncParked.set(i32.buffer, m);
  }
  const at = i32.byteOffset + index * 4;
  const n = (m.get(at) ?? 0) + delta;
  if (delta !== 0) {
    if (n === 0) m.delete(at);
    else m.set(at, n);
  }
  return n;
}

/** Words a FutexMutex occupies: the futex word and the holder's id (advisory, for messages). */
export const FUTEX_WORDS = 2;

/** Contention figures of one lock, kept by whoever acquires it (in the caller's isolate). */
export interface LockStats {
  acquisitions: number;
  contended: number;
  waitMs: number;
}

export const newLockStats = (): LockStats => ({ acquisitions: 0, contended: 0, waitMs: 0 });

/**
 * Drepper's "mutex 3" on an Int32 word of a SharedArrayBuffer: 0 free, 1 locked, 2 locked with
 * possible waiters. The uncontended path is one compareExchange to lock and one exchange to unlock.
 *
 * Ordering: Atomics operations are sequentially consistent, so writes made inside the critical
 * section (plain or atomic) happen-before the unlocking exchange, which happens-before the next
 * locker's successful compareExchange/exchange that observes it.
 *
 * The sync `lock` blocks the whole thread: never call it while another async task of the same
 * isolate may hold this lock across an await (it would deadlock); use `lockAsync`, or put an
 * IsolateLock (async-mutex in front) around it.
 */
export class FutexMutex {
  constructor(
    private readonly i32: Int32Array,
    private readonly index: number,
    /** Id written to the holder word after acquiring, for diagnostics (e.g. worker id + 1). */
    private readonly holderId: number,
    readonly stats: LockStats = newLockStats(),
    /** Nobody waits forever: past this a lock attempt fails naming the holder. */
    readonly timeoutMs = 30_000,
  ) {
    if (index < 0 || index + FUTEX_WORDS > i32.length) {
      throw new ShmError('RT_LOCK_MISUSE', `futex index ${index} outside the buffer of ${i32.length} words`);
    }
  }

  tryLock(): boolean {
    if (Atomics.compareExchange(this.i32, this.index, FREE, LOCKED) !== FREE) return false;
    this.acquired(false, 0);
    return true;
  }

  lock(): void {
    if (this.tryLock() || this.spinAcquire()) return;
    if (parkedHere(this.i32, this.index, 0) > 0) {
      throw new ShmError(
        'RT_LOCK_MISUSE',
        'sync lock() while an async lockAsync() of this isolate is parked on the same futex (its wake-up could go to the parked async waiter, whose thread would be blocked here); use lockAsync or an IsolateLock',
      );
    }
    const t0 = performance.now();
    const deadline = t0 + this.timeoutMs;
    // Mark contended before sleeping so the holder's unlock knows to notify.
    let c = Atomics.exchange(this.i32, this.index, CONTENDED);
    while (c !== FREE) {
      const left = deadline - performance.now();
      if (left <= 0) throw this.timeoutError();
      waitSync(this.i32, this.index, CONTENDED, left);
      c = Atomics.exchange(this.i32, this.index, CONTENDED);
    }
    this.acquired(true, performance.now() - t0);
  }

  async lockAsync(): Promise<void> {
    if (this.tryLock() || this.spinAcquire()) return;
    const t0 = performance.now();
    const deadline = t0 + this.timeoutMs;
    let c = Atomics.exchange(this.i32, this.index, CONTENDED);
    while (c !== FREE) {
      const left = deadline - performance.now();
      if (left <= 0) throw this.timeoutError();
      parkedHere(this.i32, this.index, 1);
      try {
        await waitAsync(this.i32, this.index, CONTENDED, left);
      } finally {
        parkedHere(this.i32, this.index, -1);
      }
      c = Atomics.exchange(this.i32, this.index, CONTENDED);
    }
    this.acquired(true, performance.now() - t0);
  }

  /**
   * Adaptive phase: retry for a bounded number of loads before parking. A critical section of a
   * few hundred ns (the registry's insert) then changes hands in tens of ns instead of a futex
   * wait/notify round trip (about 25 µs one way here). Loads first, so spinners share the line
   * instead of bouncing it with failed compare-and-exchanges.
   */
  private spinAcquire(): boolean {
    for (let i = 0; i < SPIN_LOADS; i++) {
      if (Atomics.load(this.i32, this.index) === FREE && Atomics.compareExchange(this.i32, this.index, FREE, LOCKED) === FREE) {
        this.acquired(true, 0);
        return true;
      }
    }
    return false;
  }

  unlock(): void {
    Atomics.store(this.i32, this.index + 1, 0);
    const prev = Atomics.exchange(this.i32, this.index, FREE);
    if (prev === FREE) throw new ShmError('RT_LOCK_MISUSE', 'unlock of a futex mutex that was not locked');
    if (prev === CONTENDED) notifyOne(this.i32, this.index);
  }

  /** Holder id written by the current holder, 0 if free or not yet written. */
  holder(): number {
    return Atomics.load(this.i32, this.index + 1);
  }

  isLocked(): boolean {
    return Atomics.load(this.i32, this.index) !== FREE;
  }

  private acquired(contended: boolean, waitMs: number): void {
    Atomics.store(this.i32, this.index + 1, this.holderId);
    this.stats.acquisitions++;
    if (contended) {
      this.stats.contended++;
      this.stats.waitMs += waitMs;
    }
  }

  private timeoutError(): ShmError {
    return new ShmError(
      'RT_WAIT_TIMEOUT',
      `lock not acquired within ${this.timeoutMs} ms; held by holder id ${this.holder()} (a worker that died holding it, or a stuck creator)`,
    );
  }
}
