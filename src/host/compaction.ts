import type { RaftNode } from '../raft/node.js';

/** Committed entries kept behind the applied index for followers that lag. */
export const COMPACT_MARGIN_ENTRIES = 256;
/** Entries a leader keeps at most for a lagging follower before compacting anyway. */
export const RETAIN_ENTRIES_MAX = 20_000;

/**
 * Compacts in chunks, keeping a margin, and never past what the slowest follower still needs (no
 * snapshot transfer: a follower behind the compacted prefix could never catch up) unless it is more
 * than RETAIN_ENTRIES_MAX behind — a dead or orphaned peer must not pin the log.
 */
export function compactIfDue(raft: RaftNode): void {
  const keep = Math.max(raft.compactableIndex, raft.appliedIndex - RETAIN_ENTRIES_MAX);
  const upTo = Math.min(raft.appliedIndex - COMPACT_MARGIN_ENTRIES, keep);
  if (upTo >= raft.compactedIndex + COMPACT_MARGIN_ENTRIES) raft.compact(upTo);
}
