import { ShmError } from './errors.js';
import { notifyOne, simulated, waitAsync, waitSync } from './wait.js';

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

/**
 * Words a FutexMutex occupies: the futex word, and the hand-over word: the holder's id in its low
 * 16 bits (advisory, for messages; 0 when free) and, above them, a 15-bit count of acquisitions that
 * waiters read as progress (see the wait loops).
 */
export const FUTEX_WORDS = 2;

const HOLDER_MASK = 0xffff;
const GEN_SHIFT = 16;
const GEN_MASK = 0x7fff;

/** Contention figures of one lock, kept by whoever acquires it (in the caller's isolate). */
export interface LockStats {
  acquisitions: number;
  contended: number;
  waitMs: number;
}

export const newLockStats = (): LockStats => ({ acquisitions: 0, contended: 0, waitMs: 0 });

/**
 * Drepper's "mutex 3" on Int32 words of a SharedArrayBuffer: 0 free, 1 locked, 2 locked with
 * possible waiters. The uncontended path is one compareExchange to lock and one exchange to unlock.
 * A FutexWords is the algorithm for every lock word of one buffer, each call naming its word (the
 * word and the hand-over word after it, FUTEX_WORDS in all): the registry keeps an insert lock in
 * every slot, and one object per slot would cost a heap object per name ever inserted.
 *
 * Ordering: Atomics operations are sequentially consistent, so writes made inside the critical
 * section (plain or atomic) happen-before the unlocking exchange, which happens-before the next
 * locker's successful compareExchange/exchange that observes it.
 *
 * The sync `lock` blocks the whole thread: never call it while another async task of the same
 * isolate may hold this lock across an await (it would deadlock); use `lockAsync`, or put an
 * IsolateLock (async-mutex in front) around it.
 */
