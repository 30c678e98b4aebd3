/**
 * The state of a `RaftNode` (node.ts: protocol, NATS-faithful points, invariants): every
 * field, the constructor that validates and restores them, and the read-only views of them. The
 * behaviour is layered on top, one concern per file: node-output.ts (what `ready()` hands out),
 * node-elections.ts, node-replication.ts, and node.ts (the public entry points and parking).
 */
import { Sfc32, type Prng } from '../env/prng.js';
import { type RaftTiming, validateTiming } from './config.js';
import { RaftError } from './errors.js';
import { RaftLog } from './log.js';
import { assertNodeId, checkPeers, isNodeId } from './node-id.js';
import type { Progress } from './progress.js';
import type { MessageSink } from './message-sink.js';
import type { LogImage, NodeId, RaftMessage, RaftRole, TermVote, VoteId } from './types.js';

/** Constructor options of `RaftNode`. */
export interface RaftNodeOptions {
  readonly id: NodeId;
  /** All voters, the node itself included. A frozen array is kept as is (share it per group). */
  readonly peers: readonly NodeId[];
  readonly timing: RaftTiming;
  /**
   * This node's own stream (e.g. `groupPrng.fork(id)`). The node continues it inline (see Sfc32):
   * its draws do not advance this object, so nothing else may draw from it afterwards.
   */
  readonly prng: Prng;
  /** Term and vote read back from `tav.idx`, if any. */
  readonly restored?: TermVote;
  /**
   * The log read back from the WAL and the last snapshot, if any (NATS startRaftNode replays them).
   * Its committed prefix counts as applied: it was applied before the stop (see the constructor).
   */
  readonly restoredLog?: LogImage;
}

/**
 * The fields and read-only getters of `RaftNode`. It extends Sfc32 only to keep the node's
 * random stream's four words inside its own object (a heartbeat's timer draw then touches no other
 * heap object); its public API has no drawing method. Every field is declared here, and only here,
 * so that their order below is the order of the whole object.
 */
export abstract class RaftNodeState extends Sfc32 {
  // Field order is memory layout (V8 lays fields out in declaration order, after Sfc32's four
  // words): what a follower touches to answer a heartbeat comes first, then what only a leader
  // touches, then the rest, so a heartbeat answer at 100k nodes touches as few cache lines of this
  // object as it can (issue #10). Regroup by access, not by topic, when adding a field.

  /** This node's id. */
  readonly id: NodeId;
  /** All voters, self included, frozen. */
  readonly peers: readonly NodeId[];
  protected readonly timing: RaftTiming;
  protected readonly log: RaftLog;
  protected roleNow: RaftRole = 'follower';
  /** True while parked (see parked.ts): its timer counters and stream live in the host's record. */
  protected parked = false;
  protected termNow: number;
  protected leaderNow: VoteId = '';
  protected commit = 0;
  /** Last index handed out in `ready().committed`. */
  protected delivered = 0;
  /** Last index acknowledged by `advance()`: what `compact` may drop. */
  protected applied = 0;
  /** Ticks since construction (tick() and skipTicks()): the clock of {@link lastHeardTicks}. */
  protected nowTicks = 0;
  protected electionElapsedTicks = 0;
  protected electionTimeoutTicks: number;
  /** Caller-owned outbox ({@link useSink}); null: messages are objects handed out by `ready()`. */
  protected sink: MessageSink | null = null;
  /** Messages written to `sink` since the last `ready()` (they make `hasReady()` true). */
  protected sunk = 0;
  protected readyOutstanding = false;
  // Pending output, allocated on first use and detached by ready().
  protected writes: TermVote[] | null = null;
  protected outbox: RaftMessage[] | null = null;

  // Leader only.
  protected heartbeatElapsedTicks = 0;
  protected quorumCheckElapsedTicks = 0;
  protected readonly selfIndex: number;
  protected progress: Progress | null = null;
  /** Bit i set = voter i answered since the last lost-quorum check. */
  protected heardMask = 0;
  /** Per voter, the tick of its last answer (NATS `ps.ts`), for leader transfer. */
  protected lastHeardTicks: number[] | null = null;

  protected voteNow: VoteId;
  /** Candidate only: bit i set = voter i granted its vote in this term. */
  protected votesMask = 0;
  protected leaderConflictsSeen = 0;

