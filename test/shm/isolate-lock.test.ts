/**
 * IsolateLock's local queue (async-mutex's Semaphore of 1): the properties the isolate's tasks rely
 * on: mutual exclusion across awaits inside the section, FIFO order of the waiting tasks, a
 * hand-over nobody can slip into, an idempotent release, and a failed futex acquisition that gives
 * the local turn back. One thread, no timers: every wait is on a promise the test
 * settles.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FUTEX_WORDS, FutexMutex } from '../../src/shm/futex-mutex.js';
import { IsolateLock } from '../../src/shm/isolate-lock.js';

const newLock = (timeoutMs = 30_000, now?: () => number): { lock: IsolateLock; i32: Int32Array } => {
  const i32 = new Int32Array(new SharedArrayBuffer(FUTEX_WORDS * 4));
  return { lock: new IsolateLock(new FutexMutex(i32, 0, 1, undefined, timeoutMs, now)), i32 };
};

/** Lets every queued microtask (and the ones they queue) run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

test('tasks that await inside the section never overlap, and enter in the order they asked (FIFO)', async () => {
  const { lock } = newLock();
  const log: string[] = [];
  let inside = 0;
  const task = (name: string, awaits: number) =>
    lock.run(async () => {
      inside++;
      assert.equal(inside, 1, `${name} entered while another task was inside`);
      log.push(`${name} in`);
      for (let i = 0; i < awaits; i++) await Promise.resolve();
      log.push(`${name} out`);
      inside--;
      return name;
    });
  const results = await Promise.all([task('a', 5), task('b', 1), task('c', 3), task('d', 0)]);
  assert.deepEqual(results, ['a', 'b', 'c', 'd']);
  assert.deepEqual(log, ['a in', 'a out', 'b in', 'b out', 'c in', 'c out', 'd in', 'd out']);
});

test('a free lock is taken by the caller of acquire at once; a release hands the turn to the oldest waiter, before a newcomer', async () => {
  const { lock, i32 } = newLock();
  const releaseA = await lock.acquire();
  assert.notEqual(Atomics.load(i32, 0), 0, 'the futex word is held');
  const order: string[] = [];
  const b = lock.acquire().then((r) => (order.push('b'), r));
  const c = lock.acquire().then((r) => (order.push('c'), r));
  await settle();
  assert.equal(order.length, 0, 'nobody gets in while a holds it');
  releaseA();
  const d = lock.acquire().then((r) => (order.push('d'), r)); // asks after the hand-over to b
  const releaseB = await b;
  assert.deepEqual(order, ['b']);
  releaseB();
  releaseB(); // idempotent: must not release c's turn
  const releaseC = await c;
  await settle();
  assert.deepEqual(order, ['b', 'c'], 'the double release of b did not let d in beside c');
  releaseC();
  (await d)();
  assert.deepEqual(order, ['b', 'c', 'd']);
  assert.equal(Atomics.load(i32, 0), 0, 'free again');
  (await lock.acquire())(); // and takeable
});

test('a throw inside the section releases the lock and reaches the caller', async () => {
  const { lock, i32 } = newLock();
  await assert.rejects(
    lock.run(() => {
      throw new Error('inside');
    }),
    /inside/,
  );
  assert.equal(Atomics.load(i32, 0), 0);
  assert.equal(await lock.run(() => 7), 7);
});

test('a futex acquisition that fails (deadlock guard) gives the local turn to the next task', async () => {
  let nowMs = 0;
  const i32 = new Int32Array(new SharedArrayBuffer(FUTEX_WORDS * 4));
  const other = new FutexMutex(i32, 0, 9); // another worker holds js.mu and never lets go
  assert.ok(other.tryLock());
  const lock = new IsolateLock(new FutexMutex(i32, 0, 1, undefined, 1_000, () => nowMs));
  nowMs = 0;
  const first = lock.acquire();
  const second = lock.acquire();
  await settle();
  nowMs = 5_000; // past the guard, and the lock has not changed hands: the first attempt fails when it next wakes
  assert.equal(Atomics.notify(i32, 0, 1), 1, 'the first task was parked on the futex');
  await assert.rejects(first, /did not change hands/);
  other.unlock();
  const release = await second; // the second task got the local turn and then the futex
  assert.equal(new FutexMutex(i32, 0, 2).holder(), 1);
  release();
  assert.equal(Atomics.load(i32, 0), 0);
});
