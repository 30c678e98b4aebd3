import { randomFillSync } from 'node:crypto';
import { ShmError } from './errors.js';
import { FutexMutex } from './futex-mutex.js';
import { DEFAULT_NAME_BYTES_MAX, NameCodec } from './name-codec.js';
import * as L from './registry-layout.js';
import { notifyAll, waitAsync, waitSync } from './wait.js';

/** What a name maps to right now. */
export type RegistryEntry =
  | { readonly state: 'absent' }
  | { readonly state: 'reserved'; readonly instanceId: number }
  | { readonly state: 'running'; readonly instanceId: number };

/** Outcome of `reserve`: this caller won the name, or someone else holds it (reserved or running). */
export type ReserveResult =
  | { readonly kind: 'won'; readonly instanceId: number }
  | { readonly kind: 'reserved'; readonly instanceId: number; readonly slot: number }
  | { readonly kind: 'running'; readonly instanceId: number };

export interface RegistryOptions {
  /** Slots; a power of two. Size it at about twice the most names live at once. */
  readonly capacity: number;
  readonly nameBytesMax?: number;
}

/** A live entry as seen by a census of the table. */
export interface RegistrySnapshotEntry {
  readonly name: string;
  readonly state: 'reserved' | 'running';
  readonly instanceId: number;
  readonly owner: number;
  readonly version: number;
}

/** Instance ids taken from the shared counter at a time (see allocateInstanceId). */
const ID_BLOCK = 64;

/**
 * Test-only pause points. Unset in production (one field load and a compare per use); tests set
 * them with `setTestHooks` to run another caller's steps at an exact point of this caller's
 * operation, which turns a rare interleaving into a certain one.
 */
export interface RegistryTestHooks {
  /** find(): the key of `slot` was compared under the seqlock; the STATE word is read next. */
  beforeStateReread?(slot: number): void;
  /** transition(): between the STATE exchange and the waiter-count check. */
  betweenExchangeAndWaiterCheck?(slot: number): void;
  /** insertLocked(): the lock-free probe missed; the insert lock is taken next. */
  beforeInsertLock?(): void;
  /** awaitReservation(Sync): a wait returned `result`; the state is examined next. */
  afterWait?(result: string): void;
}

const ABSENT: RegistryEntry = Object.freeze({ state: 'absent' });
const decoder = new TextDecoder();
const NOT_FOUND = -1;
const CACHE_MAX = 1 << 14;

/**
 * An open-addressing (linear probing) hash table of group name → Raft node instance id, living in
 * one SharedArrayBuffer and usable from any thread that attaches the buffer.
 *
 * Invariants:
 * - I1 The STATE word of a slot is the truth; every change to it is a single Atomics operation.
 * - I2 A live word (RESERVED(id) / RUNNING(id)) carries an instance id from the table's one id
 *   source (its own counter, or the newIdSource() whose token the header records; attach refuses
 *   any other). The allocator saturates at INSTANCE_ID_MAX instead of wrapping, and register
 *   refuses ids the source never handed out. While a slot stays live its key bytes do not change.
 * - I3 New keys enter the table only under the insert lock (sync futex, no await inside, held for
 *   a few hundred ns). That lock makes "is the name anywhere along its probe chain?" and "claim a
 *   free slot" one step, so a name is never live in two slots. Every other operation — lookup,
 *   publish, overwrite, unregister, waiting — is lock-free.
 * - I4 Every live key's probe chain (home slot → its slot) contains no EMPTY slot. A TOMBSTONE
 *   becomes EMPTY only under the insert lock and only if no live chain crosses it: compact() frees
 *   the tombstones just before the EMPTY that ended a probe; sweep() frees every uncovered one
 *   whenever the non-EMPTY count has grown by capacity/16 since the last sweep, so occupancy stays
 *   bounded under any churn (live slots + tombstones inside live chains + capacity/16).
 * - I5 Key bytes are read optimistically (Atomics.load, word by word) between two loads of the
 *   slot's KEY_GEN seqlock, and find() reads the STATE word it answers with INSIDE that window: the
 *   word then belongs to the key that was compared. (Read after the window, it could belong to a
 *   name that took the slot after the validation — issue #7.)
 * - I6 A waiter increments S_WAITERS before reading STATE; a transition exchanges STATE before
 *   reading S_WAITERS (see transition), so no wake-up is lost. A waiter re-reads STATE after every
 *   wake, a timeout included, and throws RT_WAIT_TIMEOUT only if the reservation is still there.
 *
 * Linearization points: a hit — the STATE load inside the seqlock window; a miss — some moment of
 * the probe when the name was absent (a name live during the whole probe is found: its chain has
 * no EMPTY and a live key never moves); an insert — its publishing STATE store under the insert
 * lock; RT_REGISTRY_FULL — the probe's first load (no slot becomes live while the lock is held, so
 * every slot read live was live then); publish/cancel/unregister/overwrite — their
 * compareExchange. Checked on real threads by `npm run lincheck` (src/lincheck).
 */
