import { EMPTY } from '../raft/log.js';
import { KIND_APPEND, KIND_APPEND_RESPONSE, KIND_VOTE_REQUEST, KIND_VOTE_RESPONSE, messageOf, type MessageKind, type MessageSink } from '../raft/message-sink.js';
import type { AppendRequest, AppendResponse, Entry, NodeId, RaftMessage, VoteRequest, VoteResponse } from '../raft/types.js';
import { nodeIdOf, serverOfNodeId } from './address.js';

/**
 * Raft messages as fixed numeric records, struct of arrays, so a message between two nodes of one
 * worker is never an object (issue #10). The record layout is the cross-worker wire layout
 * (wire-batch.ts), REC numbers each:
 *
 *   0 kind  1 group  2 addressee server  3 sending instance  4 reply target (0: request)
 *   5 sender's server  6 term  7 a  8 b  9 c  10 entries index (-1: none)
 *
 * with a, b, c the kind's fields as in src/raft/message-sink.ts. Node ids travel as server numbers:
 * the host names every node `nodeIdOf(server)`.
 */
export const REC = 11;

/**
 * Writes one record at offset `o` of `x`, in the layout above: the one writer of that layout, for
 * staged local records and for cross-worker batches alike. `entryIndex` is -1 for no entries.
 */
export function writeRecord(x: Float64Array, o: number, kind: number, group: number, server: number, from: number, to: number, fromServer: number, term: number, a: number, b: number, c: number, entryIndex: number): void {
  x[o] = kind;
  x[o + 1] = group;
  x[o + 2] = server;
  x[o + 3] = from;
  x[o + 4] = to;
  x[o + 5] = fromServer;
  x[o + 6] = term;
  x[o + 7] = a;
  x[o + 8] = b;
  x[o + 9] = c;
  x[o + 10] = entryIndex;
}

const FIRST_RECORDS = 256;

/** A growable list of records; cleared and refilled, never shrunk, so steady state allocates nothing. */
export class MessageRecords {
  nums = new Float64Array(FIRST_RECORDS * REC);
  /** Non-empty append entries, by the index in slot 10. */
  readonly entries: (readonly Entry[])[] = [];
  length = 0;

  /** Appends one record; returns its offset in `nums`. */
  push(kind: number, group: number, server: number, from: number, to: number, fromServer: number, term: number, a: number, b: number, c: number, entries: readonly Entry[]): number {
    const o = this.length * REC;
    if (o + REC > this.nums.length) this.grow();
    writeRecord(this.nums, o, kind, group, server, from, to, fromServer, term, a, b, c, entries.length === 0 ? -1 : this.entries.push(entries) - 1);
    this.length++;
    return o;
  }

  /** A message object as a record (group, instance and reply target 0: filled in when routed). */
  pushMessage(m: RaftMessage): number {
    const fs = serverOfNodeId(m.from);
    const s = serverOfNodeId(m.to);
    if (fs < 0 || s < 0) throw new Error(`host: node ids must be nodeIdOf(server): ${m.from} -> ${m.to}`);
    switch (m.type) {
      case 'vote-request':
        return this.push(KIND_VOTE_REQUEST, 0, s, 0, 0, fs, m.term, m.lastLogIndex, m.lastLogTerm, 0, EMPTY);
      case 'vote-response':
        return this.push(KIND_VOTE_RESPONSE, 0, s, 0, 0, fs, m.term, m.granted ? 1 : 0, 0, 0, EMPTY);
      case 'append':
        return this.push(KIND_APPEND, 0, s, 0, 0, fs, m.term, m.prevLogIndex, m.prevLogTerm, m.leaderCommit, m.entries);
      case 'append-response':
        return this.push(KIND_APPEND_RESPONSE, 0, s, 0, 0, fs, m.term, m.success ? 1 : 0, m.matchIndex, 0, EMPTY);
    }
  }

  /** The entries of the record at offset `o`. */
  entriesAt(o: number): readonly Entry[] {
    const e = this.nums[o + 10]!;
    return e < 0 ? EMPTY : this.entries[e]!;
  }

