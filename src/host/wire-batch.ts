import { EMPTY } from '../raft/log.js';
import type { Entry, RaftMessage } from '../raft/types.js';
import { nodeIdOf, serverOfNodeId } from './address.js';
import { REC, writeRecord } from './message-records.js';
import type { Wire } from './wire.js';

/**
 * A batch of Raft messages for another worker, encoded as fixed records in one Float64Array (its
 * ArrayBuffer is transferred with `postMessage`, not copied or structured-cloned field by field);
 * only non-empty append entries travel beside it, as objects. Records, REC slots each:
 *
 *   0 kind  1 group  2 addressee server  3 sending instance  4 reply target (0: request)
 *   5 sender's server  6 term  7..10 by kind:
 *     vote-request    lastLogIndex, lastLogTerm
 *     vote-response   granted (0/1)
 *     append          prevLogIndex, prevLogTerm, leaderCommit, entries index (-1: none)
 *     append-response success (0/1), matchIndex
 *
 * Node ids are `nodeIdOf(server)` on both ends (the host names every node that way), so a message's
 * `from`/`to` travel as server numbers. Every number here is a safe integer, exact in a Float64.
 */
export interface WireBatch {
  /** Records in `nums`; -1 once a receiver consumed the batch (its buffer went back to a pool). */
  count: number;
  nums: Float64Array;
  readonly entries: (readonly Entry[])[];
}

export { REC };
const KIND = ['vote-request', 'vote-response', 'append', 'append-response'] as const;
const FIRST_BYTES = 64 * 1024;
/** Spare buffers a pool keeps; more are dropped (a bound, not a capacity: a batch never waits for one). */
const POOL_MAX = 8;

/**
 * ArrayBuffers for outgoing batches. A buffer is owned by one side at a time: the writer hands it
 * out with the batch (transferred to the receiver, or, in-process, passed by reference), and only
 * the receiver gives it back, to its own pool, after decoding. Traffic runs both ways, so buffers
 * circulate between the workers and steady state allocates none.
 */
export class BufferPool {
  private readonly spare: ArrayBuffer[] = [];
  allocated = 0;

  get(minBytes: number): ArrayBuffer {
    for (let i = this.spare.length - 1; i >= 0; i--) {
      const b = this.spare[i]!;
      if (b.byteLength >= minBytes) {
        this.spare[i] = this.spare[this.spare.length - 1]!;
        this.spare.pop();
        return b;
      }
    }
    this.allocated++;
    return new ArrayBuffer(Math.max(minBytes, FIRST_BYTES));
  }

  give(b: ArrayBuffer): void {
    if (b.byteLength === 0 || this.spare.length >= POOL_MAX) return; // a detached or surplus buffer
    this.spare.push(b);
  }
}

/** Encodes one destination worker's messages of one flush; `take` hands them out as a batch. */
export class WireBatchWriter {
  private nums: Float64Array | null = null;
  private count = 0;
  private entries: (readonly Entry[])[] = [];

  constructor(private readonly pool: BufferPool) {}

  get length(): number {
    return this.count;
  }

  push(g: number, s: number, m: RaftMessage, f: number, t: number): void {
    const from = serverOfNodeId(m.from);
    if (from < 0 || serverOfNodeId(m.to) !== s) throw new Error(`wire: node ids must be nodeIdOf(server): ${m.from} -> ${m.to}`);
    switch (m.type) {
      case 'vote-request':
        this.pushFields(0, g, s, f, t, from, m.term, m.lastLogIndex, m.lastLogTerm, 0, EMPTY);
        break;
      case 'vote-response':
        this.pushFields(1, g, s, f, t, from, m.term, m.granted ? 1 : 0, 0, 0, EMPTY);
        break;
      case 'append':
        this.pushFields(2, g, s, f, t, from, m.term, m.prevLogIndex, m.prevLogTerm, m.leaderCommit, m.entries);
        break;
      case 'append-response':
        this.pushFields(3, g, s, f, t, from, m.term, m.success ? 1 : 0, m.matchIndex, 0, EMPTY);
        break;
    }
  }

  /** One record from its fields (message-records.ts layout), for group `g`, from instance `f`, reply target `t`. */
  pushFields(kind: number, g: number, s: number, f: number, t: number, from: number, term: number, x7: number, x8: number, x9: number, entries: readonly Entry[]): void {
    let a = this.nums;
    const o = this.count * REC;
    if (a === null || o + REC > a.length) a = this.grow(o + REC);
    writeRecord(a, o, kind, g, s, f, t, from, term, x7, x8, x9, entries.length === 0 ? -1 : this.entries.push(entries) - 1);
    this.count++;
  }

  /** The batch so far (a view over a pooled buffer); the writer starts empty again. */
  take(): WireBatch {
    const nums = this.nums === null ? new Float64Array(0) : new Float64Array(this.nums.buffer, 0, this.count * REC);
    const batch: WireBatch = { count: this.count, nums, entries: this.entries };
    this.nums = null;
    this.count = 0;
    this.entries = [];
    return batch;
  }

  private grow(minSlots: number): Float64Array {
    const old = this.nums;
    const next = new Float64Array(this.pool.get(Math.max(minSlots, old === null ? 0 : old.length * 2) * 8));
    if (old !== null) {
      next.set(old.subarray(0, this.count * REC));
      this.pool.give(old.buffer as ArrayBuffer);
    }
    this.nums = next;
    return next;
  }
}

/** Record `i` of a batch as the Raft message it encodes (a fresh object: the receiver's node keeps it). */
export function messageAt(b: WireBatch, i: number): RaftMessage {
  const a = b.nums;
  const o = i * REC;
  const from = nodeIdOf(a[o + 5]!);
  const to = nodeIdOf(a[o + 2]!);
  const term = a[o + 6]!;
  switch (KIND[a[o]!]) {
    case 'vote-request':
      return { type: 'vote-request', from, to, term, lastLogIndex: a[o + 7]!, lastLogTerm: a[o + 8]! };
    case 'vote-response':
      return { type: 'vote-response', from, to, term, granted: a[o + 7] === 1 };
    case 'append': {
      const e = a[o + 10]!;
      return { type: 'append', from, to, term, prevLogIndex: a[o + 7]!, prevLogTerm: a[o + 8]!, entries: e < 0 ? EMPTY : b.entries[e]!, leaderCommit: a[o + 9]! };
    }
    case 'append-response':
      return { type: 'append-response', from, to, term, success: a[o + 7] === 1, matchIndex: a[o + 8]! };
    default:
      throw new Error(`wire: record ${i} has no valid kind (${String(a[o])})`);
  }
}

/** Every record of a batch as `Wire` objects (tests and tools; the host decodes in place). */
export function wiresOf(b: WireBatch): Wire[] {
  const out: Wire[] = [];
  for (let i = 0; i < b.count; i++) {
    const o = i * REC;
    out.push({ g: b.nums[o + 1]!, s: b.nums[o + 2]!, f: b.nums[o + 3]!, t: b.nums[o + 4]!, m: messageAt(b, i) });
  }
  return out;
}

/** Address fields of record `i`, read without building the message. */
export const groupAt = (b: WireBatch, i: number): number => b.nums[i * REC + 1]!;
export const serverAt = (b: WireBatch, i: number): number => b.nums[i * REC + 2]!;
export const fromAt = (b: WireBatch, i: number): number => b.nums[i * REC + 3]!;
export const toAt = (b: WireBatch, i: number): number => b.nums[i * REC + 4]!;