export class SharedRegistry {
  readonly capacity: number;
  readonly nameBytesMax: number;
  private readonly slotWords: number;
  private readonly mask: number;
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  private readonly insertLock: FutexMutex;
  /** Scratch for the name of the operation in progress; every public method encodes first. */
  private readonly key: NameCodec;
  /** STATE word of the last successful `find` (valid until the next call in this isolate). */
  private foundWord = 0;
  /** KEY_GEN value under which the last successful `find` validated the key. */
  private foundGen = 0;
  /** The name `key` holds encoded, if any (encoding is skipped when the slot cache answers). */
  private encodedName: string | undefined;
  /**
   * This isolate's memory of where a name was last found: name → { slot, KEY_GEN then }. Only a
   * hint: a hit is trusted only if the slot's KEY_GEN still equals the remembered value around the
   * STATE load (the key has not been rewritten since, see findName). Cleared when it grows past
   * CACHE_MAX names.
   */
  private readonly slotCache = new Map<string, { slot: number; gen: number }>();
  private hooks: RegistryTestHooks | undefined;
  /** Waits by this attachment on reservations: parks, and waits that ran to their timeout. */
  readonly waitStats = { parked: 0, timedOut: 0 };

  /** Where instance ids come from: this table's header, or a run-wide counter shared by many tables. */
  private readonly ids: Int32Array;
  private readonly idIndex: number;
  /** This isolate's current block of ids: [idNext, idEnd). */
  private idNext = 0;
  private idEnd = 0;

  private constructor(
    readonly buffer: SharedArrayBuffer,
    /** This isolate's worker id, recorded as the owner of the slots it claims. */
    readonly workerId: number,
    idSource: SharedArrayBuffer | undefined,
  ) {
    this.i32 = new Int32Array(buffer);
    this.ids = idSource ? new Int32Array(idSource) : this.i32;
    this.idIndex = idSource ? ID_COUNTER : L.H_NEXT_ID;
    this.u8 = new Uint8Array(buffer);
    this.capacity = this.i32[L.H_CAPACITY]!;
    this.nameBytesMax = this.i32[L.H_NAME_BYTES_MAX]!;
    this.slotWords = this.i32[L.H_SLOT_WORDS]!;
    this.mask = this.capacity - 1;
    this.insertLock = new FutexMutex(this.i32, L.H_INSERT_LOCK, workerId + 1);
    this.key = new NameCodec(this.nameBytesMax);
  }

  /**
   * Allocates and initialises a new registry buffer. `idSource` (see `newIdSource`) shares one
   * instance-id counter among several registries, e.g. all servers of a run.
   */
  static create(opts: RegistryOptions, workerId = 0, idSource?: SharedArrayBuffer): SharedRegistry {
    const g = L.geometry(opts.capacity, opts.nameBytesMax ?? DEFAULT_NAME_BYTES_MAX);
    const ids = checkIdSource(idSource);
    let sab: SharedArrayBuffer;
    try {
      sab = new SharedArrayBuffer(g.byteLength);
    } catch (e) {
      throw new ShmError('RT_CAPACITY_INVALID', `could not allocate a ${g.byteLength}-byte registry (capacity ${g.capacity}, nameBytesMax ${g.nameBytesMax}): lower them`, { cause: e });
    }
    const h = new Int32Array(sab, 0, L.HEADER_WORDS);
    h[L.H_VERSION] = L.LAYOUT_VERSION;
    h[L.H_CAPACITY] = g.capacity;
    h[L.H_NAME_BYTES_MAX] = g.nameBytesMax;
    h[L.H_SLOT_WORDS] = g.slotWords;
    h[L.H_NEXT_ID] = 1;
    h[L.H_SWEEP_AT] = sweepSlack(g.capacity);
    if (ids) {
      // The table remembers which id source it was made with; attach refuses any other (I2).
      const src = new Int32Array(ids);
      h[L.H_ID_EXTERNAL] = 1;
      h[L.H_ID_TOKEN_LO] = src[ID_TOKEN_LO]!;
      h[L.H_ID_TOKEN_HI] = src[ID_TOKEN_HI]!;
    }
    // Magic last: a buffer whose magic is set is fully initialised (the buffer is handed to other
    // threads only after this returns, and postMessage orders it anyway).
    Atomics.store(h, L.H_MAGIC, L.MAGIC);
    return new SharedRegistry(sab, workerId, ids);
  }

