import type { RaftMessage, TermVote } from '../raft/types.js';
import type { HostedNode } from './hosted-node.js';
import type { WireBatch } from './wire-batch.js';

/**
 * What the synchronous host core decided and the async driver must carry out, in this order:
 * directory changes (so routing sees who receives), outgoing batches, then each node's
 * persist-then-send (its term/vote writes in order; only once they are stored are its messages
 * handed back to the core for routing — Raft's persistence rule).
 */
export interface Effects {
  readonly dirChanges: DirChange[];
  readonly sends: Send[];
  readonly persists: PersistThenSend[];
}

/** A node started (+1) or stopped (-1) receiving at (server, group) on this worker. */
export interface DirChange {
  readonly server: number;
  readonly group: number;
  readonly delta: 1 | -1;
}

/** One batch for one other worker. */
export interface Send {
  readonly worker: number;
  readonly batch: WireBatch;
}

export interface PersistThenSend {
  readonly node: HostedNode;
  readonly writes: readonly TermVote[];
  readonly messages: readonly RaftMessage[];
}

export function noEffects(): Effects {
  return { dirChanges: [], sends: [], persists: [] };
}
