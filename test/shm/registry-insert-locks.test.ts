import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ShmError } from '../../src/shm/errors.js';
import { H_SWEEP_AT } from '../../src/shm/registry-layout.js';
import { SharedRegistry } from '../../src/shm/shared-registry.js';
import { namesWithHome } from '../fixtures/colliding-names.js';

/**
 * Forced interleavings of the insert path under home-slot locks (issue #7 scaling), in one thread:
 * caller A is paused under its home slot's insert lock just before its claiming compareExchange
 * (RegistryTestHooks beforeClaim) and other callers run there. Each of the 32 home slots has its own lock.
 * A caller that needs a lock A holds cannot wait for A in one thread: it is given a 50 ms deadlock
 * guard (insertLockTimeoutMs) and its RT_WAIT_TIMEOUT is the expected, certain outcome — proof that
 * it was shut out — not a timing assumption.
 */
const CAP = 32;
const GUARD = { insertLockTimeoutMs: 50 };

function callers(...workerIds: number[]): SharedRegistry[] {
  const first = SharedRegistry.create({ capacity: CAP }, workerIds[0]);
  return [first, ...workerIds.slice(1).map((w) => SharedRegistry.attach(first.buffer, w))];
}

const timedOut = (f: () => unknown): boolean => {
  try {
    f();
    return false;
  } catch (e) {
    if (e instanceof ShmError && e.code === 'RT_WAIT_TIMEOUT') return true;
    throw e;
  }
};

const copies = (r: SharedRegistry, name: string) => r.snapshot().filter((e) => e.name === name).length;

test("insert locks are per home slot: while A holds home 16's lock, an insert at every other home goes through and a second name of home 16 is shut out", () => {
  const [a, b] = callers(0, 1) as [SharedRegistry, SharedRegistry];
  const [k, sameHome] = namesWithHome(CAP, 16, 2) as [string, string];
  b.setTestHooks(GUARD);
  // No sweep in this test: a sweep needs every insert lock, home 16's included, and would be
  // refused (and skipped) after the guard, slowing the test without changing what it shows.
  Atomics.store(new Int32Array(a.buffer), H_SWEEP_AT, 0x7fffffff);
  const others: string[] = [];
  let sameHomeShutOut: boolean | undefined;
  a.setTestHooks({
    beforeClaim: () => {
      if (sameHomeShutOut !== undefined) return;
      for (let h = 0; h < CAP; h++) {
        if (h === 16) continue;
        const [n] = namesWithHome(CAP, h, 1, `H${h}-`) as [string];
        const r = b.reserve(n);
        assert.equal(r.kind, 'won', `home ${h} does not wait for home 16`);
        assert.ok(r.kind === 'won' && b.cancelReservation(n, r.instanceId)); // room for what follows
        others.push(n);
      }
      sameHomeShutOut = timedOut(() => b.reserve(sameHome));
    },
  });
  assert.equal(a.reserve(k).kind, 'won');
  a.setTestHooks(undefined);
  b.setTestHooks(undefined);
  assert.equal(others.length, CAP - 1);
  assert.equal(sameHomeShutOut, true, 'a name of the same home takes the same lock');
  assert.equal(b.reserve(sameHome).kind, 'won', 'and gets it once A let go');
});

test('claim race across homes: two inserters whose chains meet at one EMPTY slot — one claims it, the other re-probes and lands on the next', () => {
  const [a, b] = callers(0, 1) as [SharedRegistry, SharedRegistry];
  const [x, ka] = namesWithHome(CAP, 31, 2) as [string, string]; // home 31; chain 31 → 0 → 1
  const [kb] = namesWithHome(CAP, 0, 1, 'B-') as [string]; // home 0
  assert.equal(b.reserve(x).kind, 'won'); // slot 31 live: ka's probe goes on to slot 0
  const claims: number[] = [];
  let idB = 0;
  a.setTestHooks({
    beforeClaim: (slot) => {
      claims.push(slot);
      if (idB !== 0) return;
      const r = b.reserve(kb); // home 0: not blocked by A's lock (home 31)
      assert.equal(r.kind, 'won');
      idB = r.instanceId;
    },
  });
  const ra = a.reserve(ka);
  a.setTestHooks(undefined);
  assert.deepEqual(claims, [0, 1], "A chose slot 0, lost it to B's claim, probed again and chose slot 1");
  assert.equal(ra.kind, 'won');
  assert.deepEqual(b.reserve(kb), { kind: 'reserved', instanceId: idB, slot: 0 });
  assert.deepEqual(b.reserve(ka), { kind: 'reserved', instanceId: ra.instanceId, slot: 1 });
  assert.equal(copies(a, ka) + copies(a, kb), 2, 'both keys live once');
});

