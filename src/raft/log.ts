/**
 * The in-memory Raft log of one node, with a compacted prefix.
 *
 * Invariants (asserted where they could break):
 * - entries[k].index === snapIndex + 1 + k (consecutive, starting right after the compacted prefix);
 * - terms never decrease along the log, and entries[0].term >= snapTerm;
 * - `entries` is null whenever it would be empty, so an idle node holds no array.
 * The compacted prefix (indexes 1..snapIndex) is committed and applied everywhere it was cut, so
 * it matches every leader's log (log matching + leader completeness) and may be treated as such.
 */
import { RaftError, invariant } from './errors.js';
import type { Entry, LogImage } from './types.js';

/** The one shared empty list: returned instead of allocating `[]` on hot paths. */
export const EMPTY: readonly never[] = Object.freeze([]);

/** Term lookup result for an index that is compacted away or past the end. */
export const TERM_UNKNOWN = -1;

/** A node's log. Pure data structure: no I/O, no timers. */
export class RaftLog {
  private entries: Entry[] | null = null;
  /** Last index dropped by compaction (0 = nothing dropped). */
  private snapIndex = 0;
  /** Term of the entry at `snapIndex` (0 when snapIndex is 0). */
  private snapTerm = 0;
  /**
   * Index and term of the last entry (of the compacted prefix when `entries` is null), kept in step
   * with every change: a heartbeat reads only these, so at 100k nodes it does not touch the entries
   * array and its last entry, two cache misses per node (issue #10).
   */
  private lastIdx = 0;
  private lastTrm = 0;

  /**
   * The log a stopped node left on disk (see {@link LogImage}). Throws `RaftError('BAD_RESTORED')`
   * naming the first broken invariant: a restored log is input, not trusted.
   */
  static restored(img: LogImage): RaftLog {
    const bad = (what: string): never => {
      throw new RaftError('BAD_RESTORED', `restored log: ${what}`);
    };
    const safe = (v: number): boolean => Number.isSafeInteger(v) && v >= 0;
    if (!safe(img.snapIndex) || !safe(img.snapTerm) || (img.snapIndex === 0 && img.snapTerm !== 0)) bad(`bad snapshot (index ${img.snapIndex}, term ${img.snapTerm})`);
    let term = img.snapTerm;
    for (let k = 0; k < img.entries.length; k++) {
      const e = img.entries[k] as Entry;
      if (e.index !== img.snapIndex + 1 + k) bad(`entry ${k} has index ${e.index}, expected ${img.snapIndex + 1 + k}`);
      if (!safe(e.term) || e.term < Math.max(1, term)) bad(`entry ${e.index} has term ${e.term} after term ${term}`);
      term = e.term;
    }
    const log = new RaftLog();
    log.snapIndex = img.snapIndex;
    log.snapTerm = img.snapTerm;
    if (img.entries.length > 0) log.entries = img.entries.slice();
    log.syncLast();
    if (!safe(img.commit) || img.commit < img.snapIndex || img.commit > log.lastIndex) bad(`commit ${img.commit} outside [${img.snapIndex}, ${log.lastIndex}]`);
    return log;
  }

  /** This log as a stopped node leaves it (entries copied; {@link RaftLog.restored} reads it back). */
  image(commit: number): LogImage {
    return { snapIndex: this.snapIndex, snapTerm: this.snapTerm, commit, entries: this.entries === null ? EMPTY : this.entries.slice() };
  }

  /** Index of the last entry (or of the compacted prefix when the log is empty). */
  get lastIndex(): number {
    return this.lastIdx;
  }

  /** Term of the last entry (or of the compacted prefix). */
  get lastTerm(): number {
    return this.lastTrm;
  }

  /** First index still held in memory. */
  get firstIndex(): number {
    return this.snapIndex + 1;
  }

  /** Last compacted index and its term. */
  get compactedIndex(): number {
    return this.snapIndex;
  }

  /** Term at `index`; 0 for index 0; {@link TERM_UNKNOWN} if compacted away or past the end. */
  term(index: number): number {
    if (index === this.lastIdx) return this.lastTrm;
    if (index === this.snapIndex) return this.snapTerm;
    if (index < this.snapIndex || index > this.lastIdx) return TERM_UNKNOWN;
    return (this.entries as Entry[])[index - this.snapIndex - 1]!.term;
  }

