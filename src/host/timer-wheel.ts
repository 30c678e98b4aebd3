/** Buckets of a new wheel: a power of two above every NATS timer (election ≤ 90 ticks, lost quorum 100). */
export const WHEEL_BUCKETS = 256;
/** Most buckets a wheel widens to; timers further ahead than this share buckets across laps. */
export const WHEEL_BUCKETS_MAX = 1 << 21;
export const NONE = -1;
const INITIAL_CAPACITY = 1024;
const BUCKET_INITIAL_CAPACITY = 16;

/**
 * Where a wheel keeps its slots' due ticks (the truth): slot s's at `f[s * stride + offset]`, NONE
 * when it is not scheduled. The host's ParkTable is one: there the due tick sits in the node's
 * record, whose lines a parked follower's heartbeat reads anyway, so deciding whether its timer
 * must move (ParkedSteps.deliver) costs no cache miss of its own at 1M nodes. The price: takeDue
 * reads a record per bucket entry where an array of due ticks would stay cached, about a tenth of a
 * 100k-node tick at NATS timing (reports/host-scale-2026-12-02-s8.md).
 */
export interface DueStore {
  /** Read anew at each use: the owner reallocates it to grow. */
  readonly f: Float64Array;
  readonly stride: number;
  readonly offset: number;
  /** Slots it holds room for (0..slots-1). */
  readonly slots: number;
  /** Makes room for at least `slots` slots, the new ones unscheduled. */
  ensure(slots: number): void;
}

/** A store of due ticks alone, one per slot (a wheel on its own; tests). */
export class DueArray implements DueStore {
  f = new Float64Array(INITIAL_CAPACITY).fill(NONE);
  readonly stride = 1;
  readonly offset = 0;

  get slots(): number {
    return this.f.length;
  }

  ensure(slots: number): void {
    if (slots <= this.f.length) return;
    let cap = this.f.length;
    while (cap < slots) cap *= 2;
    const f = new Float64Array(cap).fill(NONE);
    f.set(this.f);
    this.f = f;
  }
}

/**
 * A hashed timer wheel over dense slots 0..n-1 (the host's ticking positions). Per slot one due
 * tick in a DueStore (the truth); per bucket an append-only list of slots that may be due in it.
 *
 * Why lists with lazy deletion, not intrusive doubly linked lists: every heartbeat moves each
 * follower's election timer, and unlinking and relinking touched the slot's links and both
 * neighbours' (random slots): at 100k nodes about six cache misses per heartbeat answer. Here a
 * reschedule writes the slot's due tick and appends to the tail of a bucket the tick is writing
 * anyway; the entry it leaves behind is dropped when its bucket comes round (one read of `due`).
 *
 * Invariants: a slot with due tick t (not NONE) is listed in bucket `t & mask` at least once; a
 * listed slot whose due tick is NONE or in another bucket is stale and never returned. A slot
 * listed twice in its bucket (moved away and back) is returned once: taking it sets its due tick to
 * NONE before the second entry is read. `takeDue(t)` costs the bucket's entries (due or stale),
 * never the number of slots; stale entries of a bucket are dropped each time it is taken.
 *
 * The wheel widens (doubling, up to `maxBuckets`) when a timer is scheduled a lap or more ahead of
 * the last tick taken, so a bucket never holds timers of later laps below that size (the scale
 * bench's 1M nodes with heartbeats every 1,000 ticks). Widening rebuilds the lists from `due`:
 * O(slots), a handful of times per run.
 */
export class TimerWheel {
  /** Per bucket, its listed slots (allocated on first use) and how many of them are in use. */
  private lists: (Int32Array | null)[] = new Array<Int32Array | null>(WHEEL_BUCKETS).fill(null);
  private lengths = new Int32Array(WHEEL_BUCKETS);
  private mask = WHEEL_BUCKETS - 1;
  /** The last tick passed to `takeDue`: timers are scheduled relative to it. */
  private cursor = 0;

