/**
 * Raft's rules that a random simulator reaches rarely or never, each driven directly by hand-built
 * messages to one node (a "group" of three ids, A = the node under test). Each test names the rule
 * and the bug it catches; the mutants in scripts/mutants/raft.mjs plant those bugs.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Prng } from '../../src/env/prng.js';
import { NATS_TIMING } from '../../src/raft/config.js';
import { RaftNode } from '../../src/raft/node.js';
import type { AppendRequest, Entry, RaftMessage, Ready, TermVote } from '../../src/raft/types.js';

const A = 'aaaaaaaa';
const B = 'bbbbbbbb';
const C = 'cccccccc';
const PEERS = Object.freeze([A, B, C]);

const mk = (restored?: TermVote, seed = 1): RaftNode => new RaftNode({ id: A, peers: PEERS, timing: NATS_TIMING, prng: new Prng(seed), ...(restored ? { restored } : {}) });

function drain(n: RaftNode): Ready {
  const r = n.ready();
  n.advance();
  return r;
}

const voteReq = (from: string, term: number, lastLogIndex = 0, lastLogTerm = 0): RaftMessage => ({ type: 'vote-request', from, to: A, term, lastLogIndex, lastLogTerm });
const append = (from: string, term: number, prevLogIndex: number, prevLogTerm: number, entries: readonly Entry[], leaderCommit: number): AppendRequest =>
  ({ type: 'append', from, to: A, term, prevLogIndex, prevLogTerm, entries, leaderCommit });
const appendOk = (from: string, term: number, matchIndex: number): RaftMessage => ({ type: 'append-response', from, to: A, term, success: true, matchIndex });

/** Ticks A until it campaigns, then grants it B's vote: A leads the next term. */
function makeLeader(n: RaftNode): void {
  while (n.role !== 'candidate') n.tick();
  drain(n);
  n.step({ type: 'vote-response', from: B, to: A, term: n.term, granted: true });
  assert.equal(n.role, 'leader');
  drain(n);
}

describe('§5.4.2: a leader never commits an entry of an earlier term by counting replicas', () => {
  test('an earlier-term entry on a majority stays uncommitted until an entry of the current term is', () => {
    const n = mk();
    makeLeader(n); // term 1, no-op at index 1
    assert.equal(n.propose('x'), true); // index 2, term 1 — never acknowledged in term 1
    drain(n);
    assert.equal(n.commitIndex, 0);
    // C, with a stale log, pushes A to term 2 without winning; A leads term 3 with B's vote.
    n.step(voteReq(C, 2, 0, 0));
    assert.equal(n.role, 'follower');
    drain(n);
    makeLeader(n);
    assert.equal(n.term, 3);
    assert.equal(n.lastIndex, 3, 'the term-3 no-op follows the two term-1 entries');
    // B now holds indexes 1–2 (term 1): {A, B} is a majority for index 2, but index 2 is of term 1.
    n.step(appendOk(B, 3, 2));
    assert.equal(n.commitIndex, 0, 'counting replicas of a term-1 entry must not commit it (Figure 8)');
    assert.equal(drain(n).committed.length, 0);
    // Once B holds the term-3 no-op, everything up to it commits at once.
    n.step(appendOk(B, 3, 3));
    assert.equal(n.commitIndex, 3);
    assert.deepEqual(drain(n).committed.map((e) => [e.index, e.term, e.data]), [[1, 1, ''], [2, 1, 'x'], [3, 3, '']]);
  });
});

describe('the election timer: what resets it and what must not', () => {
  /** A follower in term 5 that voted for B, `k` ticks into its election timeout. */
  function votedFollower(k: number): RaftNode {
    const n = mk({ term: 5, vote: B });
    for (let i = 0; i < k; i++) n.tick();
    if (n.hasReady()) drain(n);
    assert.equal(n.role, 'follower');
    return n;
  }

  const MUST_NOT_RESET: readonly (readonly [string, RaftMessage])[] = [
    ['a refused vote request (already voted for B in this term)', voteReq(C, 5, 9, 5)],
    ['a vote request from a stale term', voteReq(C, 4, 9, 4)],
    ['an append from a stale term (a deposed leader)', append(C, 4, 0, 0, [], 0)],
    ['a vote response', { type: 'vote-response', from: C, to: A, term: 5, granted: true }],
    ['an append response', appendOk(C, 5, 0)],
    ['a message addressed to another node', { ...append(B, 5, 0, 0, [], 0), to: C }],
  ];

  for (const [what, m] of MUST_NOT_RESET) {
    test(`${what} does not reset it: the follower still campaigns on schedule`, () => {
      const n = votedFollower(30);
      const left = n.ticksToElection;
      n.step(m);
      assert.equal(n.ticksToElection, left, 'timer untouched');
      assert.equal(n.term, 5);
      if (n.hasReady()) drain(n);
      for (let i = 0; i < left - 1; i++) n.tick();
      assert.equal(n.role, 'follower', 'not before its time');
      n.tick();
      assert.equal(n.role, 'candidate', 'exactly when the original timeout ran out');
      assert.equal(n.term, 6);
    });
  }

  test('a granted vote and an append from the current leader do reset it', () => {
    const a = mk({ term: 5, vote: '' });
    for (let i = 0; i < 30; i++) a.tick();
    const before = a.ticksToElection;
    a.step(voteReq(C, 5, 0, 0));
    assert.equal(drain(a).messages.some((m) => m.type === 'vote-response' && m.granted), true);
    assert.ok(a.ticksToElection >= NATS_TIMING.electionTimeoutMinTicks && a.ticksToElection > before, `reset: ${a.ticksToElection}`);
    const b = votedFollower(30);
    b.step(append(B, 5, 0, 0, [], 0));
    assert.ok(b.ticksToElection >= NATS_TIMING.electionTimeoutMinTicks, `reset: ${b.ticksToElection}`);
  });
});