export class FutexWords {
  constructor(
    private readonly i32: Int32Array,
    /** Id written to the holder word after acquiring, for diagnostics (e.g. worker id + 1). */
    private readonly holderId: number,
    readonly stats: LockStats = newLockStats(),
    /**
     * Deadlock guard, not a bound on waiting: a lock attempt fails (RT_WAIT_TIMEOUT, naming the
     * holder) once the lock has not changed hands for this long — a holder that died or is stuck.
     * Waiting behind holders that keep taking and releasing it is latency, however long it lasts:
     * NATS's js.mu (a Go sync.Mutex) has no timeout either.
     */
    readonly timeoutMs = 30_000,
    /** The guard's clock (ms); injected by tests to step time. */
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!Number.isInteger(holderId) || holderId < 1 || holderId > HOLDER_MASK) {
      throw new ShmError('RT_LOCK_MISUSE', `futex holder id must be an integer in [1, ${HOLDER_MASK}], got ${String(holderId)}`);
    }
  }

  tryLock(index: number): boolean {
    if (Atomics.compareExchange(this.i32, index, FREE, LOCKED) !== FREE) return false;
    this.acquired(index, false, 0);
    return true;
  }

  lock(index: number): void {
    if (this.tryLock(index) || this.spinAcquire(index)) return;
    if (parkedHere(this.i32, index, 0) > 0) {
      throw new ShmError(
        'RT_LOCK_MISUSE',
        'sync lock() while an async lockAsync() of this isolate is parked on the same futex (its wake-up could go to the parked async waiter, whose thread would be blocked here); use lockAsync or an IsolateLock',
      );
    }
    const t0 = performance.now();
    const guard = this.guard(index);
    // Mark contended before sleeping so the holder's unlock knows to notify.
    let c = Atomics.exchange(this.i32, index, CONTENDED);
    while (c !== FREE) {
      waitSync(this.i32, index, CONTENDED, guard.left());
      c = Atomics.exchange(this.i32, index, CONTENDED);
    }
    this.acquired(index, true, performance.now() - t0);
  }

  async lockAsync(index: number): Promise<void> {
    if (this.tryLock(index) || this.spinAcquire(index)) return;
    const t0 = performance.now();
    const guard = this.guard(index);
    let c = Atomics.exchange(this.i32, index, CONTENDED);
    while (c !== FREE) {
      const left = guard.left();
      parkedHere(this.i32, index, 1);
      try {
        await waitAsync(this.i32, index, CONTENDED, left);
      } finally {
        parkedHere(this.i32, index, -1);
      }
      c = Atomics.exchange(this.i32, index, CONTENDED);
    }
    this.acquired(index, true, performance.now() - t0);
  }

  /**
   * Adaptive phase: retry for a bounded number of loads before parking. A critical section of a
   * few hundred ns (the registry's insert) then changes hands in tens of ns instead of a futex
   * wait/notify round trip (about 25 µs one way here). Loads first, so spinners share the line
   * instead of bouncing it with failed compare-and-exchanges.
   */
  private spinAcquire(index: number): boolean {
    // Under simulation nobody else runs during the spin, so the word the failed tryLock saw stays
    // as it is and every load would fail: skipping the loop changes nothing but time.
    if (simulated()) return false;
    for (let i = 0; i < SPIN_LOADS; i++) {
      if (Atomics.load(this.i32, index) === FREE && Atomics.compareExchange(this.i32, index, FREE, LOCKED) === FREE) {
        this.acquired(index, true, 0);
        return true;
      }
    }
    return false;
  }

  unlock(index: number): void {
    // Only the holder writes the hand-over word: keep the acquisition count, clear the holder id.
    Atomics.store(this.i32, index + 1, Atomics.load(this.i32, index + 1) & ~HOLDER_MASK);
    const prev = Atomics.exchange(this.i32, index, FREE);
    if (prev === FREE) throw new ShmError('RT_LOCK_MISUSE', 'unlock of a futex mutex that was not locked');
    if (prev === CONTENDED) notifyOne(this.i32, index);
  }

  /** Holder id written by the current holder, 0 if free or not yet written. */
  holder(index: number): number {
    return Atomics.load(this.i32, index + 1) & HOLDER_MASK;
  }

  isLocked(index: number): boolean {
    return Atomics.load(this.i32, index) !== FREE;
  }

  /**
   * The deadlock guard of one lock attempt: `left()` is the ms the waiter may still sleep, and
   * throws RT_WAIT_TIMEOUT once the acquisition count has not moved for `timeoutMs`. Every
   * unlock that finds the word CONTENDED wakes one waiter, so a waiter sees every hand-over
   * soon after it happens, also when another thread retakes the lock before it runs.
   */
  private guard(index: number): { left(): number } {
    let seen = this.generation(index);
    let deadline = this.now() + this.timeoutMs;
    return {
      left: () => {
        const g = this.generation(index);
        if (g !== seen) {
          seen = g;
          deadline = this.now() + this.timeoutMs;
        }
        const left = deadline - this.now();
        if (left <= 0) throw this.timeoutError(index);
        return left;
      },
    };
  }

  private generation(index: number): number {
    return (Atomics.load(this.i32, index + 1) >>> GEN_SHIFT) & GEN_MASK;
  }

  private acquired(index: number, contended: boolean, waitMs: number): void {
    const gen = (this.generation(index) + 1) & GEN_MASK;
    Atomics.store(this.i32, index + 1, (gen << GEN_SHIFT) | this.holderId);
    this.stats.acquisitions++;
    if (contended) {
      this.stats.contended++;
      this.stats.waitMs += waitMs;
    }
  }

  private timeoutError(index: number): ShmError {
    return new ShmError(
      'RT_WAIT_TIMEOUT',
      `lock not acquired: it did not change hands for ${this.timeoutMs} ms; held by holder id ${this.holder(index)} (a worker that died holding it, or a stuck creator)`,
    );
  }
}

/** One futex mutex: FutexWords bound to the word at `index` (js.mu, tests, benches). */
export class FutexMutex {
  private readonly words: FutexWords;

  constructor(
    i32: Int32Array,
    private readonly index: number,
    holderId: number,
    stats: LockStats = newLockStats(),
    timeoutMs = 30_000,
    now: () => number = () => performance.now(),
  ) {
    if (index < 0 || index + FUTEX_WORDS > i32.length) {
      throw new ShmError('RT_LOCK_MISUSE', `futex index ${index} outside the buffer of ${i32.length} words`);
    }
    this.words = new FutexWords(i32, holderId, stats, timeoutMs, now);
  }

  get stats(): LockStats {
    return this.words.stats;
  }

  get timeoutMs(): number {
    return this.words.timeoutMs;
  }

  tryLock(): boolean {
    return this.words.tryLock(this.index);
  }

  lock(): void {
    this.words.lock(this.index);
  }

  lockAsync(): Promise<void> {
    return this.words.lockAsync(this.index);
  }

  unlock(): void {
    this.words.unlock(this.index);
  }

  holder(): number {
    return this.words.holder(this.index);
  }

  isLocked(): boolean {
    return this.words.isLocked(this.index);
  }
}
