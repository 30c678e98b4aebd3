/**
 * Leader-side replication state, one slot per voter (indexed like `peers`), and the quorum math.
 * Allocated when a node becomes leader and dropped when it steps down, so followers hold none.
 *
 * Invariant per slot: 0 <= match < next <= lastIndex + 1 (the etcd "0 <= Match < Next").
 * The leader's own slot is kept at match = lastIndex.
 */
import { invariant } from './errors.js';

/** Size of a majority of `n` voters. */
export function quorumSize(n: number): number {
  return (n >> 1) + 1;
}

/**
 * The largest index that at least a majority of `matches` have reached: the
 * (quorumSize)-th largest value. Does not mutate `matches`.
 */
export function quorumIndex(matches: readonly number[]): number {
  invariant(matches.length > 0, 'quorumIndex of no voters');
  const sorted = matches.slice().sort((a, b) => b - a);
  return sorted[quorumSize(matches.length) - 1] as number;
}

/** Counts set bits of a 31-bit vote mask. */
export function popcount31(mask: number): number {
  let m = mask - ((mask >>> 1) & 0x55555555);
  m = (m & 0x33333333) + ((m >>> 2) & 0x33333333);
  return (Math.imul((m + (m >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Match and next index of every voter, as seen by the current leader. */
export class Progress {
  private readonly match: number[];
  private readonly next: number[];

  constructor(voters: number, lastIndex: number) {
    this.match = new Array<number>(voters).fill(0);
    this.next = new Array<number>(voters).fill(lastIndex + 1);
  }

  /** Next index to send to voter `i`. */
  nextOf(i: number): number {
    return this.next[i] as number;
  }

  /** Highest index known replicated on voter `i`. */
  matchOf(i: number): number {
    return this.match[i] as number;
  }

  /** The leader's own slot follows its log. */
  setSelf(i: number, lastIndex: number): void {
    this.match[i] = lastIndex;
    this.next[i] = lastIndex + 1;
  }

  /** A success up to `matchIndex`. Returns true if `match` advanced. Stale acks are harmless. */
  onSuccess(i: number, matchIndex: number, lastIndex: number): boolean {
    invariant(matchIndex <= lastIndex, 'follower acked past the leader log end');
    const advanced = matchIndex > (this.match[i] as number);
    if (advanced) this.match[i] = matchIndex;
    if ((this.next[i] as number) <= matchIndex) this.next[i] = matchIndex + 1;
    this.check(i, lastIndex);
    return advanced;
  }

  /**
   * A rejection with the follower's hint: back `next` off, never below match + 1. Returns true if
   * `next` moved; a stale or duplicated rejection moves nothing and must not trigger a resend (or
   * duplicates would fan out into a message storm).
   */
  onReject(i: number, hint: number, lastIndex: number): boolean {
    const before = this.next[i] as number;
    const back = Math.min(before - 1, hint + 1);
    this.next[i] = Math.max((this.match[i] as number) + 1, back, 1);
    this.check(i, lastIndex);
    return this.next[i] !== before;
  }

  /** Lowest match index over all voters (the leader's own slot is always at its last index). */
  minMatch(): number {
    let m = Number.POSITIVE_INFINITY;
    for (const x of this.match) if (x < m) m = x;
    return m;
  }

  /** Index a majority has reached (the leader's slot included). */
  quorumMatch(): number {
    return quorumIndex(this.match);
  }

  private check(i: number, lastIndex: number): void {
    const m = this.match[i] as number;
    const n = this.next[i] as number;
    invariant(m >= 0 && m < n && n <= lastIndex + 1, '0 <= match < next <= lastIndex + 1', () => `slot ${i}: match ${m}, next ${n}, last ${lastIndex}`);
  }
}
