/**
 * `ticksToNextTimer` / `skipTicks`: the contract a timer-wheel host relies on. A node touched only
 * when its timer is due (and caught up with skipTicks before every message) must behave exactly
 * like one ticked every tick: same messages, same writes, same order, for any seed and any traffic.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Prng } from '../../src/env/prng.js';
import { NATS_TIMING, type RaftTiming } from '../../src/raft/config.js';
import { RaftError } from '../../src/raft/errors.js';
import { RaftNode } from '../../src/raft/node.js';
import type { RaftMessage } from '../../src/raft/types.js';

const PEERS = Object.freeze(['aaaaaaaa', 'bbbbbbbb', 'cccccccc']);
const FAST: RaftTiming = Object.freeze({ electionTimeoutMinTicks: 6, electionTimeoutMaxTicks: 12, heartbeatTicks: 2, campaignMinTicks: 1, campaignMaxTicks: 3, lostQuorumTicks: 9 });

interface Cluster {
  readonly nodes: RaftNode[];
  /** Tick at which each node's counters are current (lazy mode only). */
  readonly synced: number[];
  readonly trace: string[];
}

const mkCluster = (seed: number, timing: RaftTiming): Cluster => ({
  nodes: PEERS.map((id, i) => new RaftNode({ id, peers: PEERS, timing, prng: new Prng(seed).fork(`n${i}`) })),
  synced: PEERS.map(() => 0),
  trace: [],
});

function drain(c: Cluster, i: number, out: RaftMessage[]): void {
  const n = c.nodes[i]!;
  if (!n.hasReady()) return;
  const r = n.ready();
  n.advance();
  for (const w of r.termVoteWrites) c.trace.push(`${n.id} write ${w.term}/${w.vote}`);
  for (const m of r.messages) out.push(m);
}

/**
 * Runs `ticks` ticks. Each tick: every node's tick (eager: all; lazy: only the due ones, caught up
 * first), then the messages of that tick delivered in order, except those `drop` picks (a lossy net).
 */
function run(c: Cluster, ticks: number, lazy: boolean, drop: (k: number) => boolean): void {
  let sent = 0;
  for (let t = 1; t <= ticks; t++) {
    const out: RaftMessage[] = [];
    c.nodes.forEach((n, i) => {
      if (lazy) {
        if (t - c.synced[i]! < n.ticksToNextTimer) return; // not due: untouched
        n.skipTicks(t - 1 - c.synced[i]!);
        c.synced[i] = t;
      }
      n.tick();
      drain(c, i, out);
    });
    for (let q = 0; q < out.length; q++) {
      const m = out[q]!;
      if (drop(sent++)) continue;
      const i = PEERS.indexOf(m.to);
      const n = c.nodes[i]!;
      if (lazy) {
        n.skipTicks(t - c.synced[i]!);
        c.synced[i] = t;
      }
      c.trace.push(`t${t} ${m.from}->${m.to} ${m.type} ${m.term}`);
      n.step(m);
      drain(c, i, out);
    }
    c.trace.push(`t${t} ${c.nodes.map((n) => `${n.role[0]}${n.term}`).join(' ')}`);
  }
}

test('a node ticked only when due, caught up before each message, behaves exactly like one ticked every tick', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 0, max: 6 }), fc.boolean(), (seed, lossMod, nats) => {
      const timing = nats ? NATS_TIMING : FAST;
      const ticks = nats ? 400 : 150;
      // Drop every message whose running number hits the pattern (0: none), so elections repeat.
      const drop = (k: number): boolean => lossMod > 0 && (k * 2654435761) % 7 < lossMod;
      const eager = mkCluster(seed, timing);
      const lazy = mkCluster(seed, timing);
      run(eager, ticks, false, drop);
      run(lazy, ticks, true, drop);
      assert.deepEqual(lazy.trace, eager.trace);
    }),
    { numRuns: 60 },
  );
});

test('ticksToNextTimer counts to the tick that fires: a follower campaigns on exactly that tick', () => {
  const n = new RaftNode({ id: 'aaaaaaaa', peers: PEERS, timing: NATS_TIMING, prng: new Prng(7) });
  const k = n.ticksToNextTimer;
  assert.ok(k >= NATS_TIMING.electionTimeoutMinTicks && k <= NATS_TIMING.electionTimeoutMaxTicks);
  n.skipTicks(k - 1);
  assert.equal(n.ticksToNextTimer, 1);
  assert.equal(n.role, 'follower');
  n.tick();
  assert.equal(n.role, 'candidate');
});

test('skipTicks refuses to pass a timer, a negative or a fractional count', () => {
  const n = new RaftNode({ id: 'aaaaaaaa', peers: PEERS, timing: NATS_TIMING, prng: new Prng(7) });
  for (const bad of [n.ticksToNextTimer, n.ticksToNextTimer + 5, -1, 1.5]) {
    assert.throws(() => n.skipTicks(bad), (e: unknown) => e instanceof RaftError && e.code === 'BAD_SKIP');
  }
  n.skipTicks(0);
});