  /** Attaches a buffer made by `create` (in this or another thread), checking layout and size. */
  static attach(buffer: unknown, workerId = 0, idSource?: SharedArrayBuffer): SharedRegistry {
    if (!(buffer instanceof SharedArrayBuffer)) {
      throw new ShmError('RT_LAYOUT_MISMATCH', `registry buffer must be a SharedArrayBuffer, got ${describe(buffer)}`);
    }
    if (buffer.byteLength < L.HEADER_WORDS * 4) {
      throw new ShmError('RT_LAYOUT_MISMATCH', `registry buffer is ${buffer.byteLength} bytes, smaller than its ${L.HEADER_WORDS * 4}-byte header`);
    }
    const h = new Int32Array(buffer, 0, L.HEADER_WORDS);
    if (Atomics.load(h, L.H_MAGIC) !== L.MAGIC) {
      throw new ShmError('RT_LAYOUT_MISMATCH', 'registry buffer has no raftrace registry magic (not made by SharedRegistry.create)');
    }
    if (h[L.H_VERSION] !== L.LAYOUT_VERSION) {
      throw new ShmError('RT_LAYOUT_MISMATCH', `registry layout version ${String(h[L.H_VERSION])}, this build reads ${L.LAYOUT_VERSION}`);
    }
    const g = L.geometry(h[L.H_CAPACITY], h[L.H_NAME_BYTES_MAX]);
    if (g.slotWords !== h[L.H_SLOT_WORDS] || g.byteLength !== buffer.byteLength) {
      throw new ShmError('RT_LAYOUT_MISMATCH', `registry buffer is ${buffer.byteLength} bytes; its header implies ${g.byteLength}`);
    }
    const ids = checkIdSource(idSource);
    checkSameIdSource(h, ids);
    return new SharedRegistry(buffer, workerId, ids);
  }

  /**
   * A fresh instance id, unique for the life of the id source; ids are never reused. Ids are taken
   * from the shared counter in blocks of ID_BLOCK per isolate, so creators on different threads do
   * not write the same cache line for every creation (ids stay unique; their order across threads
   * no longer follows time, and a block's unused tail is a gap).
   */
  allocateInstanceId(): number {
    if (this.idNext === this.idEnd) {
      // A compare-and-exchange, not Atomics.add: the counter stops at INSTANCE_ID_MAX + 1 and never
      // runs on (an add per failed call would eventually wrap it back into handed-out ids).
      for (;;) {
        const cur = Atomics.load(this.ids, this.idIndex);
        if (cur < 1 || cur > L.INSTANCE_ID_MAX) {
          throw new ShmError('RT_INSTANCE_IDS_EXHAUSTED', `instance ids exhausted (limit ${L.INSTANCE_ID_MAX} per id source)`);
        }
        const end = Math.min(cur + ID_BLOCK, L.INSTANCE_ID_MAX + 1);
        if (Atomics.compareExchange(this.ids, this.idIndex, cur, end) === cur) {
          this.idNext = cur;
          this.idEnd = end;
          break;
        }
      }
    }
    return this.idNext++;
  }

  /** Installs (or with undefined removes) test-only pause points; see RegistryTestHooks. */
  setTestHooks(hooks: RegistryTestHooks | undefined): void {
    this.hooks = hooks;
  }

  lookup(name: string): RegistryEntry {
    return this.findName(name) === NOT_FOUND ? ABSENT : entryOf(this.foundWord);
  }

  // ---- the NATS v2.10.18 family: blind overwrite, delete by name --------------------------------

  /** Registers `instanceId` under `name`, overwriting whatever was there (NATS `registerRaftNode`). Returns the overwritten id, 0 if none. */
  register(name: string, instanceId: number): number {
    let slot = this.findName(name); // validates the name first: a bad name is reported before a bad id
    const running = L.wordOf(L.TAG_RUNNING, this.checkHandedOut(instanceId));
    for (let first = true; ; first = false) {
      if (!first) slot = this.findName(name);
      if (slot === NOT_FOUND) {
        const r = this.insertLocked(running);
        if (r.inserted) return 0;
        continue; // someone inserted it meanwhile: overwrite theirs
      }
      const w = this.foundWord;
      if (this.transition(slot, w, running)) return L.payloadOf(w);
    }
  }

  /** Removes whatever is registered under `name` (NATS `unregisterRaftNode`: by name, not identity). Returns the removed id, 0 if none. */
  unregisterByName(name: string): number {
    for (;;) {
      const slot = this.findName(name);
      if (slot === NOT_FOUND) return 0;
      const w = this.foundWord;
      if (this.kill(slot, w)) return L.payloadOf(w);
    }
  }

  // ---- the atomic family: reserve / publish / unregister by instance ----------------------------

