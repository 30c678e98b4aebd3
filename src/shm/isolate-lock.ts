import { Semaphore } from 'async-mutex';
import type { FutexMutex } from './futex-mutex.js';

/**
 * The shared-memory lock as one isolate must use it: async-mutex queues this isolate's own async
 * tasks first (DESIGN.md §5), and only the task whose turn it is goes to the futex. Two tasks of one
 * worker therefore never both park on the futex, and no task blocks the thread while a sibling task
 * holds the lock across an await — the self-deadlock described in node-platform.md.
 *
 * The local queue is async-mutex's `Semaphore` of 1 (what its `Mutex` wraps, FIFO at one priority),
 * called directly: `Mutex.acquire` adds a generator-based awaiter and one more promise around it,
 * which js.mu paid on every creation and the simulator millions of times (issue #11).
 *
 * Invariant: this isolate's tasks hold the futex one at a time, each only while holding the
 * semaphore; the releaser frees the futex before the semaphore, so the next local task never finds
 * the futex held by a sibling.
 */
export class IsolateLock {
  private readonly local = new Semaphore(1);

  constructor(readonly futex: FutexMutex) {}

  async acquire(): Promise<() => void> {
    const [, releaseLocal] = await this.local.acquire();
    // An uncontended futex is taken here, without lockAsync's promise (lockAsync tries the same first).
    if (!this.futex.tryLock()) {
      try {
        await this.futex.lockAsync();
      } catch (e) {
        releaseLocal();
        throw e;
      }
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.futex.unlock();
      releaseLocal();
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
}
