import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FUTEX_WORDS, FutexMutex } from '../../src/shm/futex-mutex.js';
import { ShmError } from '../../src/shm/errors.js';
import type { FutexPlan } from '../fixtures/futex-driver.js';
import { runWorkers } from '../fixtures/threads.js';

for (const [mode, increments] of [['sync', 200_000], ['async', 20_000], ['isolate', 3_000]] as const) {
  test(`futex mutex (${mode}) keeps 4 threads' read-modify-writes exact`, async () => {
    const lock = new SharedArrayBuffer(FUTEX_WORDS * 4);
    const data = new SharedArrayBuffer(8);
    const plans: FutexPlan[] = Array.from({ length: 4 }, (_, workerId) => ({ lock, data, workerId, increments, mode }));
    await runWorkers('futex-worker', plans);
    assert.equal(new Float64Array(data)[0], 4 * increments);
    assert.equal(new Int32Array(lock)[0], 0, 'the lock is free at the end');
  });
}

test('a lock held by a dead or stuck holder fails with a timeout that names it, never hangs', async () => {
  const sab = new SharedArrayBuffer(FUTEX_WORDS * 4);
  const holder = new FutexMutex(new Int32Array(sab), 0, 42);
  const waiter = new FutexMutex(new Int32Array(sab), 0, 7, undefined, 30);
  holder.lock();
  assert.equal(waiter.tryLock(), false);
  assert.throws(() => waiter.lock(), (e: unknown) => e instanceof ShmError && e.code === 'RT_WAIT_TIMEOUT' && /holder id 42/.test(e.message));
  await assert.rejects(waiter.lockAsync(), (e: unknown) => e instanceof ShmError && e.code === 'RT_WAIT_TIMEOUT');
  holder.unlock();
  await waiter.lockAsync();
  assert.throws(() => {
    waiter.unlock();
    waiter.unlock();
  }, (e: unknown) => e instanceof ShmError && e.code === 'RT_LOCK_MISUSE');
});
