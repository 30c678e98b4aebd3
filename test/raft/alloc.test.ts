/**
 * Micro check, not a timing assertion: ticking idle followers allocates nothing, and an idle
 * follower of a 3-voter group is small. Heap figures come from `process.memoryUsage()` after a
 * forced GC; the GC is exposed through V8 flags, so the test skips itself if that is unavailable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Prng } from '../../src/env/prng.js';
import { NATS_TIMING } from '../../src/raft/config.js';
import { RaftNode } from '../../src/raft/node.js';

function getGc(): (() => void) | undefined {
  setFlagsFromString('--expose-gc');
  const gc: unknown = runInNewContext('gc');
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}

const N = 100_000;

test('tick() on 100k idle followers does not allocate; an idle node is small', (t) => {
  const gc = getGc();
  if (gc === undefined) {
    t.skip('gc not exposable');
    return;
  }
  const peers = Object.freeze(['aaaaaaaa', 'bbbbbbbb', 'cccccccc']);
  gc();
  const before = process.memoryUsage().heapUsed;
  const nodes: RaftNode[] = new Array<RaftNode>(N);
  for (let i = 0; i < N; i++) nodes[i] = new RaftNode({ id: 'aaaaaaaa', peers, timing: NATS_TIMING, prng: new Prng(i) });
  gc();
  const built = process.memoryUsage().heapUsed;
  // 30 ticks < electionTimeoutMinTicks (40): no timer fires, so nothing may be allocated.
  for (let k = 0; k < 30; k++) for (let i = 0; i < N; i++) (nodes[i] as RaftNode).tick();
  const ticked = process.memoryUsage().heapUsed;
  const perNodeBytes = (built - before) / N;
  const tickGrowthBytes = ticked - built;
  t.diagnostic(`idle follower: ${perNodeBytes.toFixed(0)} B/node incl. its Prng; 3M idle ticks grew the heap by ${tickGrowthBytes} B`);
  assert.ok(nodes.every((n) => !n.hasReady()));
  assert.ok(perNodeBytes < 2048, `${perNodeBytes} B per idle node`);
  // 3M ticks allocating even 8 bytes each would be 24 MB; allow noise from the test runner.
  assert.ok(tickGrowthBytes < 2 * 1024 * 1024, `${tickGrowthBytes} B allocated by idle ticks`);
});