describe('vote granting', () => {
  test('no vote in a term whose leader is known, even with no vote cast yet', () => {
    const n = mk({ term: 5, vote: '' });
    n.step(append(B, 5, 0, 0, [], 0)); // B leads term 5
    drain(n);
    n.step(voteReq(C, 5, 9, 5));
    const r = drain(n);
    assert.deepEqual(r.messages, [{ type: 'vote-response', from: A, to: C, term: 5, granted: false }]);
    assert.equal(r.termVoteWrites.length, 0);
    assert.equal(n.vote, '');
  });

  test('the log up-to-date check: last term first, then last index', () => {
    // A holds [1:t1, 2:t2] from leader B of term 2.
    const base = (): RaftNode => {
      const n = mk({ term: 2, vote: '' });
      n.step(append(B, 2, 0, 0, [{ index: 1, term: 1, data: '' }, { index: 2, term: 2, data: 'y' }], 0));
      drain(n);
      assert.equal(n.lastIndex, 2);
      return n;
    };
    const cases: readonly (readonly [string, number, number, boolean])[] = [
      ['same last term, shorter log', 1, 2, false],
      ['older last term, longer log', 9, 1, false],
      ['same last term, same length', 2, 2, true],
      ['newer last term, shorter log', 1, 3, true],
    ];
    for (const [what, lastIndex, lastTerm, granted] of cases) {
      const n = base();
      n.step(voteReq(C, 3, lastIndex, lastTerm));
      const r = drain(n);
      assert.deepEqual(r.messages.map((m) => m.type === 'vote-response' && m.granted), [granted], what);
      assert.deepEqual(r.termVoteWrites.at(-1), granted ? { term: 3, vote: C } : { term: 3, vote: '' }, what);
    }
  });
});

describe('stepping down', () => {
  test('a leader that sees a higher term in a response steps down, adopts it, clears its vote (one write)', () => {
    for (const m of [appendOk(B, 7, 1), { type: 'vote-response', from: B, to: A, term: 7, granted: false } as RaftMessage]) {
      const n = mk();
      makeLeader(n);
      n.step(m);
      assert.equal(n.role, 'follower', m.type);
      assert.equal(n.term, 7);
      assert.equal(n.leaderId, '', 'a response names no leader');
      assert.deepEqual(drain(n).termVoteWrites, [{ term: 7, vote: '' }]);
      assert.equal(n.propose('z'), false);
    }
  });

  test('a candidate that gets an append of its own term follows that leader', () => {
    const n = mk();
    while (n.role !== 'candidate') n.tick();
    drain(n);
    n.step(append(B, n.term, 0, 0, [{ index: 1, term: n.term, data: '' }], 0));
    assert.equal(n.role, 'follower');
    assert.equal(n.leaderId, B);
    assert.equal(n.lastIndex, 1);
  });

  test('a lone vote from a stale term does not make a candidate leader', () => {
    const n = mk({ term: 4, vote: '' });
    while (n.role !== 'candidate') n.tick();
    drain(n);
    n.step({ type: 'vote-response', from: B, to: A, term: 4, granted: true });
    assert.equal(n.role, 'candidate');
  });
});

describe('commit on a follower', () => {
  test('moves to min(leaderCommit, what this append proved to match), never past it', () => {
    const n = mk({ term: 3, vote: '' });
    // Stale tail from an old leader: [1:t1, 2:t1, 3:t1], nothing committed.
    n.step(append(B, 3, 0, 0, [1, 2, 3].map((index) => ({ index, term: 1, data: `old${index}` })), 0));
    drain(n);
    // The new leader C (term 4) proves only index 1 and says its commit is 3.
    n.step({ ...append(C, 4, 1, 1, [], 3) });
    assert.equal(n.commitIndex, 1, 'indexes 2–3 were not proven to match the leader: not committed');
  });
});

describe('lost quorum: a leader steps down when the peers it heard from fall silent', () => {
  test('heard from a quorum in one interval, then isolated: steps down within two intervals', () => {
    const n = mk();
    makeLeader(n);
    let t = 0;
    // One full interval with B answering every append.
    for (; t < NATS_TIMING.lostQuorumTicks; t++) {
      n.tick();
      if (!n.hasReady()) continue;
      for (const m of drain(n).messages) if (m.type === 'append' && m.to === B) n.step(appendOk(B, m.term, m.prevLogIndex + m.entries.length));
    }
    assert.equal(n.role, 'leader');
    // Then silence: an answer in an earlier interval must not count in a later one.
    while (n.role === 'leader') {
      n.tick();
      if (n.hasReady()) drain(n);
      t++;
      assert.ok(t <= 3 * NATS_TIMING.lostQuorumTicks, `still leader ${t} ticks in, ${t - NATS_TIMING.lostQuorumTicks} of them without a quorum`);
    }
    assert.equal(n.role, 'follower');
    assert.equal(n.leaderId, '');
  });
});
