/**
 * Pure log-replication steps shared by RaftNode's leader and follower paths: building one append
 * for a peer, and applying a received append to a follower's log. No node state is kept here.
 */
import { invariant } from './errors.js';
import type { RaftLog } from './log.js';
import type { Progress } from './progress.js';
import type { AppendRequest, NodeId } from './types.js';

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

/**
 * Follower side of an append from the current leader (same term, already checked). On a match the
 * log takes the entries and the commit index moves to min(leaderCommit, last matched index): only
 * what this message proved to match may be committed. Returns the new commit index, or -1 on a
 * mismatch (the log is then unchanged). The last matched index is `prevLogIndex + entries.length`.
 *
 * No object is built here: the caller writes the response with one object literal. (It used to
 * build `{ ...base, success, matchIndex }` plus a result object; that spread cost about 12 µs per
 * append in V8 12 / Node 20, most of a heartbeat's delivery cost; see reports/host-scale-*.md.)
 */
export function acceptAppend(log: RaftLog, m: AppendRequest, commitIndex: number): number {
  const match = log.maybeAppend(m.prevLogIndex, m.prevLogTerm, m.entries, commitIndex);
  if (match < 0) return -1;
  const commit = Math.max(commitIndex, Math.min(m.leaderCommit, match));
  invariant(commit <= log.lastIndex, 'follower commitIndex <= lastIndex');
  return commit;
}