  /**
   * Claims `name` for a new instance if nobody holds it. The winner gets a fresh instance id in
   * state RESERVED and must later `publish` or `cancelReservation` it; everyone else learns who
   * holds it. One linearisation point: the insert (under the insert lock) or the probe hit.
   */
  reserve(name: string): ReserveResult {
    for (;;) {
      const slot = this.findName(name);
      if (slot !== NOT_FOUND) {
        const w = this.foundWord; // live by find's contract
        if (L.tagOf(w) === L.TAG_RESERVED) return { kind: 'reserved', instanceId: L.payloadOf(w), slot };
        return { kind: 'running', instanceId: L.payloadOf(w) };
      }
      const id = this.allocateInstanceId();
      const r = this.insertLocked(L.wordOf(L.TAG_RESERVED, id));
      if (r.inserted) return { kind: 'won', instanceId: id };
    }
  }

  /** RESERVED(id) → RUNNING(id) and wake every waiter. Throws if `name` is not reserved by `instanceId`. */
  publish(name: string, instanceId: number): void {
    const slot = this.findLive(name);
    const expected = L.wordOf(L.TAG_RESERVED, checkId(instanceId));
    if (slot === NOT_FOUND || !this.transition(slot, expected, L.wordOf(L.TAG_RUNNING, instanceId))) {
      throw new ShmError('RT_LOCK_MISUSE', `publish(${JSON.stringify(name)}, ${instanceId}): the name is not reserved by that instance`);
    }
  }

  /** RESERVED(id) → removed, waking waiters so they retry. False if `instanceId` no longer holds it. */
  cancelReservation(name: string, instanceId: number): boolean {
    const slot = this.findLive(name);
    return slot !== NOT_FOUND && this.kill(slot, L.wordOf(L.TAG_RESERVED, checkId(instanceId)));
  }

  /** Compare-and-clear: removes `name` only if it maps to RUNNING(instanceId). Never removes a successor. */
  unregisterInstance(name: string, instanceId: number): boolean {
    const slot = this.findLive(name);
    return slot !== NOT_FOUND && this.kill(slot, L.wordOf(L.TAG_RUNNING, checkId(instanceId)));
  }

  /**
   * Parks (without blocking the thread) until the reservation `r` is published, cancelled or
   * removed. Callers then look again. Throws RT_WAIT_TIMEOUT naming the reserving worker.
   */
  async awaitReservation(r: { readonly instanceId: number; readonly slot: number }, timeoutMs: number): Promise<void> {
    const expected = L.wordOf(L.TAG_RESERVED, r.instanceId);
    const b = this.base(r.slot);
    const deadline = performance.now() + timeoutMs;
    // Register as a waiter BEFORE re-reading the state (see `transition` for why no wake-up is lost).
    Atomics.add(this.i32, b + L.S_WAITERS, 1);
    try {
      // The state is re-read after every wake, a timeout included: a publish that lands as the
      // timer fires is a success, not a stuck reservation.
      while (Atomics.load(this.i32, b + L.S_STATE) === expected) {
        const left = deadline - performance.now();
        if (left <= 0) throw this.stuck(r);
        this.waitStats.parked++;
        const res = await waitAsync(this.i32, b + L.S_STATE, expected, left);
        if (res === 'timed-out') this.waitStats.timedOut++;
        this.hooks?.afterWait?.(res);
      }
    } finally {
      Atomics.sub(this.i32, b + L.S_WAITERS, 1);
    }
  }

  /** Blocking form of `awaitReservation`, for threads that run one creator at a time. */
  awaitReservationSync(r: { readonly instanceId: number; readonly slot: number }, timeoutMs: number): void {
    const expected = L.wordOf(L.TAG_RESERVED, r.instanceId);
    const b = this.base(r.slot);
    const deadline = performance.now() + timeoutMs;
    Atomics.add(this.i32, b + L.S_WAITERS, 1);
    try {
      while (Atomics.load(this.i32, b + L.S_STATE) === expected) {
        const left = deadline - performance.now();
        if (left <= 0) throw this.stuck(r);
        this.waitStats.parked++;
        const res = waitSync(this.i32, b + L.S_STATE, expected, left);
        if (res === 'timed-out') this.waitStats.timedOut++;
        this.hooks?.afterWait?.(res);
      }
    } finally {
      Atomics.sub(this.i32, b + L.S_WAITERS, 1);
    }
  }

