import { Mutex } from 'async-mutex';
import type { FutexMutex } from './futex-mutex.js';

/**
 * The shared-memory lock as one isolate must use it: an async-mutex queues this isolate's own
 * async tasks first, and only its winner goes to the futex (async acquire). Two tasks of one
 * worker therefore never both park on the futex, and no task blocks the thread while a sibling
 * task holds the lock across an await — the self-deadlock described in node-platform.md.
 */
export class IsolateLock {
  private readonly local = new Mutex();

  constructor(readonly futex: FutexMutex) {}

  async acquire(): Promise<() => void> {
    const releaseLocal = await this.local.acquire();
    try {
      await this.futex.lockAsync();
    } catch (e) {
      releaseLocal();
      throw e;
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