  constructor(
    private readonly maxBuckets = WHEEL_BUCKETS_MAX,
    private readonly store: DueStore = new DueArray(),
  ) {}

  /** Buckets now (a power of two). */
  get buckets(): number {
    return this.lists.length;
  }

  /** Slot entries held in all buckets, stale ones included (for tests: the lists stay bounded). */
  get entries(): number {
    let n = 0;
    for (let b = 0; b < this.lengths.length; b++) n += this.lengths[b]!;
    return n;
  }

  /** The due tick of `slot`, or -1 when it is not scheduled. */
  dueOf(slot: number): number {
    const s = this.store;
    return slot < s.slots ? s.f[slot * s.stride + s.offset]! : NONE;
  }

  /** Makes `slot` due at `tick` (moving it if it was scheduled). */
  schedule(slot: number, tick: number): void {
    const s = this.store;
    if (slot >= s.slots) s.ensure(slot + 1);
    const i = slot * s.stride + s.offset;
    if (s.f[i] === tick) return;
    s.f[i] = tick;
    if (tick - this.cursor >= this.lists.length && this.lists.length < this.maxBuckets) this.widen(tick - this.cursor);
    else this.list(slot, tick & this.mask);
  }

  /** Removes `slot` from the wheel (no-op if it is not scheduled). Its entry goes stale. */
  cancel(slot: number): void {
    const s = this.store;
    if (slot < s.slots) s.f[slot * s.stride + s.offset] = NONE;
  }

  /**
   * Moves everything about `from` to `to` (a swap-remove in the host's dense array): `from` ends
   * unscheduled, `to` due when `from` was. Where the store is the owner's per-slot record, the
   * owner may have copied `from`'s record (due tick included) over `to`'s first: what `to` held is
   * overwritten either way.
   */
  move(from: number, to: number): void {
    const t = this.dueOf(from);
    this.cancel(to);
    if (t === NONE) return;
    this.cancel(from);
    this.schedule(to, t);
  }

  /** Appends the slots due at exactly `tick` to `out` and unschedules them. Order: the bucket's, not sorted. */
  takeDue(tick: number, out: number[]): void {
    this.cursor = tick;
    const b = tick & this.mask;
    const list = this.lists[b];
    if (list === null || list === undefined) return;
    const { f: due, stride, offset } = this.store;
    const mask = this.mask;
    const n = this.lengths[b]!;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      const s = list[i]!;
      const d = due[s * stride + offset]!;
      if (d === tick) {
        due[s * stride + offset] = NONE;
        out.push(s);
      } else if (d !== NONE && (d & mask) === b) {
        list[kept++] = s; // due in a later lap (beyond maxBuckets), or listed twice: kept
      }
    }
    this.lengths[b] = kept;
  }

  private list(slot: number, b: number): void {
    let list = this.lists[b] ?? null;
    const n = this.lengths[b]!;
    if (list === null) list = this.lists[b] = new Int32Array(BUCKET_INITIAL_CAPACITY);
    else if (n === list.length) {
      const wider = new Int32Array(n * 2);
      wider.set(list);
      list = this.lists[b] = wider;
    }
    list[n] = slot;
    this.lengths[b] = n + 1;
  }

  /** More buckets, so `distance` ticks ahead is within one lap (up to maxBuckets); relists every scheduled slot. */
  private widen(distance: number): void {
    let n = this.lists.length;
    while (n <= distance && n < this.maxBuckets) n *= 2;
    this.lists = new Array<Int32Array | null>(n).fill(null);
    this.lengths = new Int32Array(n);
    this.mask = n - 1;
    const { f: due, stride, offset, slots } = this.store;
    for (let s = 0; s < slots; s++) {
      const d = due[s * stride + offset]!;
      if (d !== NONE) this.list(s, d & this.mask);
    }
  }
}
