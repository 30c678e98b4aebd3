/**
 * Elections of a `RaftNode`: the election timer, term/vote writes, campaigns and votes, the
 * switches to follower and leader, and the leader's lost-quorum check. See node.ts for the
 * protocol, the NATS-faithful points and the invariants.
 */
import { invariant } from './errors.js';
import { EMPTY } from './log.js';
import { KIND_VOTE_REQUEST, KIND_VOTE_RESPONSE } from './message-sink.js';
import { RaftNodeOutput } from './node-output.js';
import { Progress, popcount31, quorumSize } from './progress.js';
import type { VoteId, VoteRequest } from './types.js';

/** Elections of `RaftNode`; replication (node-replication.ts) supplies the leader's appends. */
export abstract class RaftNodeElections extends RaftNodeOutput {
  /** A leader appends `data` to its log (node-replication.ts). */
  protected abstract appendAsLeader(data: string): void;
  /** A leader sends every peer what it lacks, or a heartbeat (node-replication.ts). */
  protected abstract broadcastAppend(): void;

  protected resetElectionTimer(): void {
    this.electionElapsedTicks = 0;
    this.electionTimeoutTicks = this.drawElectionTimeout();
  }

  /** Records a term/vote change as one write, in order. Unchanged pairs produce no write. */
  protected setTermVote(term: number, vote: VoteId): void {
    invariant(term >= this.termNow, 'term never decreases');
    if (term === this.termNow) {
      if (vote === this.voteNow) return;
      invariant(this.voteNow === '', 'one vote per term', () => `${this.id} term ${term}: ${this.voteNow} -> ${vote}`);
    }
    this.termNow = term;
    this.voteNow = vote;
    (this.writes ??= []).push({ term, vote });
  }

  /**
   * Timeout as follower or candidate: term++ (write 1), self-vote (write 2), ask every peer.
   * NATS's write 1 (raft.go switchToCandidate → switchState → writeTermVote @ v2.10.18) stores the
   * new term with the vote not yet changed: `n.vote` is set to self only in requestVote, right
   * after, on the same goroutine. No message is handled in between, so in memory the new term
   * starts with no vote; only the write carries the old one. (With 2.10.x's skip-unchanged rule a
   * node whose last vote was itself then skips write 2 unless write 1 failed.)
   */
  protected campaign(): void {
    const previousVote = this.voteNow;
    this.setTermVote(this.termNow + 1, '');
    const w = this.writes;
    if (previousVote !== '' && w !== null) w[w.length - 1] = { term: this.termNow, vote: previousVote };
    this.roleNow = 'candidate';
    this.leaderNow = '';
    this.progress = null;
    this.lastHeardTicks = null;
    this.resetElectionTimer();
    this.setTermVote(this.termNow, this.id);
    this.votesMask = 1 << this.selfIndex;
    if (quorumSize(this.peers.length) <= 1) {
      this.becomeLeader();
      return;
    }
    const lastLogIndex = this.log.lastIndex;
    const lastLogTerm = this.log.lastTerm;
    for (const to of this.peers) {
      if (to !== this.id) this.send(KIND_VOTE_REQUEST, to, this.termNow, lastLogIndex, lastLogTerm, 0, EMPTY);
    }
  }

  protected onVoteRequest(m: VoteRequest): void {
    // One vote per term; none once we know this term's leader (etcd's rule).
    const canVote = this.voteNow === m.from || (this.voteNow === '' && this.leaderNow === '');
    const granted = canVote && this.log.isUpToDate(m.lastLogIndex, m.lastLogTerm);
    if (granted) {
      this.setTermVote(this.termNow, m.from);
      this.resetElectionTimer();
    }
    this.send(KIND_VOTE_RESPONSE, m.from, this.termNow, granted ? 1 : 0, 0, 0, EMPTY);
  }

  protected onVoteGranted(from: number): void {
    this.votesMask |= 1 << from;
    if (popcount31(this.votesMask) >= quorumSize(this.peers.length)) this.becomeLeader();
  }

  protected becomeFollower(term: number, leader: VoteId): void {
    this.setTermVote(term, term === this.termNow ? this.voteNow : '');
    this.roleNow = 'follower';
    this.leaderNow = leader;
    this.progress = null;
    this.lastHeardTicks = null;
    this.votesMask = 0;
    this.heartbeatElapsedTicks = 0;
    this.resetElectionTimer();
  }

  /**
   * NATS's lost-quorum check, once per `lostQuorumTicks`: unless a quorum (self included) was heard
   * from since the last check, step down to follower (same term, no leader, a fresh election
   * timeout). Returns true if it stepped down.
   */
  protected lostQuorum(): boolean {
    this.quorumCheckElapsedTicks = 0;
    const heard = popcount31(this.heardMask | (1 << this.selfIndex));
    this.heardMask = 0;
    if (heard >= quorumSize(this.peers.length)) return false;
    this.becomeFollower(this.termNow, '');
    return true;
  }

  protected becomeLeader(): void {
    invariant(this.roleNow === 'candidate' && this.voteNow === this.id, 'only a self-voted candidate becomes leader');
    this.roleNow = 'leader';
    this.leaderNow = this.id;
    // Its voters answered just now; the others not yet (NATS: ps.ts from their vote responses).
    const heard = (this.lastHeardTicks = new Array<number>(this.peers.length).fill(-Infinity));
    for (let i = 0; i < heard.length; i++) if ((this.votesMask >> i) & 1) heard[i] = this.nowTicks;
    this.votesMask = 0;
    this.heardMask = 0;
    this.quorumCheckElapsedTicks = 0;
    this.heartbeatElapsedTicks = 0;
    this.progress = new Progress(this.peers.length, this.log.lastIndex);
    // A no-op entry of the new term lets the leader commit what earlier terms left uncommitted.
    this.appendAsLeader('');
    this.broadcastAppend();
  }
}
