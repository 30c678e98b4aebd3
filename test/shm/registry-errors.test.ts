import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShmError, type ShmErrorCode } from '../../src/shm/errors.js';
import { SharedRegistry } from '../../src/shm/shared-registry.js';

const is = (code: ShmErrorCode, re: RegExp) => (e: unknown) => e instanceof ShmError && e.code === code && re.test(e.message);

test('bad names are named errors', () => {
  const reg = SharedRegistry.create({ capacity: 8, nameBytesMax: 16 });
  assert.throws(() => reg.lookup(''), is('RT_NAME_INVALID', /must not be empty/));
  assert.throws(() => reg.reserve('x'.repeat(17)), is('RT_NAME_INVALID', /17 UTF-8 bytes; the limit is 16/));
  assert.throws(() => reg.register('é'.repeat(9), 1), is('RT_NAME_INVALID', /18 UTF-8 bytes/));
  assert.throws(() => reg.lookup('a/b'), is('RT_NAME_INVALID', /'\/'/));
  assert.throws(() => reg.lookup('..'), is('RT_NAME_INVALID', /'\.\.'/));
  assert.throws(() => reg.lookup('a\u0000b'), is('RT_NAME_INVALID', /control character/));
  assert.throws(() => reg.lookup(42 as unknown as string), is('RT_NAME_INVALID', /must be a string, got number/));
  assert.equal(reg.lookup('x'.repeat(16)).state, 'absent');
});

test('capacity 0, non powers of two and absurd capacities are refused', () => {
  for (const capacity of [0, 1, 3, 1000, 2 ** 23, -8, 1.5, Number.NaN]) {
    assert.throws(() => SharedRegistry.create({ capacity }), is('RT_CAPACITY_INVALID', /capacity must be a power of two in \[2, 4194304\]/));
  }
  assert.throws(() => SharedRegistry.create({ capacity: 8, nameBytesMax: 0 }), is('RT_CAPACITY_INVALID', /nameBytesMax/));
  assert.throws(() => SharedRegistry.create({ capacity: 8, nameBytesMax: 5000 }), is('RT_CAPACITY_INVALID', /nameBytesMax/));
});

test('attaching a wrong buffer is refused with the reason', () => {
  const good = SharedRegistry.create({ capacity: 8 });
  assert.throws(() => SharedRegistry.attach(new ArrayBuffer(1024)), is('RT_LAYOUT_MISMATCH', /must be a SharedArrayBuffer, got ArrayBuffer/));
  assert.throws(() => SharedRegistry.attach(undefined), is('RT_LAYOUT_MISMATCH', /got undefined/));
  assert.throws(() => SharedRegistry.attach(new SharedArrayBuffer(8)), is('RT_LAYOUT_MISMATCH', /smaller than its 192-byte header/));
  assert.throws(() => SharedRegistry.attach(new SharedArrayBuffer(good.buffer.byteLength)), is('RT_LAYOUT_MISMATCH', /no raftrace registry magic/));

  const wrongVersion = new SharedArrayBuffer(good.buffer.byteLength);
  new Uint8Array(wrongVersion).set(new Uint8Array(good.buffer));
  new Int32Array(wrongVersion)[1] = 99;
  assert.throws(() => SharedRegistry.attach(wrongVersion), is('RT_LAYOUT_MISMATCH', /layout version 99, this build reads 6/));

  const wrongSize = new SharedArrayBuffer(good.buffer.byteLength + 4);
  new Uint8Array(wrongSize).set(new Uint8Array(good.buffer));
  assert.throws(() => SharedRegistry.attach(wrongSize), is('RT_LAYOUT_MISMATCH', /its header implies/));
  assert.equal(SharedRegistry.attach(good.buffer).capacity, 8);
});

test('misuse of the atomic family is a named error', () => {
  const reg = SharedRegistry.create({ capacity: 8 });
  assert.throws(() => reg.publish('g', 5), is('RT_LOCK_MISUSE', /not reserved by that instance/));
  const r = reg.reserve('g');
  assert.equal(r.kind, 'won');
  assert.throws(() => reg.publish('g', r.instanceId + 1), is('RT_LOCK_MISUSE', /not reserved/));
  assert.throws(() => reg.unregisterInstance('g', 0), is('RT_LOCK_MISUSE', /instanceId must be an integer/));
  reg.publish('g', r.instanceId);
  assert.throws(() => reg.publish('g', r.instanceId), is('RT_LOCK_MISUSE', /not reserved/));
});

test('a reservation that is never published times out naming the reserving worker', async () => {
  const owner = SharedRegistry.create({ capacity: 8 }, 7);
  const other = SharedRegistry.attach(owner.buffer, 3);
  assert.equal(owner.reserve('g').kind, 'won');
  const r = other.reserve('g');
  assert.equal(r.kind, 'reserved');
  if (r.kind !== 'reserved') return;
  await assert.rejects(other.awaitReservation(r, 20), is('RT_WAIT_TIMEOUT', /reserved by worker 7/));
  assert.throws(() => other.awaitReservationSync(r, 20), is('RT_WAIT_TIMEOUT', /reserved by worker 7/));
});