test('one name, one insert lock: a second inserter of the name is shut out while the first is between probe and claim (no duplicate, even across a TOMBSTONE ABA)', () => {
  // A inserts k (home 16) and chooses the TOMBSTONE at 16. Meanwhile C (home 15) takes slot 16
  // and gives it back (TOMBSTONE again: A's claim will succeed), and B tries to insert k too. If B
  // could run (a lock not chosen by the home slot), it would put k at 17 past C's entry and A would
  // then claim 16: k live twice.
  const [a, b, c] = callers(0, 1, 3) as [SharedRegistry, SharedRegistry, SharedRegistry];
  const [z, k] = namesWithHome(CAP, 16, 2) as [string, string];
  const [y, cName] = namesWithHome(CAP, 15, 2, 'C-') as [string, string];
  const rz = c.reserve(z);
  assert.ok(rz.kind === 'won' && c.cancelReservation(z, rz.instanceId)); // slot 16: TOMBSTONE
  assert.equal(c.reserve(y).kind, 'won'); // slot 15 live: C's chain goes on to 16
  b.setTestHooks(GUARD);
  let bShutOut: boolean | undefined;
  a.setTestHooks({
    beforeClaim: (slot) => {
      if (bShutOut !== undefined) return;
      assert.equal(slot, 16);
      const rc = c.reserve(cName);
      assert.deepEqual(c.reserve(cName), { kind: 'reserved', instanceId: rc.instanceId, slot: 16 });
      bShutOut = timedOut(() => b.reserve(k));
      assert.ok(c.cancelReservation(cName, rc.instanceId)); // slot 16 is a TOMBSTONE again
    },
  });
  const ra = a.reserve(k);
  a.setTestHooks(undefined);
  assert.equal(bShutOut, true, "B's insert of the same name was refused its insert lock while A held it");
  assert.equal(ra.kind, 'won');
  assert.equal(copies(a, k), 1, 'k is live in one slot');
  assert.deepEqual(b.reserve(k), { kind: 'reserved', instanceId: ra.instanceId, slot: 16 });
});

test('a sweep waits for every insert lock: a tombstone on the chain of a key being inserted is not emptied under it (I4)', () => {
  // A inserts k (home 16) and chooses the EMPTY at 17 past y (live at 16). Meanwhile y dies (16 is
  // a TOMBSTONE no live chain crosses: k is not live yet) and C, at home 0, triggers a sweep. A
  // sweep that did not wait for A's lock would empty 16, and k at 17 would be unreachable.
  const [a, c] = callers(0, 3) as [SharedRegistry, SharedRegistry];
  const [y, k] = namesWithHome(CAP, 16, 2) as [string, string];
  const [c1, c2] = namesWithHome(CAP, 0, 2, 'C-') as [string, string];
  const ry = c.reserve(y);
  assert.equal(ry.kind, 'won');
  c.setTestHooks(GUARD);
  let sweepShutOut: boolean | undefined;
  a.setTestHooks({
    beforeClaim: (slot) => {
      if (sweepShutOut !== undefined) return;
      assert.equal(slot, 17);
      assert.ok(c.cancelReservation(y, ry.instanceId));
      Atomics.store(new Int32Array(a.buffer), H_SWEEP_AT, 0); // the next EMPTY-claiming insert sweeps
      // c1 is inserted and reported won; its sweep cannot take home 16's lock, so it is skipped (not
      // thrown out of reserve after the insert) and left for a later insert: H_SWEEP_AT unchanged.
      const r1 = c.reserve(c1);
      assert.equal(r1.kind, 'won', 'the insert that triggered the refused sweep is reported');
      sweepShutOut = Atomics.load(new Int32Array(a.buffer), H_SWEEP_AT) === 0;
    },
  });
  const ra = a.reserve(k);
  a.setTestHooks(undefined);
  c.setTestHooks(undefined);
  assert.equal(sweepShutOut, true, "C's sweep was refused A's insert lock");
  assert.equal(ra.kind, 'won');
  assert.deepEqual(c.lookup(k), { state: 'reserved', instanceId: ra.instanceId }, 'k is reachable: its chain 16 → 17 has no EMPTY');
  // Now the sweep can run: it must keep 16 (crossed by k's chain) and k findable.
  Atomics.store(new Int32Array(a.buffer), H_SWEEP_AT, 0);
  assert.equal(c.reserve(c2).kind, 'won');
  assert.deepEqual(c.lookup(k), { state: 'reserved', instanceId: ra.instanceId });
  assert.equal(c.lookup(c1).state, 'reserved');
});
