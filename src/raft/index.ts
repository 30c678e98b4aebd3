/** Public surface of the pure Raft core. */
export type { AppendRequest, AppendResponse, Entry, LogImage, NodeId, RaftMessage, RaftRole, Ready, TermVote, VoteId, VoteRequest, VoteResponse } from './types.js';
export { NATS_TICK_MS, NATS_TIMING, TIMING_TICKS_LIMIT, validateTiming, type RaftTiming } from './config.js';
export { RaftError, RaftInvariantError, TermVoteDecodeError, type RaftErrorCode, type TermVoteDecodeCode } from './errors.js';
export { MAX_VOTERS, NODE_ID_LENGTH, isNodeId } from './node-id.js';
export { TERM_VOTE_BYTES, TERM_VOTE_FILE, decodeTermVote, encodeTermVote } from './term-vote-codec.js';
export { MAX_UNCOMMITTED_ENTRIES, RaftNode, type RaftNodeOptions } from './node.js';
export { MAX_ENTRIES_PER_APPEND } from './replication.js';
export { LEADER_TRANSFER_PREFIX, TRANSFER_CAMPAIGN_TICKS, TRANSFER_RECENT_HEARTBEATS, isTransferTo, pickTransferTarget, transferData } from './leader-transfer.js';
export { KIND_APPEND, KIND_APPEND_RESPONSE, KIND_VOTE_REQUEST, KIND_VOTE_RESPONSE, messageOf, type MessageKind, type MessageSink } from './message-sink.js';