  /** Validates everything up front; throws `RaftError` (ids, peers, restored) or `RangeError` (timing). */
  constructor(opts: RaftNodeOptions) {
    super();
    assertNodeId(opts.id, 'id');
    validateTiming(opts.timing);
    this.id = opts.id;
    this.peers = checkPeers(opts.id, opts.peers);
    this.selfIndex = this.peers.indexOf(opts.id);
    this.timing = opts.timing;
    this.adoptStream(opts.prng);
    const r = opts.restored ?? { term: 0, vote: '' };
    if (!Number.isSafeInteger(r.term) || r.term < 0 || (r.vote !== '' && !isNodeId(r.vote))) {
      throw new RaftError('BAD_RESTORED', `restored term/vote is invalid: ${JSON.stringify(r)}`);
    }
    this.log = opts.restoredLog ? RaftLog.restored(opts.restoredLog) : new RaftLog();
    // A node holds entries of a term only after adopting it, so a stored log never outruns the
    // stored term unless the tav.idx write failed (a deleted dir); the term is at least the log's
    // last term, with no vote in a term raised this way.
    this.termNow = r.term;
    this.voteNow = r.vote;
    if (this.log.lastTerm > r.term) {
      this.termNow = this.log.lastTerm;
      this.voteNow = '';
    }
    // NATS replays the WAL and re-applies the committed entries the snapshot does not cover; the
    // model's state machine is empty, so they count as applied already and are not handed out
    // again (entriesCommitted counts each entry once).
    this.commit = this.delivered = this.applied = opts.restoredLog?.commit ?? 0;
    this.electionTimeoutTicks = this.drawElectionTimeout();
  }

  /**
   * What this node would leave in its WAL and snapshot if stopped now: its log (compacted prefix
   * and entries) and commit index. A copy: the node may go on.
   */
  logImage(): LogImage {
    return this.log.image(this.commit);
  }

  /** Current role. */
  get role(): RaftRole {
    return this.roleNow;
  }
  /** Current term. */
  get term(): number {
    return this.termNow;
  }
  /** Vote cast in the current term ('' = none). */
  get vote(): VoteId {
    return this.voteNow;
  }
  /** Leader of the current term as far as this node knows ('' = unknown). */
  get leaderId(): VoteId {
    return this.leaderNow;
  }
  /** Highest index known committed. */
  get commitIndex(): number {
    return this.commit;
  }
  /** Index of the last log entry. */
  get lastIndex(): number {
    return this.log.lastIndex;
  }
  /** Highest index acknowledged through `advance()`. */
  get appliedIndex(): number {
    return this.applied;
  }
  /** Highest index dropped by `compact()`. */
  get compactedIndex(): number {
    return this.log.compactedIndex;
  }
  /**
   * Highest index a host may compact up to without stranding anyone: a leader keeps every entry its
   * slowest voter has not acknowledged (there is no snapshot transfer, so a follower behind the
   * compacted prefix could never catch up); any other node, everything it has applied.
   */
  get compactableIndex(): number {
    if (this.roleNow === 'leader' && this.progress) return Math.min(this.applied, this.progress.minMatch());
    return this.applied;
  }

  /**
   * Reads one field on each cache line a heartbeat touches (this object's lines, its log's) and
   * returns a number without meaning. For a host that hosts more nodes than the CPU caches hold: it
   * reads this for a batch of nodes before stepping them, so their cache misses overlap instead of
   * each one stalling the step that needs it (issue #10). Changes nothing.
   */
  warm(): number {
    return this.termNow + this.electionTimeoutTicks + this.sunk + this.heardMask + this.votesMask + this.log.lastIndex;
  }

  /** Ticks since construction (`tick()` and `skipTicks()` calls counted). For hosts and tests. */
  get tickCount(): number {
    this.assertAwake();
    return this.nowTicks;
  }

  /** Appends received from another leader of this node's own term while leading (split brain). */
  get leaderConflicts(): number {
    return this.leaderConflictsSeen;
  }

  /** Ticks left before this follower/candidate campaigns (0 for a leader). For hosts and tests. */
  get ticksToElection(): number {
    this.assertAwake();
    return this.roleNow === 'leader' ? 0 : this.electionTimeoutTicks - this.electionElapsedTicks;
  }

  /**
   * How many `tick()` calls from now the first one that fires a timer is (always >= 1): a leader's
   * heartbeat or lost-quorum check, a follower's or candidate's election timeout. Every tick before
   * it only counts. A host that hosts many nodes uses it to touch a node only when it is due (a
   * timer wheel) and to catch it up with {@link skipTicks} when a message arrives in between.
   */
  get ticksToNextTimer(): number {
    this.assertAwake();
    if (this.roleNow === 'leader') {
      return Math.min(this.timing.lostQuorumTicks - this.quorumCheckElapsedTicks, this.timing.heartbeatTicks - this.heartbeatElapsedTicks);
    }
    return this.electionTimeoutTicks - this.electionElapsedTicks;
  }

  protected assertAwake(): void {
    if (this.parked) throw new RaftError('PARKED', `${this.id}: parked; unpark() it before calling into it`);
  }

  protected drawElectionTimeout(): number {
    return this.intBetween(this.timing.electionTimeoutMinTicks, this.timing.electionTimeoutMaxTicks);
  }
}
