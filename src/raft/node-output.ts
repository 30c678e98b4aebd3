/**
 * What a `RaftNode` hands to its host: outgoing messages (as objects or into a caller-owned
 * sink), term/vote writes and committed entries through `ready()`/`advance()`, and the applied
 * prefix it may compact. See node.ts for the protocol and invariants.
 */
import { RaftError } from './errors.js';
import { EMPTY } from './log.js';
import { messageOf, type MessageKind, type MessageSink } from './message-sink.js';
import { RaftNodeState } from './node-state.js';
import type { Entry, NodeId, Ready } from './types.js';

/** The output side of `RaftNode`: its pending ready and how messages leave it. */
export abstract class RaftNodeOutput extends RaftNodeState {
  /**
   * From now on every outgoing message is written into `sink` as numbers (see message-sink.ts)
   * instead of being allocated and handed out in `ready().messages`; `hasReady()` still reports
   * them, and `ready()` still marks the point up to which they belong to the ready being drained.
   * Messages already pending as objects stay in `ready().messages` (they come first).
   */
  useSink(sink: MessageSink): void {
    this.sink = sink;
  }

  /** True if `ready()` has something to hand out. False while a ready awaits `advance()`. */
  hasReady(): boolean {
    return !this.readyOutstanding && (this.writes !== null || this.outbox !== null || this.sunk > 0 || this.commit > this.delivered);
  }

  /**
   * Hands out pending term/vote writes, messages and newly committed entries, and forgets them.
   * Empty parts are one shared frozen empty array. Throws `RaftError('READY_NOT_ADVANCED')` if the
   * previous ready has not been acknowledged.
   */
  ready(): Ready {
    if (this.readyOutstanding) throw new RaftError('READY_NOT_ADVANCED', `${this.id}: call advance() before the next ready()`);
    const committed = this.log.slice(this.delivered + 1, this.commit + 1);
    this.delivered = this.commit;
    const r: Ready = { termVoteWrites: this.writes ?? EMPTY, messages: this.outbox ?? EMPTY, committed };
    this.writes = null;
    this.outbox = null;
    this.sunk = 0;
    this.readyOutstanding = true;
    return r;
  }

  /**
   * `ready()` and `advance()` in one allocation-free call, for the common ready that holds only
   * messages written to the sink (a heartbeat, an answer): returns true and acknowledges them. Any
   * other ready (a term/vote write, a message object, a newly committed entry), or one outstanding:
   * returns false and changes nothing; use `ready()`.
   */
  takeSunkOnly(): boolean {
    if (this.readyOutstanding || this.sunk === 0 || this.writes !== null || this.outbox !== null || this.commit > this.delivered) return false;
    this.sunk = 0;
    this.applied = this.delivered;
    return true;
  }

  /** Acknowledges the last ready: its writes are persisted, messages sent, entries applied. */
  advance(): void {
    if (!this.readyOutstanding) throw new RaftError('ADVANCE_WITHOUT_READY', `${this.id}: advance() without a ready()`);
    this.readyOutstanding = false;
    this.applied = this.delivered;
  }

  /**
   * Drops log entries up to `upToIndex`, which must be applied (acknowledged by `advance`).
   * There is no snapshot transfer in this model: a follower that falls behind a leader's compacted
   * prefix stays behind (it keeps following, but never catches up), so compact with a margin.
   */
  compact(upToIndex: number): void {
    if (!Number.isSafeInteger(upToIndex) || upToIndex < 0 || upToIndex > this.applied) {
      throw new RaftError('BAD_COMPACT', `${this.id}: compact index must be an integer in [0, ${this.applied}] (applied), got ${String(upToIndex)}`);
    }
    this.log.compact(upToIndex);
  }

  /** One outgoing message from this node (fields as in message-sink.ts): into the sink, or as an object. */
  protected send(kind: MessageKind, to: NodeId, term: number, a: number, b: number, c: number, entries: readonly Entry[]): void {
    if (this.sink !== null) {
      this.sink.put(this.id, kind, to, term, a, b, c, entries);
      this.sunk++;
    } else {
      (this.outbox ??= []).push(messageOf(this.id, kind, to, term, a, b, c, entries));
    }
  }
}
