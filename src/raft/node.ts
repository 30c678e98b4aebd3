/**
 * A pure Raft voter in the etcd-raft shape: the host calls `tick()` once per tick, hands every
 * received message to `step()`, and drains `ready()` (persist term/vote, then send, then apply)
 * before `advance()`. No clock, timer, randomness source, file or thread is touched here: time is
 * the tick count and randomness is the injected `Prng`.
 *
 * NATS-faithful points (v2.10.18): election timeout uniform in [min, max] re-drawn on every reset;
 * a timed-out follower or candidate does term++ (term/vote write 1, which still carries the vote
 * of the previous term: switchToCandidate writes before requestVote changes it) then votes for
 * itself (write 2); a node that can reach nobody campaigns
 * again every election timeout forever (the #5824 orphan); a single-voter group leads at once.
 *
 * Invariants (asserted):
 * - term never decreases; within one term the vote goes at most from '' to one id;
 * - a leader holds its own vote and never sees an append from another leader of its term;
 * - commitIndex never decreases and never exceeds lastIndex; a leader only commits by counting
 *   replicas for an entry of its own term (§5.4.2);
 * - delivered (handed out by ready) <= commitIndex, applied (acknowledged) <= delivered.
 */
import type { RaftTiming } from './config.js';
import { RaftError } from './errors.js';
import { EMPTY } from './log.js';
import type { Progress } from './progress.js';
import { KIND_APPEND_RESPONSE, KIND_VOTE_RESPONSE } from './message-sink.js';
import { RaftNodeReplication } from './node-replication.js';
import { NOT_PARKED, PARKED_FOLLOWER, PARKED_LEADER, PARKED_VOTERS_MAX, P_COMMIT, P_ELECTION_ELAPSED, P_ELECTION_TIMEOUT, P_HEARD_MASK, P_HEARTBEAT_ELAPSED, P_LAST_HEARD, P_LAST_INDEX, P_LAST_TERM, P_LEADER, P_NOW, P_QUORUM_CHECK_ELAPSED, P_SELF, P_STATE, P_STREAM, P_TERM, P_VOTERS } from './parked.js';
import { pickTransferTarget, transferData } from './leader-transfer.js';
import type { NodeId, RaftMessage, VoteId } from './types.js';

export type { RaftNodeOptions } from './node-state.js';

/** Most proposed-but-uncommitted entries a leader accepts before `propose` returns false. */
export const MAX_UNCOMMITTED_ENTRIES = 10_000;

/**
 * One Raft voter. See the file comment for the protocol and invariants. Its state and getters are
 * in node-state.ts (which says why it extends Sfc32), its output in node-output.ts, elections in
 * node-elections.ts, replication in node-replication.ts; here are the entry points a host calls
 * and parking.
 */
export class RaftNode extends RaftNodeReplication {
  /**
   * Exactly `k` calls of `tick()` none of which fires a timer, in O(1): the node ends in the state
   * those ticks would have left it in (they only count). Throws `RaftError('BAD_SKIP')` unless
   * `0 <= k < ticksToNextTimer` (skipping over a timer would change Raft's behaviour).
   */
  skipTicks(k: number): void {
    this.assertAwake();
    if (!Number.isSafeInteger(k) || k < 0 || k >= this.ticksToNextTimer) {
      throw new RaftError('BAD_SKIP', `${this.id}: can skip 0..${this.ticksToNextTimer - 1} ticks without passing a timer, got ${String(k)}`);
    }
    this.nowTicks += k;
    if (this.roleNow === 'leader') {
      this.quorumCheckElapsedTicks += k;
      this.heartbeatElapsedTicks += k;
    } else {
      this.electionElapsedTicks += k;
    }
  }

