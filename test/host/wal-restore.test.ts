/**
 * A restarted node recovers its log and commit index, not only its term and vote (NATS
 * startRaftNode replays the WAL that `Stop()` flushed). Without the log, a restarted follower
 * grants its vote to a candidate that lacks committed entries, which then overwrites them: the
 * "conflict at a committed index" safety violation the restart workload reported under every
 * strategy. Deterministic: in-process models (one worker per server), memfs, a simulated clock,
 * and a test-controlled network that cuts workers off by dropping their batches.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DEFAULT_VERSION } from '../../src/cluster/nats-version.js';
import { WAL_READ_OP } from '../../src/cluster/start-raft-node.js';
import { stopNode } from '../../src/cluster/stop-node.js';
import { STRATEGY_NAMES, type StrategyName } from '../../src/create/strategy.js';
import { Prng } from '../../src/env/prng.js';
import type { HostedNode } from '../../src/host/hosted-node.js';
import { decodeLogImage } from '../../src/raft/log-image-codec.js';
import type { LogImage } from '../../src/raft/types.js';
import { create, makeRig, settle, type Rig } from '../fixtures/model-rig.js';

/** Workers cut off from the others: every batch to or from them is dropped. */
type Cut = Set<number>;

/** Delivers queued batches except across the cut, until the network and every persist chain are quiet. */
async function pump(rig: Rig, cut: Cut): Promise<void> {
  for (let round = 0; round < 1_000; round++) {
    while (rig.queue.length > 0) {
      const { from, to, batch } = rig.queue.shift()!;
      if (!cut.has(from ?? -1) && !cut.has(to)) rig.models[to]!.driver.receive(batch);
    }
    await settle(rig, false);
    if (rig.queue.length === 0) return;
  }
  throw new Error('network did not quiesce');
}

async function ticks(rig: Rig, cut: Cut, count: number, until?: () => boolean): Promise<void> {
  for (let i = 0; i < count && !(until?.() ?? false); i++) {
    rig.clock.advanceMs(rig.tickMs);
    for (const m of rig.models) m.driver.tick();
    await pump(rig, cut);
  }
}

/** Server s runs on worker s; its one live instance of group 0. */
const nodeOf = (rig: Rig, s: number): HostedNode => [...rig.models[s]!.core.nodes()].find((n) => n.server === s && n.group === 0 && n.state !== 'deleting')!;
const violations = (rig: Rig): number => rig.models.reduce((a, m) => a + m.stats().raftSafetyViolations, 0);
const samples = (rig: Rig): string => rig.models.flatMap((m) => m.stats().safetySamples).join('; ');

/** Stops server s's node (health-check restart), checks the WAL on disk, re-creates it. Returns the persisted image. */
async function restart(rig: Rig, s: number, strategy: StrategyName): Promise<LogImage> {
  const before = nodeOf(rig, s);
  const image = before.raft.logImage();
  assert.ok((await stopNode(rig.models[s]!, s, 0, before.instanceId, strategy)).ok);
  const onDisk = decodeLogImage(await rig.disk.readFile(join(rig.models[s]!.storeDir(s, 0), WAL_READ_OP.rel)));
  assert.deepEqual(onDisk, image, 'the WAL on disk is the log the node held when it stopped');
  const r = await create(rig, s, 0, strategy, undefined, s);
  assert.ok(r.ok && r.built, JSON.stringify(r));
  const after = nodeOf(rig, s);
  assert.equal(after.instanceId, r.instanceId);
  assert.deepEqual(after.raft.logImage(), image, 'the restarted node holds exactly the persisted log and commit index');
  assert.ok(after.raft.term >= before.raft.term, 'term recovered from tav.idx');
  return image;
}

/** Every pair of nodes agrees on every entry both hold at or below both commit indexes (state machine safety). */
function assertCommittedPrefixesAgree(rig: Rig): void {
  const imgs = [0, 1, 2].map((s) => nodeOf(rig, s).raft.logImage());
  for (const a of imgs) {
    for (const b of imgs) {
      const upTo = Math.min(a.commit, b.commit);
      for (const e of a.entries) {
        const o = b.entries[e.index - b.snapIndex - 1];
        if (e.index <= upTo && o !== undefined) assert.equal(o.term, e.term, `committed entry ${e.index} differs between replicas`);
      }
    }
  }
}

describe('restart recovers the log: no committed entry is lost or overwritten', () => {
  for (const strategy of STRATEGY_NAMES) {
    test(`${strategy} (v${DEFAULT_VERSION[strategy]}): a follower restarted mid-replication refuses a candidate that lacks committed entries`, async () => {
      const rig = makeRig({ workers: 3, natsVersion: DEFAULT_VERSION[strategy], entriesPerSecondPerGroup: 50 });
      for (const s of [0, 1, 2]) assert.ok((await create(rig, s, 0, strategy, undefined, s)).ok);
      const cut: Cut = new Set();
      const leader = (): number => [0, 1, 2].findIndex((s) => nodeOf(rig, s).raft.role === 'leader');
      await ticks(rig, cut, 200, () => leader() >= 0 && nodeOf(rig, leader()).raft.commitIndex > 5);
      const L = leader();
      assert.ok(L >= 0, 'a leader was elected');
      const [F1, F2] = [0, 1, 2].filter((s) => s !== L) as [number, number];
      // F2 falls behind: the leader commits with F1 alone.
      cut.add(F2);
      const behind = nodeOf(rig, F2).raft.lastIndex;
      await ticks(rig, cut, 30);
      assert.ok(nodeOf(rig, L).raft.commitIndex > behind + 20, 'the leader committed entries F2 never received');
      // F1 restarts in the middle of that replication (appends in flight are dropped with it).
      const persisted = await restart(rig, F1, strategy);
      assert.ok(persisted.commit > behind, 'F1 had committed entries F2 lacks');
      // The leader is cut off; F2 comes back and campaigns. F1 must refuse it: F2's log is behind.
      cut.delete(F2);
      cut.add(L);
      await ticks(rig, cut, 300);
      cut.clear();
      await ticks(rig, cut, 300);
      assert.equal(violations(rig), 0, samples(rig));
      assertCommittedPrefixesAgree(rig);
      assert.ok(nodeOf(rig, F2).raft.commitIndex >= persisted.commit, 'F2 caught up past the restarted node');
    });
  }

  test('leaders and followers restarted at random moments under load and partitions: no safety violation, every restore exact', async () => {
    for (let seed = 1; seed <= 4; seed++) {
      const rig = makeRig({ workers: 3, natsVersion: '2.10.18', entriesPerSecondPerGroup: 30, seed });
      for (const s of [0, 1, 2]) assert.ok((await create(rig, s, 0, 'racy', undefined, s)).ok);
      const prng = new Prng(seed).fork('restart-chaos');
      const cut: Cut = new Set();
      let restarts = 0;
      for (let round = 0; round < 16; round++) {
        await ticks(rig, cut, prng.intBetween(5, 40));
        cut.clear();
        if (prng.chance(0.4)) cut.add(prng.intBetween(0, 2));
        await restart(rig, prng.intBetween(0, 2), 'racy');
        restarts++;
      }
      cut.clear();
      await ticks(rig, cut, 200);
      assert.equal(violations(rig), 0, `seed ${seed}: ${samples(rig)}`);
      assertCommittedPrefixesAgree(rig);
      assert.equal(restarts, 16);
    }
  });
});
