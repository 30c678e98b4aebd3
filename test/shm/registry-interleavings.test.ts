import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SharedRegistry } from '../../src/shm/shared-registry.js';
import { namesWithHome } from '../fixtures/colliding-names.js';

/**
 * Forced interleavings of two callers on one table, run in one thread: caller A's operation is
 * paused at a named point (RegistryTestHooks) and caller B's steps run there, exactly once. Each
 * test names the bug that makes it fail.
 */

function twoCallers(capacity = 4) {
  const a = SharedRegistry.create({ capacity }, 0);
  const b = SharedRegistry.attach(a.buffer, 1);
  return { a, b };
}

/**
 * The #7 find() bug: A has compared K's key under the seqlock; B removes K and reserves K3, which
 * shares K's home slot and takes K's tombstone. A must not answer with K3's entry.
 */
const byNameOps = {
  lookup: (r: SharedRegistry, k: string) => r.lookup(k),
  reserve: (r: SharedRegistry, k: string) => r.reserve(k),
  unregisterByName: (r: SharedRegistry, k: string) => r.unregisterByName(k),
  register: (r: SharedRegistry, k: string) => r.register(k, r.allocateInstanceId()),
} as const;

for (const [op, run] of Object.entries(byNameOps)) for (const cached of [false, true]) {
  const path = cached ? ' (through the slot cache: A found K before)' : '';
  test(`find() re-keying: ${op}(K) paused before its STATE re-read never acts on the name that took K's slot${path}`, () => {
    const { a, b } = twoCallers();
    const [k, k3] = namesWithHome(4, 1, 2) as [string, string];
    const r = b.reserve(k);
    assert.equal(r.kind, 'won');
    b.publish(k, r.instanceId);
    if (cached) assert.deepEqual(a.lookup(k), { state: 'running', instanceId: r.instanceId });
    let id3 = 0;
    a.setTestHooks({
      beforeStateReread: () => {
        if (id3 !== 0) return;
        assert.ok(b.unregisterInstance(k, r.instanceId));
        const r3 = b.reserve(k3);
        assert.equal(r3.kind, 'won', 'K3 took the tombstone in its home slot');
        id3 = r3.instanceId;
      },
    });
    const got: unknown = run(a, k);
    a.setTestHooks(undefined);
    assert.notEqual(id3, 0, 'the pause point was reached');
    assert.ok(!JSON.stringify(got).includes(`:${id3}`) && got !== id3, `${op}(K) answered with K3's instance ${id3}: ${JSON.stringify(got)}`);
    assert.deepEqual(b.lookup(k3), { state: 'reserved', instanceId: id3 }, "K3's reservation is untouched");
  });
}

/**
 * Two creators of one new name: A's probe missed and A is about to take the insert lock when B
 * inserts the name (in a free slot of the chain, here a tombstone before A's). Under the lock A must
 * find B's key and give up its insert; without the duplicate check the name is live twice.
 */
for (const op of ['reserve', 'register'] as const) {
  test(`insert race: ${op} whose probe missed finds, under the insert lock, the name another caller inserted meanwhile`, () => {
    const { a, b } = twoCallers(8);
    const [k, other] = namesWithHome(8, 2, 2) as [string, string];
    // other in k's home slot, then removed: a tombstone at the head of k's chain.
    const o = b.reserve(other);
    assert.ok(o.kind === 'won' && b.cancelReservation(other, o.instanceId));
    let winner = 0;
    a.setTestHooks({
      beforeInsertLock: () => {
        if (winner !== 0) return;
        const r = b.reserve(k);
        assert.equal(r.kind, 'won');
        winner = r.instanceId;
      },
    });
    const got = op === 'reserve' ? a.reserve(k) : a.register(k, a.allocateInstanceId());
    a.setTestHooks(undefined);
    assert.notEqual(winner, 0, 'the pause point was reached');
    if (op === 'reserve') assert.deepEqual(got, { kind: 'reserved', instanceId: winner, slot: 2 });
    else assert.equal(got, winner, "register overwrote B's entry instead of inserting a second one");
    assert.equal(a.snapshot().filter((e) => e.name === k).length, 1, 'the name is live in one slot');
  });
}

test('waiter-count ordering: a waiter that registers after the publisher exchanged STATE, before it checks the count, still wakes', async () => {
  const { a, b } = twoCallers(8);
  const r = a.reserve('g');
  assert.equal(r.kind, 'won');
  const rb = b.reserve('g');
  assert.equal(rb.kind, 'reserved');
  if (rb.kind !== 'reserved') return;
  let waiting: Promise<void> | undefined;
  a.setTestHooks({
    betweenExchangeAndWaiterCheck: () => {
      waiting ??= b.awaitReservation(rb, 1000);
    },
  });
  a.publish('g', r.instanceId);
  assert.ok(waiting, 'the pause point was reached');
  await waiting;
  assert.equal(b.waitStats.timedOut, 0, 'the waiter was woken (or never parked), it did not sleep to its timeout');
  assert.deepEqual(b.lookup('g'), { state: 'running', instanceId: r.instanceId });
});

for (const end of ['publish', 'cancel'] as const) {
  test(`a waiter parked before the ${end} is notified, not left to its timeout`, async () => {
    const { a, b } = twoCallers(8);
    const r = a.reserve('g');
    const rb = b.reserve('g');
    assert.ok(r.kind === 'won' && rb.kind === 'reserved');
    const waiting = b.awaitReservation(rb, 1000);
    if (end === 'publish') a.publish('g', r.instanceId);
    else assert.ok(a.cancelReservation('g', r.instanceId));
    await waiting;
    assert.equal(b.waitStats.timedOut, 0);
  });
}

test('a waiter whose wait times out at the moment of a publish re-checks instead of throwing (async)', async () => {
  const { a, b } = twoCallers(8);
  const r = a.reserve('g');
  const rb = b.reserve('g');
  assert.ok(r.kind === 'won' && rb.kind === 'reserved');
  b.setTestHooks({ afterWait: (res) => res === 'timed-out' && a.publish('g', r.instanceId) });
  await b.awaitReservation(rb, 5);
  assert.deepEqual(b.lookup('g'), { state: 'running', instanceId: r.instanceId });
});

test('a waiter whose wait times out at the moment of a publish re-checks instead of throwing (sync)', () => {
  const { a, b } = twoCallers(8);
  const r = a.reserve('g');
  const rb = b.reserve('g');
  assert.ok(r.kind === 'won' && rb.kind === 'reserved');
  b.setTestHooks({ afterWait: (res) => res === 'timed-out' && a.publish('g', r.instanceId) });
  b.awaitReservationSync(rb, 5);
  assert.deepEqual(b.lookup('g'), { state: 'running', instanceId: r.instanceId });
});
