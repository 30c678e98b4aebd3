/**
 * Replication of a `RaftNode`: the leader's appends and their answers, a follower's accepting
 * of appends (and of a leader-transfer entry naming it), and the leader's commit rule. See node.ts
 * for the protocol and invariants.
 */
import { invariant } from './errors.js';
import { EMPTY } from './log.js';
import { KIND_APPEND, KIND_APPEND_RESPONSE } from './message-sink.js';
import { RaftNodeElections } from './node-elections.js';
import type { Progress } from './progress.js';
import { acceptAppend, appendEntries, appendNext } from './replication.js';
import { LEADER_TRANSFER_PREFIX, TRANSFER_CAMPAIGN_TICKS, isTransferTo } from './leader-transfer.js';
import type { AppendRequest, Entry, NodeId } from './types.js';

/** Replication of `RaftNode`. */
export abstract class RaftNodeReplication extends RaftNodeElections {
  protected override appendAsLeader(data: string): void {
    this.log.append(this.termNow, data);
    const p = this.progress as Progress;
    p.setSelf(this.selfIndex, this.log.lastIndex);
    this.maybeCommit();
  }

  protected onAppend(m: AppendRequest): void {
    if (this.roleNow === 'leader') {
      // Another leader in our own term: impossible while node ids are unique, but two instances
      // sharing one id (the #5824 duplicate) can each collect votes. NATS steps down to break the
      // tie; we do the same and count it, so hosts can report the split brain.
      this.leaderConflictsSeen++;
      this.becomeFollower(this.termNow, m.from);
    }
    if (this.roleNow === 'candidate') this.becomeFollower(this.termNow, m.from);
    this.leaderNow = m.from;
    this.resetElectionTimer();
    const transfer = this.newTransferToMe(m.entries);
    const commit = acceptAppend(this.log, m, this.commit);
    if (commit < 0) {
      // Mismatch: the hint is our last index, capped below prevLogIndex, so the leader backs off in one step.
      const hint = Math.min(this.log.lastIndex, m.prevLogIndex - 1);
      this.send(KIND_APPEND_RESPONSE, m.from, m.term, 0, hint, 0, EMPTY);
      return;
    }
    this.commit = commit;
    this.send(KIND_APPEND_RESPONSE, m.from, m.term, 1, m.prevLogIndex + m.entries.length, 0, EMPTY);
    // NATS xferCampaign (raft.go:1318–1325 @ v2.9.10): `resetElect(10 * time.Millisecond)`, an
    // election timer of 10 ms, rounded up to one tick as the campaign minimum is (config.ts). Not
    // at once: in those 10 ms the follower's own delete can stop it, and then it never writes
    // (measured: campaigning at once made 53% of model deletions fail, reports/…-s4b-interleaved-a).
    // It is an ordinary campaign when it fires: Raft's vote rules decide.
    if (transfer) {
      this.electionElapsedTicks = 0;
      this.electionTimeoutTicks = TRANSFER_CAMPAIGN_TICKS;
    }
  }

  /**
   * Whether `entries` hold a transfer entry naming this node that its log does not hold yet (NATS
   * acts on it only `if isNew`, raft.go:2958 @ v2.9.10: a re-sent append does not campaign again).
   * Checked before the append is applied. A data's first char decides cheaply for all other entries.
   */
  protected newTransferToMe(entries: readonly Entry[]): boolean {
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k] as Entry;
      if (e.data.charCodeAt(0) !== LEADER_TRANSFER_PREFIX.charCodeAt(0)) continue;
      if (isTransferTo(e, this.id) && e.index > this.log.compactedIndex && this.log.term(e.index) !== e.term) return true;
    }
    return false;
  }

  protected onAppendResponse(from: number, success: boolean, matchIndex: number): void {
    const p = this.progress as Progress;
    const last = this.log.lastIndex;
    // Send more at once only when this response moved the peer's progress: a stale or duplicated
    // response then triggers nothing, so responses can never multiply into a storm. Anything else
    // (a lost message, a peer that needs compacted entries) waits for the next heartbeat.
    if (success) {
      if (p.onSuccess(from, matchIndex, last)) {
        this.maybeCommit();
        if (p.nextOf(from) <= last) this.sendAppend(from);
      }
    } else if (p.onReject(from, matchIndex, last) && p.nextOf(from) >= this.log.firstIndex) {
      this.sendAppend(from);
    }
  }

  /** Commit what a majority holds, but only through an entry of the current term (§5.4.2). */
  protected maybeCommit(): void {
    const q = (this.progress as Progress).quorumMatch();
    if (q > this.commit && this.log.term(q) === this.termNow) this.commit = q;
    invariant(this.commit <= this.log.lastIndex, 'commitIndex <= lastIndex');
  }

  protected override broadcastAppend(): void {
    for (let i = 0; i < this.peers.length; i++) if (i !== this.selfIndex) this.sendAppend(i);
  }

  protected sendAppend(i: number): void {
    const next = appendNext(this.log, this.progress as Progress, i);
    this.send(KIND_APPEND, this.peers[i] as NodeId, this.termNow, next - 1, this.log.term(next - 1), this.commit, appendEntries(this.log, next));
  }
}
