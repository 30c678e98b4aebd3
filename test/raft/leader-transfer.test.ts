/**
 * NATS leader transfer in the pure core (raft.go StepDown / xferCampaign @ v2.9.10): the target
 * campaigns at once through the ordinary term/vote writes, wins, and election safety holds.
 * Delivery is an in-test synchronous router, so every interleaving is forced, none is timed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/env/prng.js';
import { NATS_TIMING } from '../../src/raft/config.js';
import { isTransferTo, pickTransferTarget, transferData } from '../../src/raft/leader-transfer.js';
import { RaftNode } from '../../src/raft/node.js';
import type { NodeId, RaftMessage, TermVote } from '../../src/raft/types.js';

const IDS = Object.freeze(['aaaaaaaa', 'bbbbbbbb', 'cccccccc']);

interface Rig {
  readonly nodes: Map<NodeId, RaftNode>;
  readonly writes: Map<NodeId, TermVote[]>;
  /** term -> the one leader seen in it (election safety: never two). */
  readonly leaders: Map<number, NodeId>;
  /** Messages sent and not yet delivered, in order. */
  readonly queue: RaftMessage[];
}

function rig(seed: number): Rig {
  const nodes = new Map(IDS.map((id, i) => [id, new RaftNode({ id, peers: IDS, timing: NATS_TIMING, prng: new Prng(seed * 10 + i) })]));
  return { nodes, writes: new Map(IDS.map((id) => [id, []])), leaders: new Map(), queue: [] };
}

/** Drains every node's ready (writes recorded, messages queued) and checks election safety. */
function collect(r: Rig): void {
  for (const [id, n] of r.nodes) {
    if (n.role === 'leader') {
      const prev = r.leaders.get(n.term);
      assert.ok(prev === undefined || prev === id, `two leaders in term ${n.term}: ${String(prev)} and ${id}`);
      r.leaders.set(n.term, id);
    }
    if (!n.hasReady()) continue;
    const rd = n.ready();
    r.writes.get(id)!.push(...rd.termVoteWrites);
    r.queue.push(...rd.messages);
    n.advance();
  }
}

/** Delivers queued messages (those `keep` accepts; others are lost) until none is left. */
function settle(r: Rig, keep: (m: RaftMessage) => boolean = () => true): void {
  collect(r);
  for (let guard = 0; r.queue.length > 0; guard++) {
    assert.ok(guard < 10_000, 'messages never settle');
    const m = r.queue.shift()!;
    if (keep(m)) r.nodes.get(m.to)!.step(m);
    collect(r);
  }
}

/** 'aaaaaaaa' campaigns and wins; heartbeats flow so it has heard every peer. */
function electA(r: Rig): RaftNode {
  const a = r.nodes.get('aaaaaaaa')!;
  while (a.role !== 'candidate') a.tick();
  settle(r);
  assert.equal(a.role, 'leader');
  return a;
}

test('a transfer elects its target on its next tick, through a campaign\'s two term/vote writes, with one leader per term', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const r = rig(seed);
    const a = electA(r);
    const term = a.term;
    const target = a.stepDown();
    assert.notEqual(target, '', `seed ${seed}: a leader that just heard both peers finds a target`);
    assert.equal(a.role, 'follower');
    assert.equal(a.term, term, 'stepping down keeps the term');
    collect(r);
    assert.deepEqual(r.writes.get('aaaaaaaa')!.slice(-1)[0], { term, vote: 'aaaaaaaa' }, 'the stepdown itself writes nothing');
    const before = r.writes.get(target)!.length;
    // The transfer append arms the target's timer for one tick (NATS: 10 ms); that tick campaigns.
    settle(r);
    const t = r.nodes.get(target)!;
    assert.equal(t.ticksToElection, 1, `seed ${seed}: the target campaigns on its next tick`);
    t.tick();
    settle(r);
    assert.equal(t.role, 'leader', `seed ${seed}: the target won`);
    assert.equal(t.term, term + 1);
    // Write 1 (term++) still carries its vote of the old term (switchToCandidate, see node-elections.ts campaign).
    assert.deepEqual(r.writes.get(target)!.slice(before, before + 2), [{ term: term + 1, vote: 'aaaaaaaa' }, { term: term + 1, vote: target }]);
    assert.equal(r.leaders.get(term + 1), target);
  }
});