  /** Live entries right now (not an atomic snapshot of the whole table: each slot is read once). */
  snapshot(): RegistrySnapshotEntry[] {
    const out: RegistrySnapshotEntry[] = [];
    for (let slot = 0; slot < this.capacity; slot++) {
      const b = this.base(slot);
      const w = Atomics.load(this.i32, b + L.S_STATE);
      if (!L.isLive(w)) continue;
      const len = Atomics.load(this.i32, b + L.S_NAME_LEN);
      const start = (b + L.SLOT_FIXED_WORDS) * 4;
      const name = decoder.decode(this.u8.slice(start, start + len));
      out.push({
        name,
        state: L.tagOf(w) === L.TAG_RESERVED ? 'reserved' : 'running',
        instanceId: L.payloadOf(w),
        owner: Atomics.load(this.i32, b + L.S_OWNER),
        version: Atomics.load(this.i32, b + L.S_VERSION),
      });
    }
    return out;
  }

  /** Occupancy counters. */
  stats(): { capacity: number; used: number; live: number; nextInstanceId: number } {
    return {
      capacity: this.capacity,
      used: Atomics.load(this.i32, L.H_USED),
      live: this.countLive(),
      nextInstanceId: Atomics.load(this.ids, this.idIndex),
    };
  }

  // ---- internals --------------------------------------------------------------------------------

  /**
   * Live slots, counted by a scan: O(capacity), for stats and error messages only. A shared live
   * counter would be one more word every creation and deletion writes from every thread.
   */
  private countLive(): number {
    let n = 0;
    for (let slot = 0; slot < this.capacity; slot++) if (L.isLive(this.state(slot))) n++;
    return n;
  }

  /**
   * A blind register must carry an id this table's id source already handed out: an id from the
   * future would later be handed out again, and two live words with one id break I2.
   */
  private checkHandedOut(id: number): number {
    checkId(id);
    if (id >= Atomics.load(this.ids, this.idIndex)) {
      throw new ShmError('RT_LOCK_MISUSE', `instanceId ${id} was never handed out by this table's id source (use allocateInstanceId)`);
    }
    return id;
  }

  private base(slot: number): number {
    return L.HEADER_WORDS + slot * this.slotWords;
  }

  private state(slot: number): number {
    return Atomics.load(this.i32, this.base(slot) + L.S_STATE);
  }

  /** For the by-instance operations: uses the slot cache but adds no entry (a create's publish and delete would fill it with names nobody looks up again). */
  private findLive(name: string): number {
    return this.findName(name, false);
  }

  /**
   * find() for `name`, first through the slot cache: if this isolate found `name` in slot s under
   * KEY_GEN g, and KEY_GEN is still g before and after a STATE load, the key was not rewritten since
   * (a rewrite adds 2 to KEY_GEN), so a live word read there is `name`'s (I5 again, with the key
   * compared when g was cached). Anything else — no entry, another KEY_GEN, a dead slot — takes the
   * full probe, which also validates and encodes the name. Saves the name encoding and the
   * word-by-word key comparison (each Atomics.load is a builtin call in Node 20, ~8 ns).
   * (KEY_GEN is 32 bits: a stale hint would need exactly 2^31 rewrites of one slot between two
   * lookups of this isolate to be mistaken for a current one.)
   */
  private findName(name: string, remember = true): number {
    const c = this.slotCache.get(name);
    if (c !== undefined) {
      const i32 = this.i32;
      const b = L.HEADER_WORDS + c.slot * this.slotWords;
      const g1 = Atomics.load(i32, b + L.S_KEY_GEN);
      if (g1 === c.gen) {
        if (this.hooks !== undefined) this.hooks.beforeStateReread?.(c.slot);
        const w = Atomics.load(i32, b + L.S_STATE);
        if (Atomics.load(i32, b + L.S_KEY_GEN) === g1 && L.isLive(w)) {
          this.foundWord = w;
          return c.slot;
        }
      }
    }
    if (this.encodedName !== name) {
      this.encodedName = undefined;
      this.key.encode(name);
      this.encodedName = name;
    }
    const slot = this.find();
    if (slot !== NOT_FOUND && (remember || c !== undefined)) {
      if (c !== undefined) {
        c.slot = slot;
        c.gen = this.foundGen;
      } else {
        if (this.slotCache.size >= CACHE_MAX) this.slotCache.clear();
        this.slotCache.set(name, { slot, gen: this.foundGen });
      }
    }
    return slot;
  }

  /**
   * One compareExchange on the STATE word; on success bumps the version and wakes waiters, if any.
   *
   * No lost wake-up (a Dekker argument; all Atomics operations are sequentially consistent): a
   * waiter increments S_WAITERS, then loads STATE; we compareExchange STATE, then load S_WAITERS.
   * In the single total order either our load sees the waiter's increment (we notify; if the waiter
   * has not parked yet, its Atomics.wait sees the changed value and returns at once), or the
   * increment comes after our load, hence after our exchange, and the waiter's STATE load sees the
   * new value and does not park.
   */
  private transition(slot: number, from: number, to: number): boolean {
    const b = this.base(slot);
    if (Atomics.compareExchange(this.i32, b + L.S_STATE, from, to) !== from) return false;
    Atomics.store(this.i32, b + L.S_OWNER, this.workerId);
    Atomics.add(this.i32, b + L.S_VERSION, 1);
    if (this.hooks !== undefined) this.hooks.betweenExchangeAndWaiterCheck?.(slot);
    if (Atomics.load(this.i32, b + L.S_WAITERS) > 0) notifyAll(this.i32, b + L.S_STATE);
    return true;
  }

