import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inflight } from '../../src/create/inflight.js';
import { FutexMutex } from '../../src/shm/futex-mutex.js';
import { attachServerShm, createServerShmBuffers } from '../../src/shm/server-shm.js';

/**
 * inflight: the creator re-takes the server lock in `finally` to drop its marker. If that lock
 * attempt times out (an outsider holds js.mu), the marker must still go, and the build's own error
 * must not be hidden by the timeout; otherwise every later create of the name times out forever.
 */
for (const buildFails of [true, false]) {
  test(`inflight: a finally-lock timeout still removes the marker (build ${buildFails ? 'failed' : 'succeeded'})`, async () => {
    const buffers = createServerShmBuffers('S1', { capacity: 16 });
    const shm = attachServerShm(buffers, 0, 50);
    const outsider = new FutexMutex(new Int32Array(buffers.lock), 0, 99);
    const assigned: number[] = [];
    const first = inflight.create(shm, {
      group: 'g',
      build: async () => {
        outsider.lock(); // js.mu taken by someone else while the creator is outside the lock
        if (buildFails) throw new Error('disk full');
      },
      assign: (id) => assigned.push(id),
    });
    await assert.rejects(first, (e: unknown) => {
      const text = `${String(e)} ${e instanceof AggregateError ? e.errors.map(String).join(' ') : ''}`;
      assert.match(text, /RT_WAIT_TIMEOUT/);
      if (buildFails) assert.match(text, /disk full/, 'the build error is reported, not hidden by the lock timeout');
      return true;
    });
    outsider.unlock();
    assert.equal(shm.inflight.lookup('g').state, 'absent', 'the marker was removed');
    const second = await inflight.create(shm, { group: 'g', build: async () => undefined, assign: (id) => assigned.push(id) });
    assert.ok(second.instanceId > 0, 'a later create of the name goes through');
  });
}