test('only a peer heard within three heartbeats is a target; none heard: plain stepdown', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const r = rig(seed);
    const a = electA(r);
    // c's answers are lost from now on; after 3 heartbeats only b counts as heard.
    const dropC = (m: RaftMessage) => m.from !== 'cccccccc';
    for (let k = 0; k < 3 * NATS_TIMING.heartbeatTicks; k++) {
      a.tick();
      settle(r, dropC);
    }
    assert.equal(a.stepDown(), 'bbbbbbbb', `seed ${seed}`);
  }
  const r = rig(3);
  const a = electA(r);
  for (let k = 0; k < 3 * NATS_TIMING.heartbeatTicks; k++) {
    a.tick();
    settle(r, (m) => m.to !== 'aaaaaaaa');
  }
  assert.equal(a.stepDown(), '');
  assert.equal(a.role, 'follower');
  collect(r);
  assert.equal(r.queue.length, 0, 'no transfer entry is sent');
});

test('a re-delivered transfer append does not start a second campaign (NATS acts on it only if new)', () => {
  const r = rig(5);
  const a = electA(r);
  const target = a.stepDown();
  collect(r);
  const xfer = r.queue.find((m) => m.to === target && m.type === 'append' && m.entries.some((e) => isTransferTo(e, target)));
  assert.ok(xfer);
  settle(r);
  const t = r.nodes.get(target)!;
  t.tick();
  settle(r);
  const term = t.term;
  // A stale copy from the old term is answered and dropped; a same-term copy would be no news either.
  t.step(xfer);
  collect(r);
  assert.equal(t.term, term);
  assert.equal(t.role, 'leader');
});

test('stepDown of a non-leader does nothing; a transfer entry names exactly one node', () => {
  const r = rig(7);
  const b = r.nodes.get('bbbbbbbb')!;
  assert.equal(b.stepDown(), '');
  assert.equal(b.hasReady(), false);
  const e = { index: 1, term: 1, data: transferData('bbbbbbbb') };
  assert.equal(isTransferTo(e, 'bbbbbbbb'), true);
  assert.equal(isTransferTo(e, 'cccccccc'), false);
  assert.equal(isTransferTo({ ...e, data: 'bbbbbbbb' }, 'bbbbbbbb'), false);
  // Recency bound: heard exactly 3 heartbeats ago no longer counts (strict <, raft.go:1262).
  assert.equal(pickTransferTarget([0, 0, -Infinity], 0, 30, 10, new Prng(1)), -1);
  assert.equal(pickTransferTarget([0, 1, -Infinity], 0, 30, 10, new Prng(1)), 1);
});

test('a follower that already holds the transfer entry does not campaign when it is sent again', () => {
  const entries = [
    { index: 1, term: 1, data: '' },
    { index: 2, term: 1, data: transferData('bbbbbbbb') },
  ];
  const resend: RaftMessage = { type: 'append', from: 'aaaaaaaa', to: 'bbbbbbbb', term: 1, prevLogIndex: 0, prevLogTerm: 0, entries, leaderCommit: 1 };
  const holder = new RaftNode({ id: 'bbbbbbbb', peers: IDS, timing: NATS_TIMING, prng: new Prng(1), restored: { term: 1, vote: 'aaaaaaaa' }, restoredLog: { snapIndex: 0, snapTerm: 0, commit: 0, entries } });
  holder.step(resend);
  assert.ok(holder.ticksToElection >= NATS_TIMING.electionTimeoutMinTicks, 'an ordinary election timer');
  holder.tick();
  assert.equal(holder.role, 'follower');
  assert.equal(holder.term, 1);
  // The same append to a node that lacks the entry: it campaigns (the control).
  const fresh = new RaftNode({ id: 'bbbbbbbb', peers: IDS, timing: NATS_TIMING, prng: new Prng(1), restored: { term: 1, vote: 'aaaaaaaa' } });
  fresh.step(resend);
  assert.equal(fresh.ticksToElection, 1);
  fresh.tick();
  assert.equal(fresh.role, 'candidate');
  assert.equal(fresh.term, 2);
});
