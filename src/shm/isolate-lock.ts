import type { FutexMutex } from './futex-mutex.js';

/**
 * The shared-memory lock as one isolate must use it: a local FIFO queue orders this isolate's own
 * async tasks first, and only the task whose turn it is goes to the futex (async acquire). Two
 * tasks of one worker therefore never both park on the futex, and no task blocks the thread while
 * a sibling task holds the lock across an await — the self-deadlock described in node-platform.md.
 *
 * The local queue is the semantics of async-mutex's Mutex (a semaphore of 1, one priority), which
 * this class used before, kept here in a few lines: a free turn is taken synchronously by the
 * caller of `acquire`; a release hands the turn directly to the oldest waiting task (FIFO), which
 * keeps it (no other task can slip in between). The difference is cost only: no generator-based
 * awaiter, no [value, releaser] tuple and no queue-item object per acquisition (js.mu is taken on
 * every creation, and the simulator runs this code millions of times).
 *
 * Invariant: `held` is true while some task has the local turn (from taking it to releasing it,
 * including while it waits for the futex); `waiting` holds the other tasks, oldest first.
 */
export class IsolateLock {
  private held = false;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly futex: FutexMutex) {}

  async acquire(): Promise<() => void> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.held = true;
    // An uncontended futex is taken here, without lockAsync's promise (lockAsync tries the same first).
    if (!this.futex.tryLock()) {
      try {
        await this.futex.lockAsync();
      } catch (e) {
        this.releaseLocal();
        throw e;
      }
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.futex.unlock();
      this.releaseLocal();
    };
  }

  async run<T>(fn: () => Promise<T> | T): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Passes the local turn to the oldest waiting task (which then holds it), or frees it. */
  private releaseLocal(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }
}
