import type { RaftNode } from '../raft/node.js';
import type { RaftMessage } from '../raft/types.js';

/** Writes one instance's term and vote (`tav.idx`); resolves false on a counted, logged failure. */
export interface TermVoteWriter {
  write(term: number, vote: string): Promise<boolean>;
}

/**
 * One Raft node instance as a worker hosts it. Its store paths are derived from (server, group)
 * when needed, not stored: at 100k nodes two path strings per node would be a large share of the
 * per-node heap. Several instances of one (server, group) can be hosted at once only through the
 * race; each has its own run-unique `instanceId`.
 */
export class HostedNode {
  // Field order is memory layout (V8 lays fields out in declaration order, after the constructor's
  // parameter properties): the fields a heartbeat touches come first, so a delivery to an idle node
  // touches two cache lines of it instead of four (issue #10). Cold fields follow.
  /** Position in the core's dense ticking array while started (swap-remove keeps it O(1)); -1 otherwise. */
  slot = -1;
  /**
   * NATS `n.werr`: set by a non-ENOENT write error (`Critical write error`); from then on the node
   * drops append entries (raft.go processAppendEntry returns early when werr is set).
   */
  writeError: string | null = null;
  /** Readies whose term/vote writes are still being persisted: later messages queue behind them. */
  persisting = 0;
  /**
   * Messages this node produced in a call that threw (a broken invariant), kept as objects to leave
   * with its next ready; null almost always (see HostCore.keepStray).
   */
  stray: RaftMessage[] | null = null;
  /**
   * Per peer node id, the instance whose request this node answered last: NATS replies to the
   * asker's reply inbox, so a response reaches that one instance, not every twin at its address.
   * By the peer's position in `raft.peers` (0 = none yet). The first three are fields, not an
   * array: every delivered request writes one, and at 100k nodes a separate array was one more
   * cache miss per heartbeat (issue #10); larger groups keep the rest in `askersMore`.
   */
  private asker0 = 0;
  private asker1 = 0;
  private asker2 = 0;
  /**
   * 'creating' while the create call that built it has not returned (being unreferenced then is
   * the window, not a leak); 'running' after; 'deleting' (NATS: Closed) from the moment it is
   * stopped: it no longer ticks or receives, but writes already in flight may still land or fail.
   */
  state: 'creating' | 'running' | 'deleting' = 'creating';
  /** True once the node ticks and receives (NATS: its run goroutine started, after registration). */
  started = false;
  /** Tail of this node's persist-then-send chain (driver-owned), or null when idle. */
  io: Promise<void> | null = null;
  /**
   * The last term/vote this instance wrote to `tav.idx` successfully (NATS 2.10.18+ `n.wtv`: an
   * unchanged pair is not written again); term -1 = none or the last write failed. Two fields, not
   * a retained writer: a writer with its paths and buffers was most of an idle node's heap.
   */
  tavLastTerm = -1;
  tavLastVote = '';
  /** Failed tav.idx writes of this instance (the census reports them per instance). */
  tavFailures = 0;
  /** Set once a Raft invariant broke inside this instance (only duplicates sharing an id do that). */
  broken = false;
  /** Fractional proposals owed (entries per tick accumulate until a whole entry is due). */
  proposalDebt = 0;
  /** Askers of peers 3 and up (groups larger than R3; see asker0). */
  private askersMore: number[] | null = null;


  /**
   * Reads a field on each cache line of this node a step touches, and its Raft node's (see
   * read-ahead.ts); returns a number without meaning. Changes nothing.
   */
  warm(): number {
    return this.asker2 + this.raft.warm();
  }

  /** Records that peer `i`'s request came from instance `from`. */
  setAsker(i: number, from: number): void {
    if (i === 0) this.asker0 = from;
    else if (i === 1) this.asker1 = from;
    else if (i === 2) this.asker2 = from;
    else if (i > 2) (this.askersMore ??= [])[i - 3] = from;
  }

  /** The instance that last asked from peer `i` (0: none, or `i` < 0). */
  askerOf(i: number): number {
    if (i === 0) return this.asker0;
    if (i === 1) return this.asker1;
    if (i === 2) return this.asker2;
    return i > 2 ? (this.askersMore?.[i - 3] ?? 0) : 0;
  }

  constructor(
    readonly instanceId: number,
    readonly server: number,
    readonly group: number,
    /** group * servers + server: the (server, group) address key. */
    readonly key: number,
    readonly raft: RaftNode,
  ) {}
}
