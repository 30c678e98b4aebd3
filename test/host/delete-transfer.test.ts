/**
 * The delete path's leader transfer (consumer.go stopWithFlags → raft.go StepDown @ v2.9.10): a
 * deleted leader's transfer append reaches a follower, locally or across workers, and that
 * follower campaigns through its term/vote writes; under 2.10.x profiles no transfer is modelled.
 * Deterministic: simulated clock, in-memory disk, batches delivered by the test.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NatsVersion } from '../../src/cluster/nats-version.js';
import type { HostedNode } from '../../src/host/hosted-node.js';
import { create, makeRig, remove, settle, tick, type Rig } from '../fixtures/model-rig.js';

function nodeOf(rig: Rig, server: number): HostedNode {
  for (const m of rig.models) for (const n of m.core.nodes()) if (n.server === server && n.group === 0) return n;
  throw new Error(`no node of S${server}`);
}

/** Group 0 on S0..S2 (server s on worker s % workers), ticked until it has a leader. */
async function electedGroup(version: NatsVersion, workers: number): Promise<{ rig: Rig; leader: number }> {
  const rig = makeRig({ natsVersion: version, workers });
  for (const s of [0, 1, 2]) assert.ok((await create(rig, s, 0, 'racy', undefined, s % workers)).ok);
  await settle(rig);
  const leader = (): number => [0, 1, 2].findIndex((s) => nodeOf(rig, s).raft.role === 'leader');
  // Past the first election and a few heartbeats, so the leader has heard both followers.
  for (let t = 0; t < 400 && !(leader() >= 0 && nodeOf(rig, leader()).raft.commitIndex >= 1); t++) await tick(rig);
  for (let t = 0; t < 12; t++) await tick(rig);
  assert.ok(leader() >= 0, 'a leader was elected');
  return { rig, leader: leader() };
}

/** Deletes the leader's replica (then one tick) and returns the followers' terms before and after. */
async function deleteLeader(version: NatsVersion, workers: number): Promise<{ before: number[]; after: number[]; tavWritesDelta: number }> {
  const { rig, leader } = await electedGroup(version, workers);
  const followers = [0, 1, 2].filter((s) => s !== leader);
  const before = followers.map((s) => nodeOf(rig, s).raft.term);
  const writes0 = rig.models.reduce((a, m) => a + m.stats().tavWrites, 0);
  const n = nodeOf(rig, leader);
  assert.ok((await remove(rig, leader, 0, n.instanceId, 'racy', leader % workers)).ok);
  await settle(rig);
  await tick(rig); // the transfer campaign fires one tick after the entry arrives (NATS: 10 ms)
  const after = followers.map((s) => nodeOf(rig, s).raft.term);
  return { before, after, tavWritesDelta: rig.models.reduce((a, m) => a + m.stats().tavWrites, 0) - writes0 };
}

describe('deleting a leader', () => {
  for (const workers of [1, 3]) {
    test(`2.9.10 (${workers === 1 ? 'local path' : 'cross-worker path'}): exactly one follower campaigns on its next tick, with its term/vote writes`, async () => {
      const { before, after, tavWritesDelta } = await deleteLeader('2.9.10', workers);
      const raised = after.filter((t, i) => t > before[i]!);
      assert.equal(raised.length >= 1, true, `a follower's term rose: ${JSON.stringify({ before, after })}`);
      // The target's term++ and self-vote, plus the other follower's adoption and vote, at least.
      assert.ok(tavWritesDelta >= 2, `term/vote writes after the delete: ${tavWritesDelta}`);
      assert.equal(Math.max(...after), Math.max(...before) + 1, 'one transfer campaign, one new term');
    });
  }

  for (const version of ['2.10.18', '2.14.0'] as const) {
    test(`${version}: no transfer is modelled; a tick later no follower's term has moved`, async () => {
      const { before, after, tavWritesDelta } = await deleteLeader(version, 3);
      assert.deepEqual(after, before);
      assert.equal(tavWritesDelta, 0);
    });
  }
});
