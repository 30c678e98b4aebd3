/** Unit scenarios for RaftNode: the term/vote write points, vote rules, misuse errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Prng } from '../../src/env/prng.js';
import { NATS_TIMING } from '../../src/raft/config.js';
import { RaftError } from '../../src/raft/errors.js';
import { RaftNode } from '../../src/raft/node.js';
import type { RaftMessage, TermVote } from '../../src/raft/types.js';

const PEERS = Object.freeze(['aaaaaaaa', 'bbbbbbbb', 'cccccccc']);
const mk = (restored?: TermVote): RaftNode =>
  new RaftNode({ id: 'aaaaaaaa', peers: PEERS, timing: NATS_TIMING, prng: new Prng(1), ...(restored ? { restored } : {}) });
const drain = (n: RaftNode) => {
  const r = n.ready();
  n.advance();
  return r;
};
const voteReq = (from: string, term: number, lastLogIndex = 0, lastLogTerm = 0): RaftMessage => ({ type: 'vote-request', from, to: 'aaaaaaaa', term, lastLogIndex, lastLogTerm });

test('granting a vote for a higher term is two writes: adopt the term, then the vote', () => {
  const n = mk();
  n.step(voteReq('bbbbbbbb', 5));
  const r = drain(n);
  assert.deepEqual(r.termVoteWrites, [{ term: 5, vote: '' }, { term: 5, vote: 'bbbbbbbb' }]);
  assert.deepEqual(r.messages, [{ type: 'vote-response', from: 'aaaaaaaa', to: 'bbbbbbbb', term: 5, granted: true }]);
  // Same candidate again: granted, no write. Another candidate: refused, no write.
  n.step(voteReq('bbbbbbbb', 5));
  n.step(voteReq('cccccccc', 5));
  const r2 = drain(n);
  assert.equal(r2.termVoteWrites.length, 0);
  assert.deepEqual(r2.messages.map((m) => m.type === 'vote-response' && m.granted), [true, false]);
});

test('a stale log gets no vote; the term is still adopted (one write)', () => {
  const n = mk();
  // Make n a leader of term 1 with its no-op entry at index 1.
  while (n.role !== 'candidate') n.tick();
  drain(n);
  n.step({ type: 'vote-response', from: 'bbbbbbbb', to: 'aaaaaaaa', term: 1, granted: true });
  assert.equal(n.role, 'leader');
  drain(n);
  n.step(voteReq('cccccccc', 2, 0, 0));
  const r = drain(n);
  assert.equal(n.role, 'follower');
  assert.deepEqual(r.termVoteWrites, [{ term: 2, vote: '' }]);
  assert.deepEqual(r.messages.map((m) => m.type === 'vote-response' && m.granted), [false]);
});

test('stale requests are answered with the current term; stale responses are dropped', () => {
  const n = mk({ term: 7, vote: '' });
  n.step(voteReq('bbbbbbbb', 3));
  n.step({ type: 'append', from: 'bbbbbbbb', to: 'aaaaaaaa', term: 3, prevLogIndex: 0, prevLogTerm: 0, entries: [], leaderCommit: 0 });
  n.step({ type: 'vote-response', from: 'bbbbbbbb', to: 'aaaaaaaa', term: 3, granted: true });
  const r = drain(n);
  assert.equal(r.termVoteWrites.length, 0);
  assert.deepEqual(r.messages.map((m) => [m.type, m.term]), [['vote-response', 7], ['append-response', 7]]);
});

test('messages to another node or from a non-voter are ignored', () => {
  const n = mk();
  n.step({ ...voteReq('bbbbbbbb', 9), to: 'cccccccc' });
  n.step(voteReq('zzzzzzzz', 9));
  assert.equal(n.hasReady(), false);
  assert.equal(n.term, 0);
});

test('a valid append resets the follower timer and names the leader', () => {
  const n = mk();
  for (let i = 0; i < 39; i++) n.tick();
  n.step({ type: 'append', from: 'bbbbbbbb', to: 'aaaaaaaa', term: 1, prevLogIndex: 0, prevLogTerm: 0, entries: [{ index: 1, term: 1, data: '' }], leaderCommit: 1 });
  assert.equal(n.leaderId, 'bbbbbbbb');
  assert.ok(n.ticksToElection >= 40);
  const r = drain(n);
  assert.deepEqual(r.termVoteWrites, [{ term: 1, vote: '' }]);
  assert.deepEqual(r.committed, [{ index: 1, term: 1, data: '' }]);
  assert.equal(n.propose('x'), false, 'only a leader proposes');
});

test('campaignSoon arms a 1-8 tick campaign timer', () => {
  const n = mk();
  n.campaignSoon();
  assert.ok(n.ticksToElection >= 1 && n.ticksToElection <= 8);
});

test('restored term/vote is kept without a write', () => {
  const n = mk({ term: 4, vote: 'cccccccc' });
  assert.equal(n.term, 4);
  assert.equal(n.vote, 'cccccccc');
  assert.equal(n.hasReady(), false);
  n.step(voteReq('bbbbbbbb', 4, 10, 4));
  assert.deepEqual(drain(n).messages.map((m) => m.type === 'vote-response' && m.granted), [false], 'already voted in term 4');
});

test('misuse is a RaftError with a stable code', () => {
  const code = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      if (e instanceof RaftError) return e.code;
      throw e;
    }
    return 'none';
  };
  const base = { timing: NATS_TIMING, prng: new Prng(1) };
  assert.equal(code(() => new RaftNode({ ...base, id: 'short', peers: ['short'] })), 'BAD_NODE_ID');
  assert.equal(code(() => new RaftNode({ ...base, id: 'aaaaaaaa', peers: ['bbbbbbbb'] })), 'BAD_PEERS');
  assert.equal(code(() => new RaftNode({ ...base, id: 'aaaaaaaa', peers: ['aaaaaaaa', 'aaaaaaaa'] })), 'BAD_PEERS');
  assert.equal(code(() => new RaftNode({ ...base, id: 'aaaaaaaa', peers: [] })), 'BAD_PEERS');
  assert.equal(code(() => new RaftNode({ ...base, id: 'aaaaaaaa', peers: PEERS, restored: { term: -1, vote: '' } })), 'BAD_RESTORED');
  assert.throws(() => new RaftNode({ ...base, id: 'aaaaaaaa', peers: PEERS, timing: { ...NATS_TIMING, heartbeatTicks: 0 } }), RangeError);
  const n = mk();
  assert.equal(code(() => n.advance()), 'ADVANCE_WITHOUT_READY');
  n.ready();
  assert.equal(code(() => n.ready()), 'READY_NOT_ADVANCED');
  assert.equal(n.hasReady(), false);
  n.advance();
  assert.equal(code(() => n.compact(1)), 'BAD_COMPACT');
});

test('an unfrozen peers list is copied and frozen; a frozen one is shared', () => {
  const peers = ['aaaaaaaa', 'bbbbbbbb'];
  const n = new RaftNode({ id: 'aaaaaaaa', peers, timing: NATS_TIMING, prng: new Prng(1) });
  peers.push('cccccccc');
  assert.equal(n.peers.length, 2);
  assert.ok(Object.isFrozen(n.peers));
  assert.equal(mk().peers, PEERS);
});
