import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '../../src/env/prng.js';
import { NATS_TIMING } from '../../src/raft/config.js';
import { RaftNode } from '../../src/raft/node.js';
import type { RaftMessage } from '../../src/raft/types.js';

const IDS = Object.freeze(['nodeaaaa', 'nodebbbb', 'nodecccc']);

/**
 * Three nodes wired by hand. While `late` is silent (its messages in both directions dropped) the
 * leader commits 2,000 entries and compacts by the hosts' rule (never past compactableIndex);
 * then the late follower joins and must catch up. Before compactableIndex existed the leader
 * compacted up to its applied index, and a replica created after that never committed anything.
 */
test('a follower that was silent while the leader committed and compacted catches up when it joins', () => {
  const nodes = IDS.map((id, i) => new RaftNode({ id, peers: IDS, timing: NATS_TIMING, prng: new Prng(i + 1) }));
  const [leader, early, late] = nodes as [RaftNode, RaftNode, RaftNode];
  let lateSilent = true;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const pump = (): void => {
    for (let round = 0; round < 1000; round++) {
      const out: RaftMessage[] = [];
      for (const n of nodes) {
        if (!n.hasReady()) continue;
        const rd = n.ready();
        n.advance();
        out.push(...rd.messages);
        const upTo = Math.min(n.appliedIndex - 8, n.compactableIndex);
        if (upTo > n.compactedIndex) n.compact(upTo);
      }
      if (out.length === 0) return;
      for (const m of out) {
        if (lateSilent && (m.to === late.id || m.from === late.id)) continue;
        byId.get(m.to)?.step(m);
      }
    }
  };
  leader.campaignSoon();
  for (let t = 0; t < 20 && leader.role !== 'leader'; t++) {
    for (const n of nodes) n.tick();
    pump();
  }
  assert.equal(leader.role, 'leader');
  for (let i = 0; i < 2000; i++) {
    assert.ok(leader.propose(`e${i}`));
    pump();
  }
  assert.ok(early.commitIndex >= 2000, `early follower committed ${early.commitIndex}`);
  assert.equal(late.commitIndex, 0);
  assert.ok(leader.compactedIndex < 2, `the leader kept what the silent follower needs (compacted to ${leader.compactedIndex})`);
  lateSilent = false;
  for (let t = 0; t < 50 * NATS_TIMING.heartbeatTicks && late.commitIndex < 2000; t++) {
    leader.tick();
    early.tick();
    pump();
  }
  assert.ok(late.commitIndex >= 2000, `late follower caught up to ${late.commitIndex}`);
  for (let t = 0; t < NATS_TIMING.heartbeatTicks; t++) {
    leader.tick();
    pump();
  }
  assert.ok(leader.compactedIndex > 1000, `once everyone has the entries the leader compacts (to ${leader.compactedIndex})`);
});