  clear(): void {
    this.length = 0;
    // Only when needed: called after every delivery round and every routed ready, and setting an
    // array's length showed in the 100k-node profile (heartbeats carry no entries).
    if (this.entries.length > 0) this.entries.length = 0;
  }

  private grow(): void {
    const next = new Float64Array(this.nums.length * 2);
    next.set(this.nums);
    this.nums = next;
  }
}

/**
 * The caller-owned outbox the host gives every node it runs ({@link RaftNode.useSink}): while the
 * core processes one node, that node's outgoing messages land here as records (group, instance and
 * reply target are filled in when they are routed). Invariant: between two node calls of the core
 * it is empty, so what it holds always belongs to the node being processed.
 */
export class StagedSends extends MessageRecords implements MessageSink {
  put(from: NodeId, kind: MessageKind, to: NodeId, term: number, a: number, b: number, c: number, entries: readonly Entry[]): void {
    const fs = serverOfNodeId(from);
    const s = serverOfNodeId(to);
    if (fs < 0 || s < 0) throw new Error(`host: node ids must be nodeIdOf(server): ${from} -> ${to}`);
    this.push(kind, 0, s, 0, 0, fs, term, a, b, c, entries);
  }

  /** The staged records as message objects (for a ready that must wait for its writes); then empty. */
  drainToMessages(): RaftMessage[] {
    const out: RaftMessage[] = [];
    const x = this.nums;
    for (let i = 0, o = 0; i < this.length; i++, o += REC) {
      out.push(messageOf(nodeIdOf(x[o + 5]!), x[o]!, nodeIdOf(x[o + 2]!), x[o + 6]!, x[o + 7]!, x[o + 8]!, x[o + 9]!, this.entriesAt(o)));
    }
    this.clear();
    return out;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
// One reused message object per kind. RaftNode.step keeps no reference to the message it is given
// (only to `entries`' elements), so the host steps these instead of allocating one per delivery.
// Invariant: a flyweight is refilled only after every step() of the previous message returned.
const VOTE_REQUEST: Mutable<VoteRequest> = { type: 'vote-request', from: '', to: '', term: 0, lastLogIndex: 0, lastLogTerm: 0 };
const VOTE_RESPONSE: Mutable<VoteResponse> = { type: 'vote-response', from: '', to: '', term: 0, granted: false };
const APPEND: Mutable<AppendRequest> = { type: 'append', from: '', to: '', term: 0, prevLogIndex: 0, prevLogTerm: 0, entries: EMPTY, leaderCommit: 0 };
const APPEND_RESPONSE: Mutable<AppendResponse> = { type: 'append-response', from: '', to: '', term: 0, success: false, matchIndex: 0 };

/** The record at offset `o` as a reused (flyweight) message: valid until the next call. */
export function flyweightAt(x: Float64Array, o: number, entries: readonly (readonly Entry[])[]): RaftMessage {
  const from = nodeIdOf(x[o + 5]!);
  const to = nodeIdOf(x[o + 2]!);
  const term = x[o + 6]!;
  switch (x[o]) {
    case KIND_APPEND: {
      const m = APPEND;
      m.from = from;
      m.to = to;
      m.term = term;
      m.prevLogIndex = x[o + 7]!;
      m.prevLogTerm = x[o + 8]!;
      m.leaderCommit = x[o + 9]!;
      const e = x[o + 10]!;
      m.entries = e < 0 ? EMPTY : entries[e]!;
      return m;
    }
    case KIND_APPEND_RESPONSE: {
      const m = APPEND_RESPONSE;
      m.from = from;
      m.to = to;
      m.term = term;
      m.success = x[o + 7] === 1;
      m.matchIndex = x[o + 8]!;
      return m;
    }
    case KIND_VOTE_REQUEST: {
      const m = VOTE_REQUEST;
      m.from = from;
      m.to = to;
      m.term = term;
      m.lastLogIndex = x[o + 7]!;
      m.lastLogTerm = x[o + 8]!;
      return m;
    }
    case KIND_VOTE_RESPONSE: {
      const m = VOTE_RESPONSE;
      m.from = from;
      m.to = to;
      m.term = term;
      m.granted = x[o + 7] === 1;
      return m;
    }
    default:
      throw new Error(`host: record at ${o} has no valid kind (${String(x[o])})`);
  }
}
