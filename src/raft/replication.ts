/**
 * Pure log-replication steps shared by RaftNode's leader and follower paths: building one append
 * for a peer, and applying a received append to a follower's log. No node state is kept here.
 */
import { invariant } from './errors.js';
import type { RaftLog } from './log.js';
import type { Progress } from './progress.js';
import type { AppendRequest, AppendResponse, NodeId } from './types.js';

/** Most entries one append message carries; a lagging follower catches up in batches. */
export const MAX_ENTRIES_PER_APPEND = 64;

/**
 * The append a leader sends to voter `i`: entries from its next index (at most a batch), or an
 * empty heartbeat when it is up to date. A peer whose next index lies in the compacted prefix gets
 * entries from the first held index (it will reject them: there is no snapshot transfer).
 */
export function buildAppend(log: RaftLog, p: Progress, i: number, from: NodeId, to: NodeId, term: number, leaderCommit: number): AppendRequest {
  const next = Math.max(p.nextOf(i), log.firstIndex);
  const hi = Math.min(log.lastIndex, next + MAX_ENTRIES_PER_APPEND - 1);
  return {
    type: 'append',
    from,
    to,
    term,
    prevLogIndex: next - 1,
    prevLogTerm: log.term(next - 1),
    entries: log.slice(next, hi + 1),
    leaderCommit,
  };
}

/** Result of {@link acceptAppend}: the response to send and the follower's new commit index. */
export interface AcceptResult {
  readonly response: AppendResponse;
  readonly commitIndex: number;
}

/**
 * Follower side of an append from the current leader (same term, already checked). On a match the
 * log takes the entries and the commit index moves to min(leaderCommit, last matched index): only
 * what this message proved to match may be committed. On a mismatch the response carries a hint
 * (the follower's last index, capped below prevLogIndex) so the leader can back off in one step.
 */
export function acceptAppend(log: RaftLog, m: AppendRequest, self: NodeId, commitIndex: number): AcceptResult {
  const match = log.maybeAppend(m.prevLogIndex, m.prevLogTerm, m.entries, commitIndex);
  const base = { type: 'append-response', from: self, to: m.from, term: m.term } as const;
  if (match < 0) {
    const hint = Math.min(log.lastIndex, m.prevLogIndex - 1);
    return { response: { ...base, success: false, matchIndex: hint }, commitIndex };
  }
  const commit = Math.max(commitIndex, Math.min(m.leaderCommit, match));
  invariant(commit <= log.lastIndex, 'follower commitIndex <= lastIndex');
  return { response: { ...base, success: true, matchIndex: match }, commitIndex: commit };
}
