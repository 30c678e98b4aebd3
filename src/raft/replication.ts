/**
 * Pure log-replication steps shared by RaftNode's leader and follower paths: building one append
 * for a peer, and applying a received append to a follower's log. No node state is kept here.
 */
import { invariant } from './errors.js';
import type { RaftLog } from './log.js';
import type { Progress } from './progress.js';
import type { AppendRequest, Entry } from './types.js';

/** Most entries one append message carries; a lagging follower catches up in batches. */
export const MAX_ENTRIES_PER_APPEND = 64;

/**
 * The next index of the append a leader sends to voter `i`: entries from its next index (at most
 * a batch), or an empty heartbeat when it is up to date. A peer whose next index lies in the compacted prefix gets
 * entries from the first held index (it will reject them: there is no snapshot transfer).
 */
export function appendNext(log: RaftLog, p: Progress, i: number): number {
  return Math.max(p.nextOf(i), log.firstIndex);
}

/**
 * The entries of that append: from `next` on, at most a batch (empty: a heartbeat). Its
 * prevLogIndex is `next - 1` and prevLogTerm `log.term(next - 1)`. (Fields, not a message object:
 * the node writes them into its outbox or a caller-owned sink.)
 */
export function appendEntries(log: RaftLog, next: number): readonly Entry[] {
  const hi = Math.min(log.lastIndex, next + MAX_ENTRIES_PER_APPEND - 1);
  return log.slice(next, hi + 1);
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
