import { ShmError } from './errors.js';
import { DEFAULT_NAME_BYTES_MAX, NameCodec } from './name-codec.js';
import { checkId, IdAllocator } from './registry-ids.js';
import { SlotLockInserter } from './registry-insert.js';
import * as L from './registry-layout.js';
import { checkTableBuffer, newTableBuffer } from './registry-open.js';
import { countLive, NOT_FOUND, RegistryProbe, type RegistryTestHooks } from './registry-probe.js';
import { type ParkOn, parkWhileReserved, parkWhileReservedSync, type WaitStats } from './registry-waits.js';
import { notifyAll } from './wait.js';

export { newIdSource } from './registry-ids.js';
export type { RegistryTestHooks } from './registry-probe.js';

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

const ABSENT: RegistryEntry = Object.freeze({ state: 'absent' });
const decoder = new TextDecoder();

/**
 * An open-addressing (linear probing) hash table of group name → Raft node instance id, living in
 * one SharedArrayBuffer and usable from any thread that attaches the buffer. This file is the
 * public face and the lock-free state transitions; the probe is registry-probe.ts, new keys and
 * tombstone reclamation registry-insert.ts, waiting registry-waits.ts, ids registry-ids.ts.
 *
 * Invariants:
 * - I1 The STATE word of a slot is the truth; every change to it is a single Atomics operation.
 * - I2 A live word (RESERVED(id) / RUNNING(id)) carries an instance id from the table's one id
 *   source (its own counter, or the newIdSource() whose token the header records; attach refuses
 *   any other). The allocator saturates at INSTANCE_ID_MAX instead of wrapping, and register
 *   refuses ids the source never handed out. While a slot stays live its key bytes do not change.
 * - I3 A new key enters the table only under the insert lock of its HOME slot (a sync futex in the
 *   home slot's own line, S_INSERT_LOCK; no await inside, held for a few hundred ns). One name has
 *   one home, hence one lock, which makes "is the name anywhere along its probe chain?" and "claim a
 *   free slot" one step per name, so a name is never live in two slots. Inserters of different
 *   homes run at once; where their chains meet, a free slot goes to whoever's claiming
 *   compareExchange (EMPTY/TOMBSTONE → CLAIMING) lands first, and the other probes again. Every
 *   other operation — lookup, publish, overwrite, unregister, waiting — is lock-free.
 * - I4 Every live key's probe chain (home slot → its slot) contains no EMPTY slot. A TOMBSTONE
 *   becomes EMPTY only in sweep(), which holds ALL insert locks (no inserter is mid-probe) and frees
 *   only tombstones that no live chain crosses; it runs once H_USED has grown by capacity/16 since
 *   the last sweep and exceeds capacity/2, so occupancy stays bounded under any churn
 *   (max(capacity/2, live slots + tombstones inside live chains + capacity/16)).
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
 * no EMPTY and a live key never moves); an insert — its publishing STATE store under its home-slot
 * lock; RT_REGISTRY_FULL — the first load of a probe made under ALL insert locks (no slot becomes
 * live while they are held, so every slot read live was live then); publish/cancel/unregister/
 * overwrite — their compareExchange. Checked on real threads by `npm run lincheck` (src/lincheck).
 */
export class SharedRegistry {
  readonly capacity: number;
  readonly nameBytesMax: number;
  private readonly slotWords: number;
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  private readonly probe: RegistryProbe;
  private readonly inserter: SlotLockInserter;
  private readonly ids: IdAllocator;
  /** Scratch for the name of the operation in progress (the probe's codec); every public method encodes first. */
  private readonly key: NameCodec;
  private hooks: RegistryTestHooks | undefined;
  /** Waits by this attachment on reservations: parks, and waits that ran to their timeout. */
  readonly waitStats: WaitStats = { parked: 0, timedOut: 0 };

  private constructor(
    readonly buffer: SharedArrayBuffer,
    /** This isolate's worker id, recorded as the owner of the slots it claims. */
    readonly workerId: number,
    idSource: SharedArrayBuffer | undefined,
  ) {
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
    this.capacity = this.i32[L.H_CAPACITY]!;
    this.nameBytesMax = this.i32[L.H_NAME_BYTES_MAX]!;
    this.slotWords = this.i32[L.H_SLOT_WORDS]!;
    this.ids = new IdAllocator(this.i32, idSource);
    this.key = new NameCodec(this.nameBytesMax);
    this.probe = new RegistryProbe(this.i32, this.capacity, this.slotWords, this.key);
    this.inserter = new SlotLockInserter(this.i32, this.capacity, this.slotWords, workerId);
  }

