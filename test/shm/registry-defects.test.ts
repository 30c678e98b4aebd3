import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShmError, type ShmErrorCode } from '../../src/shm/errors.js';
import { FUTEX_WORDS, FutexMutex } from '../../src/shm/futex-mutex.js';
import { INSTANCE_ID_MAX } from '../../src/shm/registry-layout.js';
import { newIdSource, SharedRegistry } from '../../src/shm/shared-registry.js';
import { churnDistinctNames } from '../fixtures/registry-churn.js';

const is = (code: ShmErrorCode, re: RegExp) => (e: unknown) => e instanceof ShmError && e.code === code && re.test(e.message);

test('tombstones never saturate the table: distinct-name churn at 50% live load keeps occupancy bounded', () => {
  const capacity = 256;
  const reg = SharedRegistry.create({ capacity });
  const usedMax = churnDistinctNames(reg, { names: 100_000, live: capacity / 2, sampleEvery: 500 });
  // Saturation (the defect): every slot non-EMPTY, every miss and every insert scans the whole table.
  // Tombstones that a live key's probe chain crosses must stay, so the bound is not live + slack;
  // the miss cost this leaves is benchmarked (bench/micro/tombstone-churn.ts).
  assert.ok(usedMax <= (capacity * 7) / 8, `used peaked at ${usedMax} of ${capacity} slots with ${capacity / 2} live`);
  assert.equal(reg.stats().live, capacity / 2);
});

test('FutexMutex: a sync lock() while an async lockAsync() of the same isolate is parked on the word is refused, not a lost wake-up', async () => {
  const i32 = new Int32Array(new SharedArrayBuffer(FUTEX_WORDS * 4));
  const holder = new FutexMutex(i32, 0, 1);
  const asyncWaiter = new FutexMutex(i32, 0, 2, undefined, 5_000);
  const syncWaiter = new FutexMutex(i32, 0, 3, undefined, 200);
  holder.lock();
  const parked = asyncWaiter.lockAsync();
  assert.throws(() => syncWaiter.lock(), is('RT_LOCK_MISUSE', /async lockAsync\(\) of this isolate is parked/));
  holder.unlock();
  await parked;
  asyncWaiter.unlock();
  // Once nothing of this isolate is parked, the sync lock works again.
  syncWaiter.lock();
  syncWaiter.unlock();
});

test('instance ids: attach must name the id source the table was created with', () => {
  const ids = newIdSource();
  const reg = SharedRegistry.create({ capacity: 8 }, 0, ids);
  assert.throws(() => SharedRegistry.attach(reg.buffer, 1), is('RT_LAYOUT_MISMATCH', /id source/));
  assert.throws(() => SharedRegistry.attach(reg.buffer, 1, newIdSource()), is('RT_LAYOUT_MISMATCH', /id source/));
  const own = SharedRegistry.create({ capacity: 8 });
  assert.throws(() => SharedRegistry.attach(own.buffer, 1, ids), is('RT_LAYOUT_MISMATCH', /id source/));
  assert.equal(SharedRegistry.attach(reg.buffer, 1, ids).capacity, 8);
  assert.equal(SharedRegistry.attach(own.buffer, 1).capacity, 8);
});

test('instance ids: register refuses an id its id source never handed out', () => {
  const reg = SharedRegistry.create({ capacity: 8 });
  const id = reg.allocateInstanceId();
  assert.equal(reg.register('a', id), 0);
  assert.throws(() => reg.register('b', 1_000_000), is('RT_LOCK_MISUSE', /never handed out/));
});

test('instance ids: an exhausted id source stays exhausted (the allocator cannot wrap)', () => {
  const ids = newIdSource();
  new Int32Array(ids)[0] = INSTANCE_ID_MAX - 1;
  const reg = SharedRegistry.create({ capacity: 8 }, 0, ids);
  assert.equal(reg.allocateInstanceId(), INSTANCE_ID_MAX - 1);
  assert.equal(reg.allocateInstanceId(), INSTANCE_ID_MAX);
  assert.throws(() => reg.allocateInstanceId(), is('RT_INSTANCE_IDS_EXHAUSTED', /exhausted/));
  for (let i = 0; i < 2000; i++) {
    const other = SharedRegistry.attach(reg.buffer, i, ids);
    assert.throws(() => other.allocateInstanceId(), is('RT_INSTANCE_IDS_EXHAUSTED', /exhausted/));
  }
  assert.equal(reg.stats().nextInstanceId, INSTANCE_ID_MAX + 1, 'the counter saturates instead of running on toward a wrap');
});

test('names with lone surrogates are refused, so they cannot alias each other or U+FFFD', () => {
  const reg = SharedRegistry.create({ capacity: 8 });
  reg.register('g\uFFFD', reg.allocateInstanceId());
  for (const bad of ['g\uD800', 'g\uDC00', '\uDBFFx', 'a\uDC00\uD800']) {
    assert.throws(() => reg.lookup(bad), is('RT_NAME_INVALID', /lone surrogate/));
  }
  assert.equal(reg.lookup('g\u{1F600}').state, 'absent', 'a well-formed pair is a name like any other');
});

test('capacity × name length past the buffer limit is the registry typed error, not a RangeError', () => {
  assert.throws(() => SharedRegistry.create({ capacity: 2 ** 22, nameBytesMax: 1024 }), is('RT_CAPACITY_INVALID', /bytes.*limit/));
});
