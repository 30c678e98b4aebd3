/**
 * #5824's worst orphan, deterministically: the instance that was LEADER when its group was deleted.
 * Three pure Raft nodes, each writing tav.idx through a TermVoteStore on one memfs disk, driven
 * tick by tick by a tiny in-process host (persist term/vote, then deliver). Then the group is
 * deleted under the leader (its peers stopped, its directory removed) while nothing stops the
 * leader itself — what a duplicate that nothing references looks like.
 *
 * Claims, with the bounds NATS's timing implies (ticks of 100 ms NATS time):
 * - it steps down by its second lost-quorum check after the delete (≤ 2 × lostQuorumTicks);
 * - from then on it campaigns alone every election timeout (40–90 ticks), two tav.idx writes per
 *   campaign, every one failing with ENOENT and classified persistent, each logged as NATS does.
 * A leader whose lost-quorum step-down is broken never campaigns and never fails a write: this test
 * then fails (mutants raft-lost-quorum-off-by-one, raft-heard-mask-never-cleared).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SimClock } from '../../src/env/clock.js';
import { Prng } from '../../src/env/prng.js';
import { NATS_TIMING } from '../../src/raft/config.js';
import { RaftNode } from '../../src/raft/node.js';
import { encodeTermVote } from '../../src/raft/term-vote-codec.js';
import type { RaftMessage } from '../../src/raft/types.js';
import { groupDir, termVotePath } from '../../src/storage/layout.js';
import { MemDisk } from '../../src/storage/mem-disk.js';
import { MemoryLogSink } from '../../src/storage/raft-log.js';
import { newTavFailureCounters, TermVoteStore } from '../../src/storage/term-vote-store.js';

const ROOT = '/store';
const GROUP = 'C-R3F-leadOrph';
const IDS = Object.freeze(['node0000', 'node0001', 'node0002']);
const SERVERS = ['S0', 'S1', 'S2'];

interface Member {
  readonly node: RaftNode;
  readonly store: TermVoteStore;
  alive: boolean;
}

async function rig(seed: number) {
  const disk = new MemDisk();
  const clock = new SimClock();
  const log = new MemoryLogSink();
  const counters = newTavFailureCounters();
  const root = new Prng(seed);
  const members: Member[] = [];
  for (let i = 0; i < IDS.length; i++) {
    await disk.mkdirp(groupDir(ROOT, SERVERS[i]!, GROUP));
    members.push({
      node: new RaftNode({ id: IDS[i]!, peers: IDS, timing: NATS_TIMING, prng: root.fork(IDS[i]!) }),
      store: new TermVoteStore({
        disk, path: termVotePath(ROOT, SERVERS[i]!, GROUP), nodeId: IDS[i]!, group: GROUP, clock, timeScale: 100,
        classify: () => 'persistent', counters, log,
      }),
      alive: true,
    });
  }
  /** One tick: tick every live node, then drain each: persist its term/vote writes, then deliver its messages. */
  const tick = async (): Promise<void> => {
    clock.advanceMs(100);
    const queue: RaftMessage[] = [];
    for (const m of members) if (m.alive) m.node.tick();
    for (let round = 0; round < 8; round++) {
      for (const m of members) {
        if (!m.alive || !m.node.hasReady()) continue;
        const rd = m.node.ready();
        for (const w of rd.termVoteWrites) await m.store.write(encodeTermVote(w));
        queue.push(...rd.messages);
        m.node.advance();
      }
      if (queue.length === 0) break;
      for (const msg of queue.splice(0)) {
        const to = members[IDS.indexOf(msg.to)];
        if (to?.alive) to.node.step(msg);
      }
    }
  };
  return { disk, log, counters, members, tick };
}

test('the leader orphan steps down by its second lost-quorum check, then fails 2 tav.idx writes per campaign', async (t) => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const r = await rig(seed);
    let ticks = 0;
    while (!r.members.some((m) => m.node.role === 'leader')) {
      await r.tick();
      assert.ok(++ticks < 1000, `seed ${seed}: no leader`);
    }
    // Lead for a while with both peers answering (so the leader has heard from a quorum).
    for (let i = 0; i < NATS_TIMING.lostQuorumTicks + 7; i++) await r.tick();
    const leader = r.members.find((m) => m.node.role === 'leader')!;
    assert.equal(r.counters.enoent, 0, 'no failure before the delete');
    const term = leader.node.term;

    // Delete the group: the peers stop, every directory goes; the leader is not told (an orphan).
    for (const m of r.members) if (m !== leader) m.alive = false;
    for (let i = 0; i < SERVERS.length; i++) await r.disk.rm(groupDir(ROOT, SERVERS[i]!, GROUP));

    let stepDownAt = -1;
    const campaigns: number[] = [];
    const window = 2 * NATS_TIMING.lostQuorumTicks + 4 * NATS_TIMING.electionTimeoutMaxTicks;
    let lastTerm = term;
    for (let k = 1; k <= window; k++) {
      await r.tick();
      if (stepDownAt < 0 && leader.node.role !== 'leader') stepDownAt = k;
      if (leader.node.term !== lastTerm) campaigns.push(k);
      lastTerm = leader.node.term;
    }
    t.diagnostic(`seed ${seed}: stepped down ${stepDownAt} ticks after the delete; campaigns at ${campaigns.join(', ')}`);
    assert.ok(stepDownAt > 0 && stepDownAt <= 2 * NATS_TIMING.lostQuorumTicks, `seed ${seed}: still leader ${window} ticks after losing its quorum (stepped down at ${stepDownAt})`);
    assert.ok(campaigns.length >= 4, `seed ${seed}: an orphan campaigns every election timeout; got ${campaigns.length} in ${window} ticks`);
    for (let i = 1; i < campaigns.length; i++) {
      const gap = campaigns[i]! - campaigns[i - 1]!;
      assert.ok(gap >= NATS_TIMING.electionTimeoutMinTicks && gap <= NATS_TIMING.electionTimeoutMaxTicks, `seed ${seed}: campaign gap ${gap}`);
    }
    assert.equal(leader.node.term, term + campaigns.length, 'one term per campaign, never elected');
    assert.equal(r.counters.enoent, 2 * campaigns.length, 'term++ and self-vote: two failed writes per campaign');
    assert.equal(r.counters.persistent, r.counters.enoent);
    assert.equal(r.log.lines.filter((l) => l.level === 'ERR' && l.text.includes('Resource not found')).length, r.counters.enoent);
  }
});