  /**
   * Allocates and initialises a new registry buffer. `idSource` (see `newIdSource`) shares one
   * instance-id counter among several registries, e.g. all servers of a run.
   */
  static create(opts: RegistryOptions, workerId = 0, idSource?: SharedArrayBuffer): SharedRegistry {
    const { sab, ids } = newTableBuffer(opts.capacity, opts.nameBytesMax ?? DEFAULT_NAME_BYTES_MAX, idSource);
    return new SharedRegistry(sab, workerId, ids);
  }

  /** Attaches a buffer made by `create` (in this or another thread), checking layout and size. */
  static attach(buffer: unknown, workerId = 0, idSource?: SharedArrayBuffer): SharedRegistry {
    const ids = checkTableBuffer(buffer, idSource);
    return new SharedRegistry(buffer as SharedArrayBuffer, workerId, ids);
  }

  /** A fresh instance id, unique for the life of the id source; ids are never reused (see IdAllocator). */
  allocateInstanceId(): number {
    return this.ids.allocate();
  }

  /** Installs (or with undefined removes) test-only pause points; see RegistryTestHooks. */
  setTestHooks(hooks: RegistryTestHooks | undefined): void {
    this.hooks = hooks;
    this.probe.hooks = hooks;
    this.inserter.setLockTimeout(hooks?.insertLockTimeoutMs);
  }

  /**
   * For a simulator that reuses attachments: call after the table's bytes and its id source's were
   * overwritten wholesale (e.g. restored to a copy taken right after `create`), while no operation
   * runs on them. This attachment then behaves as a fresh `attach` of the restored buffers: it
   * forgets its slot-cache hints (a remembered (slot, KEY_GEN) can match another name in the new
   * contents, since a restored table's KEY_GEN values recur) and its block of instance ids (the
   * restored counter hands them out again: two attachments would hold the same ids, breaking I2),
   * and zeroes its wait counters. Test hooks stay as set (setTestHooks).
   */
  reset(): void {
    this.probe.forget();
    this.ids.dropBlock();
    this.waitStats.parked = 0;
    this.waitStats.timedOut = 0;
  }

  lookup(name: string): RegistryEntry {
    return this.probe.findName(name, true) === NOT_FOUND ? ABSENT : entryOf(this.probe.foundWord);
  }

  // ---- the NATS v2.10.18 family: blind overwrite, delete by name --------------------------------

  /** Registers `instanceId` under `name`, overwriting whatever was there (NATS `registerRaftNode`). Returns the overwritten id, 0 if none. */
  register(name: string, instanceId: number): number {
    let slot = this.probe.findName(name, true); // validates the name first: a bad name is reported before a bad id
    const running = L.wordOf(L.TAG_RUNNING, this.ids.checkHandedOut(instanceId));
    for (let first = true; ; first = false) {
      if (!first) slot = this.probe.findName(name, true);
      if (slot === NOT_FOUND) {
        if (this.inserter.insert(this.key, running, this.hooks)) return 0;
        continue; // someone inserted it meanwhile: overwrite theirs
      }
      const w = this.probe.foundWord;
      if (this.transition(slot, w, running)) return L.payloadOf(w);
    }
  }

  /** Removes whatever is registered under `name` (NATS `unregisterRaftNode`: by name, not identity). Returns the removed id, 0 if none. */
  unregisterByName(name: string): number {
    for (;;) {
      const slot = this.probe.findName(name, true);
      if (slot === NOT_FOUND) return 0;
      const w = this.probe.foundWord;
      if (this.kill(slot, w)) return L.payloadOf(w);
    }
  }

  // ---- the atomic family: reserve / publish / unregister by instance ----------------------------