  /**
   * Advances time by one tick. O(1) and allocation-free unless a timer fires: a leader's heartbeat
   * (one append per peer) or a follower's/candidate's election timeout (a campaign).
   */
  tick(): void {
    this.assertAwake();
    this.nowTicks++;
    if (this.roleNow === 'leader') {
      if (++this.quorumCheckElapsedTicks >= this.timing.lostQuorumTicks && this.lostQuorum()) return;
      if (++this.heartbeatElapsedTicks >= this.timing.heartbeatTicks) {
        this.heartbeatElapsedTicks = 0;
        this.broadcastAppend();
      }
      return;
    }
    if (++this.electionElapsedTicks >= this.electionTimeoutTicks) this.campaign();
  }

  /**
   * NATS "campaign if preferred and term 0": re-arm the election timer with a campaign timeout
   * drawn from [campaignMinTicks, campaignMaxTicks]. The host decides when it applies; a leader
   * ignores it.
   */
  campaignSoon(): void {
    this.assertAwake();
    if (this.roleNow === 'leader') return;
    this.electionElapsedTicks = 0;
    this.electionTimeoutTicks = this.intBetween(this.timing.campaignMinTicks, this.timing.campaignMaxTicks);
  }

  /** Leader only: appends `data` and starts replicating it. False if not leader or too far ahead. */
  propose(data: string): boolean {
    this.assertAwake();
    if (this.roleNow !== 'leader') return false;
    if (this.log.lastIndex - this.commit >= MAX_UNCOMMITTED_ENTRIES) return false;
    this.appendAsLeader(data);
    this.broadcastAppend();
    return true;
  }

  /**
   * Handles one message. Messages not addressed to this node, or from a non-voter, are ignored.
   * The node keeps no reference to `m` or its fields' containers other than `m.entries`' elements,
   * so a host may step one reused object per message type.
   */
  step(m: RaftMessage): void {
    this.assertAwake();
    if (m.to !== this.id || m.from === this.id) return;
    const from = this.peers.indexOf(m.from);
    if (from < 0) return;
    if (m.term > this.termNow) {
      // Adopt the higher term (a term/vote write); only an append names the new leader.
      this.becomeFollower(m.term, m.type === 'append' ? m.from : '');
    } else if (m.term < this.termNow) {
      // Stale sender: answer its requests so it learns our term; drop stale responses.
      if (m.type === 'vote-request') this.send(KIND_VOTE_RESPONSE, m.from, this.termNow, 0, 0, 0, EMPTY);
      else if (m.type === 'append') this.send(KIND_APPEND_RESPONSE, m.from, this.termNow, 0, this.log.lastIndex, 0, EMPTY);
      return;
    }
    switch (m.type) {
      case 'vote-request':
        this.onVoteRequest(m);
        return;
      case 'vote-response':
        if (this.roleNow === 'candidate' && m.granted) this.onVoteGranted(from);
        return;
      case 'append':
        this.onAppend(m);
        return;
      case 'append-response':
        if (this.roleNow === 'leader') {
          this.heardMask |= 1 << from;
          (this.lastHeardTicks as number[])[from] = this.nowTicks;
          this.onAppendResponse(from, m.success, m.matchIndex);
        }
        return;
    }
  }

  /**
   * NATS `StepDown()` with no preferred peer (raft.go:1234–1291 @ v2.9.10; see leader-transfer.ts):
   * a leader that heard a peer within three heartbeats appends a transfer entry naming it and
   * sends it at once, then steps down to follower in the same term (no term/vote write: v2.9.10's
   * stepdown keeps term and vote). Returns the target's id, or '' if there was none; a non-leader
   * does nothing and returns ''. The entry stays in the log like any other (NATS stores it in the
   * WAL), so a later leader commits it; only its receipt matters.
   */
  stepDown(): VoteId {
    this.assertAwake();
    if (this.roleNow !== 'leader') return '';
    const i = pickTransferTarget(this.lastHeardTicks as number[], this.selfIndex, this.nowTicks, this.timing.heartbeatTicks, { intBetween: (lo, hi) => this.intBetween(lo, hi) });
    const target = i < 0 ? '' : (this.peers[i] as NodeId);
    if (target !== '') {
      this.appendAsLeader(transferData(target));
      this.sendAppend(i);
    }
    this.becomeFollower(this.termNow, '');
    return target;
  }

