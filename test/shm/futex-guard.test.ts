/**
 * The lock's wait timeout is a deadlock guard, not a bound on waiting: a waiter behind holders that
 * keep taking and releasing the lock waits as long as it takes (NATS's js.mu, a Go sync.Mutex, has
 * no timeout), and only a lock that stops changing hands fails it. Deterministic: one thread, the
 * guard's clock stepped by the test, the waiter's parking observed on the futex word (no sleeps).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FUTEX_WORDS, FutexMutex } from '../../src/shm/futex-mutex.js';

const CONTENDED = 2;

/** Lets the event loop run until the waiter has parked on the word again (bounded). */
async function untilParked(i32: Int32Array): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    if (Atomics.load(i32, 0) === CONTENDED) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error('the waiter never parked again');
}

test('a waiter behind a lock that keeps changing hands waits past the timeout many times over, then gets it', async () => {
  const i32 = new Int32Array(new SharedArrayBuffer(FUTEX_WORDS * 4));
  let nowMs = 0;
  const holder = new FutexMutex(i32, 0, 42);
  const waiter = new FutexMutex(i32, 0, 7, undefined, 1_000, () => nowMs);
  assert.ok(holder.tryLock());
  let outcome: 'pending' | 'acquired' | Error = 'pending';
  const attempt = waiter.lockAsync().then(
    () => void (outcome = 'acquired'),
    (e: unknown) => void (outcome = e as Error),
  );
  await untilParked(i32);
  for (let handOver = 0; handOver < 12; handOver++) {
    nowMs += 900; // 10.8 s in all: over ten times the guard's 1 s
    holder.unlock(); // the word was CONTENDED: the waiter is woken...
    assert.ok(holder.tryLock(), '...but the holder barges back in before it runs');
    await untilParked(i32);
    assert.equal(outcome, 'pending', `hand-over ${handOver}: still waiting, not timed out`);
  }
  holder.unlock();
  await attempt;
  assert.equal(outcome, 'acquired');
  assert.equal(waiter.holder(), 7);
  waiter.unlock();
  assert.equal(waiter.holder(), 0, 'unlock clears the holder id');
});

test('the hand-over count survives unlock and wraps; holder ids outside 16 bits are refused', () => {
  const i32 = new Int32Array(new SharedArrayBuffer(FUTEX_WORDS * 4));
  const a = new FutexMutex(i32, 0, 0xffff);
  for (let k = 0; k < 0x8000 + 3; k++) {
    assert.ok(a.tryLock());
    assert.equal(a.holder(), 0xffff);
    a.unlock();
  }
  assert.equal(i32[1]! >>> 16, 3, 'the count wrapped at 15 bits and kept counting');
  assert.throws(() => new FutexMutex(i32, 0, 0x10000), /holder id/);
  assert.throws(() => new FutexMutex(i32, 0, 0), /holder id/);
});