  /**
   * live → TOMBSTONE. Deliberately lock-free: tombstones are compacted by the next insert whose probe
   * ends next to them (see insertLocked), so an unregister never touches the insert lock's cache line.
   */
  private kill(slot: number, from: number): boolean {
    return this.transition(slot, from, L.wordOf(L.TAG_TOMBSTONE, 0));
  }

  /**
   * Lock-free probe for a live slot holding exactly the encoded key; NOT_FOUND if none. On a hit,
   * `foundWord` is the slot's live STATE word read after the key was validated. A slot that dies
   * or is re-keyed while being compared is compared again (I5).
   */
  private find(): number {
    // Fields are read into locals once: every Atomics operation is a compiler barrier, after which
    // V8 would otherwise reload them (this cost a third of a lookup).
    const i32 = this.i32;
    const mask = this.mask;
    const slotWords = this.slotWords;
    const hooks = this.hooks;
    let slot = this.key.hash & mask;
    for (let probes = 0; probes < this.capacity; probes++) {
      const b = L.HEADER_WORDS + slot * slotWords;
      for (;;) {
        const tag = L.tagOf(Atomics.load(i32, b + L.S_STATE));
        if (tag === L.TAG_EMPTY) return NOT_FOUND;
        if (tag < L.TAG_RESERVED) break; // CLAIMING or TOMBSTONE: not (yet) a match
        const g1 = Atomics.load(i32, b + L.S_KEY_GEN);
        if ((g1 & 1) === 1) continue;
        const same = this.keyEquals(b);
        if (hooks !== undefined) hooks.beforeStateReread?.(slot);
        // The STATE word is read INSIDE the seqlock window [g1, g2]: no key write overlapped it, so
        // the word belongs to the key just compared (I5). Read after g2, it could belong to a name
        // that took the slot after the validation (issue #7).
        const w = Atomics.load(i32, b + L.S_STATE);
        if (Atomics.load(i32, b + L.S_KEY_GEN) !== g1) continue;
        if (!same) break;
        if (!L.isLive(w)) break; // it was our name but died meanwhile: keep probing
        this.foundWord = w;
        this.foundGen = g1;
        return slot;
      }
      slot = (slot + 1) & mask;
    }
    return NOT_FOUND;
  }

  /** Key words are read with Atomics.load so that they are ordered between the two KEY_GEN loads (plain loads are not). */
  private keyEquals(b: number): boolean {
    const k = this.key;
    const i32 = this.i32;
    const words = k.words;
    const n = k.wordCount;
    const len = k.length;
    if (Atomics.load(i32, b + L.S_HASH) >>> 0 !== k.hash || Atomics.load(i32, b + L.S_NAME_LEN) !== len) return false;
    const start = b + L.SLOT_FIXED_WORDS;
    for (let i = 0; i < n; i++) if (Atomics.load(i32, start + i) !== words[i]) return false;
    return true;
  }