  /**
   * Parks this node in record `r` at `b` (see parked.ts) if it is in steady state: a follower of a
   * known leader, or a leader with at most PARKED_VOTERS_MAX voters that all hold its whole log;
   * output attached to a sink, nothing pending for `ready()`, and `timing` its own. Returns false
   * (nothing changed) otherwise. While parked only the functions of parked.ts may advance it; any
   * other call that reads or moves its timers throws `RaftError('PARKED')` until {@link unpark}.
   */
  park(r: Float64Array, b: number, timing: RaftTiming): boolean {
    if (this.parked || timing !== this.timing || this.sink === null || this.readyOutstanding || this.writes !== null || this.outbox !== null) return false;
    if (this.sunk !== 0 || this.commit !== this.delivered || this.delivered !== this.applied) return false;
    const last = this.log.lastIndex;
    if (this.roleNow === 'follower') {
      const leader = this.leaderNow === '' ? -1 : this.peers.indexOf(this.leaderNow);
      if (leader < 0) return false;
      r[b + P_STATE] = PARKED_FOLLOWER;
      r[b + P_ELECTION_ELAPSED] = this.electionElapsedTicks;
      r[b + P_ELECTION_TIMEOUT] = this.electionTimeoutTicks;
      this.saveWords(r, b + P_STREAM);
      r[b + P_LEADER] = leader;
    } else if (this.roleNow === 'leader') {
      const p = this.progress as Progress;
      const heard = this.lastHeardTicks as number[];
      const n = this.peers.length;
      if (n > PARKED_VOTERS_MAX) return false;
      for (let i = 0; i < n; i++) if (i !== this.selfIndex && (p.matchOf(i) !== last || p.nextOf(i) !== last + 1)) return false;
      r[b + P_STATE] = PARKED_LEADER;
      r[b + P_HEARTBEAT_ELAPSED] = this.heartbeatElapsedTicks;
      r[b + P_QUORUM_CHECK_ELAPSED] = this.quorumCheckElapsedTicks;
      r[b + P_HEARD_MASK] = this.heardMask;
      r[b + P_SELF] = this.selfIndex;
      r[b + P_VOTERS] = n;
      for (let i = 0; i < n; i++) r[b + P_LAST_HEARD + i] = heard[i]!;
    } else {
      return false;
    }
    r[b + P_TERM] = this.termNow;
    r[b + P_LAST_INDEX] = last;
    r[b + P_LAST_TERM] = this.log.lastTerm;
    r[b + P_COMMIT] = this.commit;
    r[b + P_NOW] = this.nowTicks;
    this.parked = true;
    return true;
  }

  /** Takes back what parking moved to record `r` at `b` (a no-op unless parked). */
  unpark(r: Float64Array, b: number): void {
    if (!this.parked) return;
    this.parked = false;
    const state = r[b + P_STATE];
    r[b + P_STATE] = NOT_PARKED;
    this.nowTicks = r[b + P_NOW]!;
    if (state === PARKED_FOLLOWER) {
      this.electionElapsedTicks = r[b + P_ELECTION_ELAPSED]!;
      this.electionTimeoutTicks = r[b + P_ELECTION_TIMEOUT]!;
      this.loadWords(r, b + P_STREAM);
    } else {
      this.heartbeatElapsedTicks = r[b + P_HEARTBEAT_ELAPSED]!;
      this.quorumCheckElapsedTicks = r[b + P_QUORUM_CHECK_ELAPSED]!;
      this.heardMask = r[b + P_HEARD_MASK]!;
      const heard = this.lastHeardTicks as number[];
      for (let i = 0; i < heard.length; i++) heard[i] = r[b + P_LAST_HEARD + i]!;
    }
  }

  /** Whether the node is parked (see {@link park}). */
  get isParked(): boolean {
    return this.parked;
  }
}
