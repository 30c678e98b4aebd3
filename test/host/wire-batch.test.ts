/**
 * Cross-worker wire batches: every Raft message kind survives encode → transfer → decode exactly
 * (any field values, batches large enough to grow the buffer), a buffer is never written while a
 * batch that uses it is still unconsumed, and a batch is consumed once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import fc from 'fast-check';
import { SimClock } from '../../src/env/clock.js';
import { nodeIdOf } from '../../src/host/address.js';
import { HostCore } from '../../src/host/host-core.js';
import { BufferPool, REC, wiresOf, WireBatchWriter, type WireBatch } from '../../src/host/wire-batch.js';
import type { Wire } from '../../src/host/wire.js';
import type { Entry, RaftMessage } from '../../src/raft/types.js';

const int = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const server = fc.integer({ min: 0, max: 30 });
// Plain objects (fast-check's records have a null prototype, which a structured clone does not keep).
const entry = fc.record({ index: int, term: int, data: fc.string() }).map((e): Entry => ({ index: e.index, term: e.term, data: e.data }));
const entries = fc.array(entry, { maxLength: 3 });

const message: fc.Arbitrary<RaftMessage> = fc.tuple(server, server, int).chain(([f, t, term]) => {
  const from = nodeIdOf(f);
  const to = nodeIdOf(t);
  return fc.oneof(
    fc.record({ lastLogIndex: int, lastLogTerm: int }).map((x): RaftMessage => ({ type: 'vote-request', from, to, term, ...x })),
    fc.boolean().map((granted): RaftMessage => ({ type: 'vote-response', from, to, term, granted })),
    fc.record({ prevLogIndex: int, prevLogTerm: int, entries, leaderCommit: int }).map((x): RaftMessage => ({ type: 'append', from, to, term, ...x })),
    fc.record({ success: fc.boolean(), matchIndex: int }).map((x): RaftMessage => ({ type: 'append-response', from, to, term, ...x })),
  );
});
const wire: fc.Arbitrary<Wire> = fc.record({ g: fc.integer({ min: 0, max: (1 << 20) - 1 }), m: message, f: int, t: int }).map((x) => ({ ...x, s: Number(x.m.to.slice(1, 3)) }));

const encode = (w: WireBatchWriter, ws: readonly Wire[]): WireBatch => {
  for (const x of ws) w.push(x.g, x.s, x.m, x.f, x.t);
  return w.take();
};

test('every message kind round-trips through a batch, across buffer growth', () => {
  fc.assert(
    fc.property(fc.array(wire, { maxLength: 2_000 }), (ws) => {
      const b = encode(new WireBatchWriter(new BufferPool()), ws);
      assert.equal(b.count, ws.length);
      assert.deepEqual(wiresOf(b), ws);
    }),
    { numRuns: 60 },
  );
});

test('a batch survives a real transfer between threads, and the sender keeps no access to its buffer', async () => {
  const ws = fc.sample(wire, { numRuns: 500, seed: 7 });
  const b = encode(new WireBatchWriter(new BufferPool()), ws);
  const { port1, port2 } = new MessageChannel();
  try {
    const got = new Promise<WireBatch>((resolve) => port2.once('message', (x: WireBatch) => resolve(x)));
    port1.postMessage(b, [b.nums.buffer as ArrayBuffer]);
    assert.equal(b.nums.byteLength, 0, 'the sender side is detached');
    assert.deepEqual(wiresOf(await got), ws);
  } finally {
    port1.close();
    port2.close();
  }
});

test('buffers are reused only after the receiver gives them back: a pending batch is never overwritten', () => {
  fc.assert(
    fc.property(fc.array(fc.array(wire, { minLength: 1, maxLength: 300 }), { minLength: 2, maxLength: 6 }), (rounds) => {
      const pool = new BufferPool();
      const w = new WireBatchWriter(pool);
      const pending = rounds.map((ws) => ({ ws, b: encode(w, ws) }));
      // Consume in reverse, giving each buffer back, while writing new batches from the same pool.
      for (const p of pending.reverse()) {
        assert.deepEqual(wiresOf(p.b), p.ws);
        pool.give(p.b.nums.buffer as ArrayBuffer);
        const again = encode(w, p.ws);
        assert.deepEqual(wiresOf(again), p.ws);
      }
      for (const p of pending) assert.ok(p.b.nums.length === p.ws.length * REC);
    }),
    { numRuns: 40 },
  );
});

test('steady state allocates no buffer: batches of the same size circulate through the pool', () => {
  const pool = new BufferPool();
  const w = new WireBatchWriter(pool);
  const ws = fc.sample(wire, { numRuns: 5_000, seed: 3 });
  pool.give(encode(w, ws).nums.buffer as ArrayBuffer); // the first batch grows its buffer from the smallest size
  const first = pool.allocated;
  for (let i = 0; i < 50; i++) pool.give(encode(w, ws).nums.buffer as ArrayBuffer);
  assert.equal(pool.allocated, first, 'no buffer allocated after the first batch');
});

test('a node id the host does not make is refused at encode', () => {
  const w = new WireBatchWriter(new BufferPool());
  assert.throws(() => w.push(0, 1, { type: 'vote-response', from: 'xxxxxxxx', to: nodeIdOf(1), term: 1, granted: true }, 1, 0), /nodeIdOf/);
  assert.throws(() => w.push(0, 2, { type: 'vote-response', from: nodeIdOf(0), to: nodeIdOf(1), term: 1, granted: true }, 1, 0), /nodeIdOf/);
});

test('a host consumes a batch once: its buffer goes to the pool, and a second delivery is refused', () => {
  const core = new HostCore({ workerId: 0, servers: 3, workers: 2, entriesPerTick: 0, directory: { liveOn: () => 0 }, budget: { take: () => true }, clock: new SimClock() });
  const b = encode(new WireBatchWriter(new BufferPool()), fc.sample(wire, { numRuns: 10, seed: 5 }));
  core.receive(b);
  assert.equal(core.counters.messagesDropped, 10, 'no node hosted here: every message dropped, and counted');
  assert.equal(b.count, -1);
  assert.throws(() => core.receive(b), /delivered twice/);
});