  /**
   * Under the insert lock: if the name is live somewhere on its chain, report it; otherwise write it
   * into the first TOMBSTONE (or the terminating EMPTY) with `initial` as its state.
   */
  private insertLocked(initial: number): { inserted: boolean } {
    if (this.hooks !== undefined) this.hooks.beforeInsertLock?.();
    this.insertLock.lock();
    try {
      let slot = this.key.hash & this.mask;
      let free = NOT_FOUND;
      let freeWasEmpty = false;
      let end = NOT_FOUND; // the EMPTY slot that ended the probe, if any
      for (let probes = 0; probes < this.capacity; probes++) {
        const b = this.base(slot);
        const w = Atomics.load(this.i32, b + L.S_STATE);
        const tag = L.tagOf(w);
        if (tag === L.TAG_EMPTY) {
          end = slot;
          if (free === NOT_FOUND) {
            free = slot;
            freeWasEmpty = true;
          }
          break;
        }
        if (tag === L.TAG_TOMBSTONE) {
          if (free === NOT_FOUND) free = slot;
        } else if (tag === L.TAG_CLAIMING) {
          throw new ShmError('RT_LOCK_MISUSE', `slot ${slot} is CLAIMING while the insert lock is held (a claimer died mid-insert?)`);
        } else if (this.keyEquals(b)) {
          return { inserted: false }; // keys cannot change while we hold the lock (I3)
        }
        slot = (slot + 1) & this.mask;
      }
      if (free === NOT_FOUND) {
        throw new ShmError('RT_REGISTRY_FULL', `registry is full: ${this.capacity} slots, ${this.countLive()} live; create it with a larger capacity`);
      }
      this.writeKey(free, freeWasEmpty ? L.TAG_EMPTY : L.TAG_TOMBSTONE);
      if (freeWasEmpty) Atomics.add(this.i32, L.H_USED, 1);
      const b = this.base(free);
      Atomics.store(this.i32, b + L.S_OWNER, this.workerId);
      Atomics.add(this.i32, b + L.S_VERSION, 1);
      // Publication point: the key bytes above happen-before this store (seq-cst), so any thread
      // that sees the live word and then validates KEY_GEN reads the complete key.
      Atomics.store(this.i32, b + L.S_STATE, initial); // nobody waits on a slot that was not RESERVED: no notify
      // Amortised clean-up while we hold the lock anyway: the tombstones just before the EMPTY that
      // ended this probe (if we did not take that EMPTY) can become EMPTY again (I4).
      if (end !== NOT_FOUND && end !== free) this.compact((end - 1) & this.mask);
      if (Atomics.load(this.i32, L.H_USED) > Atomics.load(this.i32, L.H_SWEEP_AT)) this.sweep();
      return { inserted: true };
    } finally {
      this.insertLock.unlock();
    }
  }

  private writeKey(slot: number, fromTag: number): void {
    const k = this.key;
    const b = this.base(slot);
    const claimed = Atomics.compareExchange(this.i32, b + L.S_STATE, L.wordOf(fromTag, 0), L.wordOf(L.TAG_CLAIMING, 0));
    if (claimed !== L.wordOf(fromTag, 0)) {
      throw new ShmError('RT_LOCK_MISUSE', `slot ${slot} changed under the insert lock (found word ${claimed})`);
    }
    Atomics.add(this.i32, b + L.S_KEY_GEN, 1); // odd: key being written
    Atomics.store(this.i32, b + L.S_HASH, k.hash | 0);
    Atomics.store(this.i32, b + L.S_NAME_LEN, k.length);
    // Atomics.store, like the readers' Atomics.load: the key words are then ordered between the two
    // KEY_GEN increments for every reader (plain writes would not be, by the JS memory model).
    for (let i = 0; i < k.wordCount; i++) Atomics.store(this.i32, b + L.SLOT_FIXED_WORDS + i, k.words[i]!); // zero tail included
    Atomics.add(this.i32, b + L.S_KEY_GEN, 1); // even: key stable
  }

  /** Under the insert lock: turn the run of tombstones ending at `slot` back into EMPTY if the slot after it is EMPTY (I4). */
  private compact(slot: number): void {
    let s = slot;
    for (let n = 0; n < this.capacity; n++) {
      const b = this.base(s);
      if (L.tagOf(Atomics.load(this.i32, b + L.S_STATE)) !== L.TAG_TOMBSTONE) return;
      const next = (s + 1) & this.mask;
      if (L.tagOf(this.state(next)) !== L.TAG_EMPTY) return;
      Atomics.store(this.i32, b + L.S_STATE, L.wordOf(L.TAG_EMPTY, 0));
      Atomics.sub(this.i32, L.H_USED, 1);
      s = (s - 1) & this.mask;
    }
  }

  /**
   * Under the insert lock: every TOMBSTONE that no live key's probe chain crosses becomes EMPTY (I4
   * holds: only uncovered slots change). compact() alone frees only tombstones next to the EMPTY
   * that ended a probe, so distinct-name churn used to leave every slot non-EMPTY for good (#7).
   *
   * One backward walk over the table unrolled twice: at position q, `need` is the lowest unrolled
   * home position of any live slot after q, so a tombstone at q < capacity is crossed by a live
   * chain iff need <= q. Keys cannot enter meanwhile (we hold the lock); a live slot that dies
   * during the walk only makes the result more conservative. Runs when H_USED exceeds H_SWEEP_AT,
   * which is then set to H_USED + capacity/16: O(capacity) work per capacity/16 EMPTY-claiming
   * inserts, i.e. about 32 slot reads per insert amortised.
   */
  private sweep(): void {
    const cap = this.capacity;
    const i32 = this.i32;
    const mask = this.mask;
    const slotWords = this.slotWords;
    let need = Infinity;
    let freed = 0;
    // Plain loads on purpose (each Atomics.load is a builtin call here, and this walk reads 2 ×
    // capacity slots): we hold the insert lock, so every insert that made a slot live or wrote its
    // key happened-before this walk and is visible; the only concurrent change is live →
    // TOMBSTONE, and a stale "live" read only keeps more tombstones (conservative).
    for (let q = 2 * cap - 1; q >= 0; q--) {
      const slot = q & mask;
      const b = L.HEADER_WORDS + slot * slotWords;
      const tag = L.tagOf(i32[b + L.S_STATE]!);
      if (tag >= L.TAG_RESERVED) {
        const home = i32[b + L.S_HASH]! & mask;
        need = Math.min(need, q - ((slot - home) & this.mask));
      } else if (tag === L.TAG_TOMBSTONE && q < cap && need > q) {
        Atomics.store(this.i32, b + L.S_STATE, L.wordOf(L.TAG_EMPTY, 0));
        freed++;
      }
    }
    const used = Atomics.sub(this.i32, L.H_USED, freed) - freed;
    Atomics.store(this.i32, L.H_SWEEP_AT, used + sweepSlack(cap));
  }

