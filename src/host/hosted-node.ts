import type { RaftNode } from '../raft/node.js';
import type { TermVoteStore } from '../storage/term-vote-store.js';

/**
 * One Raft node instance as a worker hosts it. Its store paths are derived from (server, group)
 * when needed (see NodeHost.dirOf), not stored: at 100k nodes two path strings per node would be a
 * large share of the per-node heap. Several instances of one (server, group) can be
 * hosted at once only through the race; each has its own run-unique `instanceId`.
 */
export class HostedNode {
  /** Position in the host's dense node array (swap-remove keeps it O(1)). */
  slot = -1;
  /**
   * 'creating' while the create call that built it has not returned (it runs, but its registration
   * is still to come: being unreferenced then is the window, not a leak); 'deleting' from the
   * moment its delete starts (it no longer ticks or receives: NATS stops the node first).
   */
  state: 'creating' | 'running' | 'deleting' = 'creating';
  /** Tail of this node's ready I/O chain (term/vote writes, then sends), or null when idle. */
  io: Promise<void> | null = null;
  /** Created on the first term/vote write, so idle nodes that never write carry none. */
  tav: TermVoteStore | null = null;
  /** Failed tav.idx writes of this instance (the census reports them per instance). */
  tavFailures = 0;
  /** Set once a Raft invariant broke inside this instance (only duplicates sharing an id do that). */
  broken = false;
  /** Fractional proposals owed (entries per tick accumulate until a whole entry is due). */
  proposalDebt = 0;

  constructor(
    readonly instanceId: number,
    readonly server: number,
    readonly group: number,
    /** group * servers + server: the (server, group) address key. */
    readonly key: number,
    readonly raft: RaftNode,
  ) {}
}
