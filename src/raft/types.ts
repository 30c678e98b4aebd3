/**
 * The data types of the pure Raft core: node ids, the persisted term/vote pair, log entries, the
 * wire messages and the `Ready` batch a host drains. Nothing here does I/O.
 */

/** A node id: exactly {@link NODE_ID_LENGTH} printable ASCII characters, like a NATS node id. */
export type NodeId = string;

/**
 * A vote: a {@link NodeId}, or '' for "no vote in this term". Spelled out although `NodeId` is
 * `string`, because the '' case is part of the contract.
 */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- '' documents "no vote"
export type VoteId = NodeId | '';

/** The three roles of a voter. */
export type RaftRole = 'follower' | 'candidate' | 'leader';

/** The pair persisted in `tav.idx`: the current term and the node voted for in it ('' = none). */
export interface TermVote {
  readonly term: number;
  readonly vote: VoteId;
}

/**
 * A node's log as its WAL and snapshot hold it after a graceful stop (NATS `Stop()` flushes the
 * filestore): the compacted prefix (`snapIndex`, `snapTerm`: NATS's last snapshot), the entries
 * after it, and the commit index the node knew. Invariants (checked on restore):
 * `entries[k].index === snapIndex + 1 + k`, terms never decrease and start at >= `snapTerm`,
 * `snapIndex <= commit <= snapIndex + entries.length`.
 */
export interface LogImage {
  readonly snapIndex: number;
  readonly snapTerm: number;
  readonly commit: number;
  readonly entries: readonly Entry[];
}

/**
 * One log entry. Invariant: `index >= 1`, `term >= 1`; within a log, indexes are consecutive and
 * terms never decrease. `data` is opaque to Raft; a leader appends one entry with `data === ''` (a
 * no-op, as etcd and NATS do) when it takes office, so it can commit entries of earlier terms.
 */
export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly data: string;
}

/** Fields every message carries. `term` is the sender's current term when it was built. */
interface MessageBase {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
}

/** A candidate asks for a vote; `lastLogIndex`/`lastLogTerm` feed the up-to-date check. */
export interface VoteRequest extends MessageBase {
  readonly type: 'vote-request';
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
}

/** The answer to a {@link VoteRequest}. */
export interface VoteResponse extends MessageBase {
  readonly type: 'vote-response';
  readonly granted: boolean;
}

/**
 * Leader to follower: entries after `prevLogIndex` (empty for a heartbeat) and the leader's commit
 * index. Invariant: `entries[i].index === prevLogIndex + 1 + i`.
 */
export interface AppendRequest extends MessageBase {
  readonly type: 'append';
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  readonly entries: readonly Entry[];
  readonly leaderCommit: number;
}

/**
 * Follower to leader. On success `matchIndex` is the last index known to match the leader's log;
 * on rejection it is a hint: the follower's last index, so the leader can skip back quickly.
 */
export interface AppendResponse extends MessageBase {
  readonly type: 'append-response';
  readonly success: boolean;
  readonly matchIndex: number;
}

/** Every message the core sends or accepts, discriminated on `type`. */
export type RaftMessage = VoteRequest | VoteResponse | AppendRequest | AppendResponse;

/**
 * What the host must do next, drained with `RaftNode.ready()` and acknowledged with `advance()`.
 * Order of work for the host: persist `termVoteWrites` (in order), then send `messages`, then apply
 * `committed`.
 */
export interface Ready {
  /**
   * One element per moment NATS v2.10.18 calls writeTermVote, in order (NOT coalesced): switch to
   * candidate (term++), self-vote, granting a vote, adopting a higher term, stepping down. Only
   * when term or vote actually changed. The host must persist these BEFORE sending `messages`.
   */
  readonly termVoteWrites: readonly TermVote[];
  /** Messages to send, in the order they were produced. */
  readonly messages: readonly RaftMessage[];
  /** Entries newly committed since the last ready, in index order, consecutive. */
  readonly committed: readonly Entry[];
}