  private stuck(r: { readonly instanceId: number; readonly slot: number }): ShmError {
    const owner = Atomics.load(this.i32, this.base(r.slot) + L.S_OWNER);
    return new ShmError(
      'RT_WAIT_TIMEOUT',
      `instance ${r.instanceId} stayed RESERVED past the wait timeout; reserved by worker ${owner} (did it die mid-creation?)`,
    );
  }
}

/** Id source words: the counter (next id), a magic, and a random 64-bit token naming this source. */
const ID_COUNTER = 0;
const ID_MAGIC = 1;
const ID_TOKEN_LO = 2;
const ID_TOKEN_HI = 3;
const ID_SOURCE_WORDS = 4;
const ID_SOURCE_MAGIC = 0x52464944; // 'RFID'

/**
 * A run-wide instance-id counter for `SharedRegistry.create/attach`; ids start at 1. Each source
 * carries a random 64-bit token; a table created with it records the token, and `attach` refuses
 * any other source (or none), so one table never has two id sources.
 */
export function newIdSource(): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(ID_SOURCE_WORDS * 4);
  const w = new Int32Array(sab);
  do randomFillSync(w, ID_TOKEN_LO, 2);
  while (w[ID_TOKEN_LO] === 0 && w[ID_TOKEN_HI] === 0);
  w[ID_COUNTER] = 1;
  Atomics.store(w, ID_MAGIC, ID_SOURCE_MAGIC);
  return sab;
}

function checkIdSource(ids: unknown): SharedArrayBuffer | undefined {
  if (ids === undefined) return undefined;
  if (!(ids instanceof SharedArrayBuffer) || ids.byteLength !== ID_SOURCE_WORDS * 4 || Atomics.load(new Int32Array(ids), ID_MAGIC) !== ID_SOURCE_MAGIC) {
    throw new ShmError('RT_LAYOUT_MISMATCH', `idSource must be a ${ID_SOURCE_WORDS * 4}-byte SharedArrayBuffer from newIdSource()`);
  }
  return ids;
}

function checkSameIdSource(h: Int32Array, ids: SharedArrayBuffer | undefined): void {
  const external = h[L.H_ID_EXTERNAL] === 1;
  if (!external && ids === undefined) return;
  if (!external) throw new ShmError('RT_LAYOUT_MISMATCH', 'this registry counts its own instance ids; attach it without an id source');
  if (ids === undefined) throw new ShmError('RT_LAYOUT_MISMATCH', 'this registry takes instance ids from an id source (newIdSource); attach it with that same source');
  const src = new Int32Array(ids);
  if (src[ID_TOKEN_LO] !== h[L.H_ID_TOKEN_LO] || src[ID_TOKEN_HI] !== h[L.H_ID_TOKEN_HI]) {
    throw new ShmError('RT_LAYOUT_MISMATCH', 'this registry was created with a different id source; attach it with that same source');
  }
}

/** Slots an insert may turn from EMPTY to used between two tombstone sweeps (see sweep). */
function sweepSlack(capacity: number): number {
  return Math.max(1, capacity >> 4);
}

function entryOf(w: number): RegistryEntry {
  const tag = L.tagOf(w);
  if (tag === L.TAG_RESERVED) return { state: 'reserved', instanceId: L.payloadOf(w) };
  if (tag === L.TAG_RUNNING) return { state: 'running', instanceId: L.payloadOf(w) };
  return ABSENT;
}

function checkId(id: number): number {
  if (!Number.isInteger(id) || id < 1 || id > L.INSTANCE_ID_MAX) {
    throw new ShmError('RT_LOCK_MISUSE', `instanceId must be an integer in [1, ${L.INSTANCE_ID_MAX}], got ${String(id)}`);
  }
  return id;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v).constructor.name;
  return typeof v;
}
