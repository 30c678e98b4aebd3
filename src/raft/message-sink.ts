/**
 * A caller-owned outbox for the Raft core (issue #10): a host that runs many nodes hands each node
 * one {@link MessageSink}, and the node writes every outgoing message into it as numbers instead
 * of allocating a message object. The sink is pure data plumbing (no I/O); the node still reports
 * through `hasReady()`/`ready()` that it produced messages, so the host's persist-before-send rule
 * is unchanged: the host decides, after `ready()`, whether the sink's records leave now or wait for
 * the ready's term/vote writes.
 *
 * Field layout per kind (the same as a cross-worker wire record's slots 7..10):
 *   vote-request     a = lastLogIndex, b = lastLogTerm
 *   vote-response    a = granted (1/0)
 *   append           a = prevLogIndex, b = prevLogTerm, c = leaderCommit, entries
 *   append-response  a = success (1/0), b = matchIndex
 * Unused fields are 0 and `entries` is the shared empty array.
 */
import { EMPTY } from './log.js';
import type { Entry, NodeId, RaftMessage } from './types.js';

export const KIND_VOTE_REQUEST = 0;
export const KIND_VOTE_RESPONSE = 1;
export const KIND_APPEND = 2;
export const KIND_APPEND_RESPONSE = 3;
export type MessageKind = 0 | 1 | 2 | 3;

export const KIND_OF: Readonly<Record<RaftMessage['type'], MessageKind>> = Object.freeze({ 'vote-request': 0, 'vote-response': 1, append: 2, 'append-response': 3 });

export interface MessageSink {
  /** One outgoing message of node `from`, in send order. The sink may keep `entries` (never mutated). */
  put(from: NodeId, kind: MessageKind, to: NodeId, term: number, a: number, b: number, c: number, entries: readonly Entry[]): void;
}

/** The message object a sink record stands for (a fresh object: for hosts that must keep it). */
export function messageOf(from: NodeId, kind: number, to: NodeId, term: number, a: number, b: number, c: number, entries: readonly Entry[]): RaftMessage {
  switch (kind) {
    case KIND_VOTE_REQUEST:
      return { type: 'vote-request', from, to, term, lastLogIndex: a, lastLogTerm: b };
    case KIND_VOTE_RESPONSE:
      return { type: 'vote-response', from, to, term, granted: a === 1 };
    case KIND_APPEND:
      return { type: 'append', from, to, term, prevLogIndex: a, prevLogTerm: b, entries: entries.length === 0 ? EMPTY : entries, leaderCommit: c };
    case KIND_APPEND_RESPONSE:
      return { type: 'append-response', from, to, term, success: a === 1, matchIndex: b };
    default:
      throw new RangeError(`no message kind ${String(kind)}`);
  }
}