  /**
   * Claims `name` for a new instance if nobody holds it. The winner gets a fresh instance id in
   * state RESERVED and must later `publish` or `cancelReservation` it; everyone else learns who
   * holds it. One linearisation point: the insert (under its home-slot lock) or the probe hit.
   */
  reserve(name: string): ReserveResult {
    for (;;) {
      const slot = this.probe.findName(name, true);
      if (slot !== NOT_FOUND) {
        const w = this.probe.foundWord; // live by find's contract
        if (L.tagOf(w) === L.TAG_RESERVED) return { kind: 'reserved', instanceId: L.payloadOf(w), slot };
        return { kind: 'running', instanceId: L.payloadOf(w) };
      }
      const id = this.allocateInstanceId();
      if (this.inserter.insert(this.key, L.wordOf(L.TAG_RESERVED, id), this.hooks)) return { kind: 'won', instanceId: id };
    }
  }

  /** RESERVED(id) → RUNNING(id) and wake every waiter. Throws if `name` is not reserved by `instanceId`. */
  publish(name: string, instanceId: number): void {
    const slot = this.probe.findName(name, false);
    const expected = L.wordOf(L.TAG_RESERVED, checkId(instanceId));
    if (slot === NOT_FOUND || !this.transition(slot, expected, L.wordOf(L.TAG_RUNNING, instanceId))) {
      throw new ShmError('RT_LOCK_MISUSE', `publish(${JSON.stringify(name)}, ${instanceId}): the name is not reserved by that instance`);
    }
  }

  /** RESERVED(id) → removed, waking waiters so they retry. False if `instanceId` no longer holds it. */
  cancelReservation(name: string, instanceId: number): boolean {
    const slot = this.probe.findName(name, false);
    return slot !== NOT_FOUND && this.kill(slot, L.wordOf(L.TAG_RESERVED, checkId(instanceId)));
  }

  /** Compare-and-clear: removes `name` only if it maps to RUNNING(instanceId). Never removes a successor. */
  unregisterInstance(name: string, instanceId: number): boolean {
    const slot = this.probe.findName(name, false);
    return slot !== NOT_FOUND && this.kill(slot, L.wordOf(L.TAG_RUNNING, checkId(instanceId)));
  }

  /**
   * Parks (without blocking the thread) until the reservation `r` is published, cancelled or
   * removed. Callers then look again. Throws RT_WAIT_TIMEOUT naming the reserving worker.
   */
  awaitReservation(r: { readonly instanceId: number; readonly slot: number }, timeoutMs: number): Promise<void> {
    return parkWhileReserved(this.parkOn(r, timeoutMs));
  }

  /** Blocking form of `awaitReservation`, for threads that run one creator at a time. */
  awaitReservationSync(r: { readonly instanceId: number; readonly slot: number }, timeoutMs: number): void {
    parkWhileReservedSync(this.parkOn(r, timeoutMs));
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
      live: countLive(this.i32, this.capacity, this.slotWords),
      nextInstanceId: this.ids.next(),
    };
  }

  // ---- internals --------------------------------------------------------------------------------

  private parkOn(r: { readonly instanceId: number; readonly slot: number }, timeoutMs: number): ParkOn {
    return {
      i32: this.i32,
      base: this.base(r.slot),
      expected: L.wordOf(L.TAG_RESERVED, r.instanceId),
      timeoutMs,
      stats: this.waitStats,
      hooks: this.hooks,
      stuck: () => this.stuck(r),
    };
  }

  private base(slot: number): number {
    return L.HEADER_WORDS + slot * this.slotWords;
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
   * live → TOMBSTONE. Deliberately lock-free: tombstones are reused by inserts of their chains and
   * reclaimed by sweeps (registry-insert.ts), so an unregister never touches a lock's cache line.
   */
  private kill(slot: number, from: number): boolean {
    return this.transition(slot, from, L.wordOf(L.TAG_TOMBSTONE, 0));
  }
  private stuck(r: { readonly instanceId: number; readonly slot: number }): ShmError {
    const owner = Atomics.load(this.i32, this.base(r.slot) + L.S_OWNER);
    return new ShmError(
      'RT_WAIT_TIMEOUT',
      `instance ${r.instanceId} stayed RESERVED past the wait timeout; reserved by worker ${owner} (did it die mid-creation?)`,
    );
  }
}

function entryOf(w: number): RegistryEntry {
  const tag = L.tagOf(w);
  if (tag === L.TAG_RESERVED) return { state: 'reserved', instanceId: L.payloadOf(w) };
  if (tag === L.TAG_RUNNING) return { state: 'running', instanceId: L.payloadOf(w) };
  return ABSENT;
}
