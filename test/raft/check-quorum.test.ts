import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Prng } from '../../src/env/prng.js';
import { NATS_TIMING } from '../../src/raft/config.js';
import { RaftNode } from '../../src/raft/node.js';
import type { RaftMessage } from '../../src/raft/types.js';

const PEERS = Object.freeze(['leader00', 'peer0001', 'peer0002']);

/** Drives a node until it is leader with the two peers granting and acking everything. */
function electedLeader(seed: number): RaftNode {
  const n = new RaftNode({ id: 'leader00', peers: PEERS, timing: NATS_TIMING, prng: new Prng(seed) });
  n.campaignSoon();
  for (let i = 0; i < 10 && n.role !== 'leader'; i++) {
    n.tick();
    if (!n.hasReady()) continue;
    const rd = n.ready();
    n.advance();
    for (const m of rd.messages) if (m.type === 'vote-request') n.step({ type: 'vote-response', from: m.to, to: m.from, term: m.term, granted: true });
  }
  assert.equal(n.role, 'leader');
  return n;
}

function drain(n: RaftNode): RaftMessage[] {
  if (!n.hasReady()) return [];
  const rd = n.ready();
  n.advance();
  return [...rd.messages];
}

test('a leader that hears from a quorum keeps leading past many lost-quorum checks', () => {
  const n = electedLeader(1);
  for (let t = 0; t < 10 * NATS_TIMING.lostQuorumTicks; t++) {
    n.tick();
    for (const m of drain(n)) {
      if (m.type === 'append' && m.to === 'peer0001') n.step({ type: 'append-response', from: m.to, to: m.from, term: m.term, success: true, matchIndex: m.prevLogIndex + m.entries.length });
    }
  }
  assert.equal(n.role, 'leader', 'one of two peers answering is a quorum of three');
});

test('an isolated leader steps down within two lost-quorum intervals, then campaigns alone every election timeout', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const n = electedLeader(seed);
    const term = n.term;
    let t = 0;
    while (n.role === 'leader') {
      n.tick();
      drain(n);
      t++;
      assert.ok(t <= 2 * NATS_TIMING.lostQuorumTicks, `seed ${seed}: still leader after ${t} ticks without a quorum`);
    }
    assert.equal(n.role, 'follower');
    assert.equal(n.term, term, 'stepping down keeps the term');
    assert.equal(n.leaderId, '');
    // Now an orphan follower: it campaigns within one election timeout.
    let campaigned = false;
    for (let k = 0; k < NATS_TIMING.electionTimeoutMaxTicks && !campaigned; k++) {
      n.tick();
      campaigned = drain(n).some((m) => m.type === 'vote-request');
    }
    assert.ok(campaigned, `seed ${seed}: no campaign within ${NATS_TIMING.electionTimeoutMaxTicks} ticks of stepping down`);
    assert.equal(n.term, term + 1);
  }
});