  /** The entry at `index`; throws an invariant error if it is not held. */
  entry(index: number): Entry {
    const e = this.entries === null ? undefined : this.entries[index - this.snapIndex - 1];
    invariant(e !== undefined && e.index === index, 'log entry not held', () => `index ${index}`);
    return e;
  }

  /** Raft's "at least as up-to-date" rule (§5.4.1): compare last terms, then last indexes. */
  isUpToDate(lastLogIndex: number, lastLogTerm: number): boolean {
    const myTerm = this.lastTerm;
    return lastLogTerm > myTerm || (lastLogTerm === myTerm && lastLogIndex >= this.lastIndex);
  }

  /** Leader side: appends one new entry at `lastIndex + 1`. */
  append(term: number, data: string): Entry {
    invariant(term >= this.lastTerm, 'log terms must not decrease');
    const e: Entry = { index: this.lastIndex + 1, term, data };
    if (this.entries === null) this.entries = [e];
    else this.entries.push(e);
    this.lastIdx = e.index;
    this.lastTrm = term;
    return e;
  }

  /**
   * Follower side of AppendEntries. Returns the last index now known to match the leader
   * (`prevIndex + entries.length`), or -1 if the log has no entry `prevIndex` with `prevTerm`.
   * Only truncates at a real conflict, so a stale or duplicated append never removes newer entries.
   * Invariant: a conflict never lies at or below `commitIndex` (committed entries are final).
   */
  maybeAppend(prevIndex: number, prevTerm: number, entries: readonly Entry[], commitIndex: number): number {
    // Below the compacted prefix everything matches (see the file comment).
    if (prevIndex >= this.snapIndex && this.term(prevIndex) !== prevTerm) return -1;
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k] as Entry;
      invariant(e.index === prevIndex + 1 + k, 'append entries must be consecutive');
      if (e.index <= this.snapIndex) continue;
      const mine = this.term(e.index);
      if (mine === e.term) continue;
      if (mine !== TERM_UNKNOWN) {
        invariant(e.index > commitIndex, 'conflict at a committed index', () => `index ${e.index}, commit ${commitIndex}`);
        this.truncateFrom(e.index);
      }
      this.appendFollower(e);
    }
    return prevIndex + entries.length;
  }

  /** Copies entries [lo, hi) (both must be held, or the range empty). */
  slice(lo: number, hi: number): readonly Entry[] {
    if (hi <= lo) return EMPTY;
    invariant(lo > this.snapIndex && hi - 1 <= this.lastIndex, 'slice out of range', () => `[${lo}, ${hi})`);
    return (this.entries as Entry[]).slice(lo - this.snapIndex - 1, hi - this.snapIndex - 1);
  }

  /** Drops entries up to and including `upTo` (caller guarantees they are committed and applied). */
  compact(upTo: number): void {
    if (upTo <= this.snapIndex) return;
    invariant(upTo <= this.lastIndex, 'compact past the end');
    const term = this.term(upTo);
    const e = this.entries as Entry[];
    e.splice(0, upTo - this.snapIndex);
    this.snapIndex = upTo;
    this.snapTerm = term;
    if (e.length === 0) this.entries = null;
    this.syncLast();
  }

  private truncateFrom(index: number): void {
    const e = this.entries as Entry[];
    e.length = index - this.snapIndex - 1;
    if (e.length === 0) this.entries = null;
    this.syncLast();
  }

  private appendFollower(e: Entry): void {
    invariant(e.index === this.lastIndex + 1, 'follower append must extend the log');
    invariant(e.term >= this.lastTerm, 'log terms must not decrease');
    if (this.entries === null) this.entries = [e];
    else this.entries.push(e);
    this.lastIdx = e.index;
    this.lastTrm = e.term;
  }

  /** Recomputes `lastIdx`/`lastTrm` from the entries (after a restore, a compaction or a truncation). */
  private syncLast(): void {
    const e = this.entries;
    this.lastIdx = this.snapIndex + (e === null ? 0 : e.length);
    this.lastTrm = e === null ? this.snapTerm : (e[e.length - 1] as Entry).term;
  }
}
