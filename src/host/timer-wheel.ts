/** Buckets of a new wheel: a power of two above every NATS timer (election ≤ 90 ticks, lost quorum 100). */
export const WHEEL_BUCKETS = 256;
/** Most buckets a wheel widens to (8 MiB of heads); timers further ahead than this share buckets across laps. */
export const WHEEL_BUCKETS_MAX = 1 << 21;
const NONE = -1;
const INITIAL_CAPACITY = 1024;

/**
 * A hashed timer wheel over dense slots 0..n-1 (the host's ticking positions), struct of arrays:
 * per slot a due tick and intrusive list links (the tick a node was last brought up to lives in the node), so
 * one scheduled node costs 16 bytes of typed arrays and no object. Each slot is in at most one
 * bucket (that of its due tick mod WHEEL_BUCKETS); a due tick more than WHEEL_BUCKETS ahead stays in
 * its bucket across laps and is skipped until its lap comes. Scheduling and unscheduling are O(1);
 * `takeDue(t)` costs the bucket's length, not the number of slots.
 *
 * The wheel widens (doubling its buckets, up to `maxBuckets`) when a timer is scheduled a lap or
 * more ahead of the last tick taken: with stretched timing (the scale bench's 1M nodes, heartbeats
 * every 1,000 ticks) a 256-bucket wheel would walk nodes/256 entries of other laps every tick, so a
 * tick would cost what exists, not what is due. Widening relinks every scheduled slot once: O(slots)
 * per doubling, a handful of times per run.
 */
export class TimerWheel {
  private due = new Float64Array(INITIAL_CAPACITY).fill(NONE);
  private next = new Int32Array(INITIAL_CAPACITY).fill(NONE);
  private prev = new Int32Array(INITIAL_CAPACITY).fill(NONE);
  private heads = new Int32Array(WHEEL_BUCKETS).fill(NONE);
  private mask = WHEEL_BUCKETS - 1;
  /** The last tick passed to `takeDue`: timers are scheduled relative to it. */
  private cursor = 0;

  constructor(private readonly maxBuckets = WHEEL_BUCKETS_MAX) {}

  /** Buckets now (a power of two). */
  get buckets(): number {
    return this.heads.length;
  }

  /** The due tick of `slot`, or -1 when it is not scheduled. */
  dueOf(slot: number): number {
    return this.due[slot]!;
  }

  /** Makes `slot` due at `tick` (moving it if it was scheduled). */
  schedule(slot: number, tick: number): void {
    if (slot >= this.due.length) this.grow(slot + 1);
    if (this.due[slot] === tick) return;
    if (this.due[slot] !== NONE) this.unlink(slot);
    if (tick - this.cursor >= this.heads.length && this.heads.length < this.maxBuckets) this.widen(tick - this.cursor);
    this.due[slot] = tick;
    const b = tick & this.mask;
    const h = this.heads[b]!;
    this.next[slot] = h;
    this.prev[slot] = NONE;
    if (h !== NONE) this.prev[h] = slot;
    this.heads[b] = slot;
  }

  /** Removes `slot` from the wheel (no-op if it is not scheduled). */
  cancel(slot: number): void {
    if (slot < this.due.length && this.due[slot] !== NONE) this.unlink(slot);
  }

  /**
   * Moves everything about `from` to `to` (a swap-remove in the host's dense array): `to` must be
   * unscheduled. `from` ends unscheduled.
   */
  move(from: number, to: number): void {
    const t = this.due[from]!;
    if (t === NONE) return;
    this.unlink(from);
    this.schedule(to, t);
  }

  /** Appends the slots due at exactly `tick` to `out` and unschedules them. Order: the bucket's, not sorted. */
  takeDue(tick: number, out: number[]): void {
    this.cursor = tick;
    let s = this.heads[tick & this.mask]!;
    while (s !== NONE) {
      const nx = this.next[s]!;
      if (this.due[s] === tick) {
        this.unlink(s);
        out.push(s);
      }
      s = nx;
    }
  }

  private unlink(slot: number): void {
    const p = this.prev[slot]!;
    const nx = this.next[slot]!;
    if (p !== NONE) this.next[p] = nx;
    else this.heads[this.due[slot]! & this.mask] = nx;
    if (nx !== NONE) this.prev[nx] = p;
    this.due[slot] = NONE;
    this.next[slot] = NONE;
    this.prev[slot] = NONE;
  }

  /** More buckets, so `distance` ticks ahead is within one lap (up to maxBuckets); relinks every scheduled slot. */
  private widen(distance: number): void {
    let n = this.heads.length;
    while (n <= distance && n < this.maxBuckets) n *= 2;
    const heads = new Int32Array(n).fill(NONE);
    const mask = n - 1;
    const due = this.due;
    for (let s = 0; s < due.length; s++) {
      const t = due[s]!;
      if (t === NONE) continue;
      const b = t & mask;
      const h = heads[b]!;
      this.next[s] = h;
      this.prev[s] = NONE;
      if (h !== NONE) this.prev[h] = s;
      heads[b] = s;
    }
    this.heads = heads;
    this.mask = mask;
  }

  private grow(min: number): void {
    let cap = this.due.length;
    while (cap < min) cap *= 2;
    const due = new Float64Array(cap).fill(NONE);
    due.set(this.due);
    const next = new Int32Array(cap).fill(NONE);
    next.set(this.next);
    const prev = new Int32Array(cap).fill(NONE);
    prev.set(this.prev);
    this.due = due;
    this.next = next;
    this.prev = prev;
  }
}
