import { ShmError } from './errors.js';
import { FutexWords } from './futex-mutex.js';
import type { NameCodec } from './name-codec.js';
import { countLive, keyEquals, NOT_FOUND, type RegistryTestHooks } from './registry-probe.js';
import * as L from './registry-layout.js';

/** probeAndClaim outcomes. */
const PRESENT = 0; // the name is live on its chain: nothing inserted
const CLAIMED = 1; // inserted into a TOMBSTONE
const CLAIMED_EMPTY = 2; // inserted into an EMPTY slot (H_USED grew)
const NO_FREE_SLOT = 3; // the probe met no free slot (the table may be full)

const EMPTY_WORD = L.wordOf(L.TAG_EMPTY, 0);
const CLAIMING_WORD = L.wordOf(L.TAG_CLAIMING, 0);

/** H_SWEEP_AT after a sweep that left `used` non-EMPTY slots (see SlotLockInserter.sweep). */
export function sweepAt(capacity: number, used: number): number {
  return Math.max(used + Math.max(1, capacity >> 4), capacity >> 1);
}

/**
 * The write side of the registry: new keys enter the table here, under the insert lock of their
 * home slot, and tombstones are reclaimed here (sweep). See SharedRegistry for I1–I6; this file
 * keeps I3 and I4.
 *
 * Home-slot locks: the lock in slot h (S_INSERT_LOCK) guards the names whose HOME is h. Same name
 * ⇒ same home ⇒ same lock, so "is the name live on its chain? else claim a free slot" is one step
 * per name (I3). Chains run past other homes, so a free slot can be wanted by inserters of two homes
 * at once: the claim is a compareExchange from the exact free word the probe read, and the loser
 * probes again. Everything that turns a slot EMPTY (sweep) holds ALL insert locks.
 */
export class SlotLockInserter {
  private locks: FutexWords;
  private readonly mask: number;

  constructor(
    private readonly i32: Int32Array,
    private readonly capacity: number,
    private readonly slotWords: number,
    private readonly workerId: number,
  ) {
    this.mask = capacity - 1;
    this.locks = new FutexWords(i32, workerId + 1);
  }

  /** Another deadlock guard for the insert locks (tests only; see RegistryTestHooks.insertLockTimeoutMs). */
  setLockTimeout(timeoutMs: number | undefined): void {
    this.locks = new FutexWords(this.i32, this.workerId + 1, undefined, timeoutMs);
  }

  /** The insert lock's word for the names whose home is `home`. */
  private lockWord(home: number): number {
    return L.HEADER_WORDS + home * this.slotWords + L.S_INSERT_LOCK;
  }

  /**
   * Under the name's home-slot lock: if the name is live somewhere on its chain, report it (false);
   * otherwise write it into the first TOMBSTONE (or the EMPTY ending the probe) with `initial` as
   * its state (true). `key` holds the name encoded.
   */
  insert(key: NameCodec, initial: number, hooks: RegistryTestHooks | undefined): boolean {
    if (hooks !== undefined) hooks.beforeInsertLock?.();
    const lockAt = this.lockWord(key.hash & this.mask);
    this.locks.lock(lockAt);
    let r: number;
    try {
      r = this.probeAndClaim(key, initial, hooks);
    } finally {
      this.locks.unlock(lockAt);
    }
    if (r === NO_FREE_SLOT) r = this.insertExclusive(key, initial, hooks);
    if (r === CLAIMED_EMPTY && Atomics.load(this.i32, L.H_USED) > Atomics.load(this.i32, L.H_SWEEP_AT)) this.sweepAll();
    return r !== PRESENT;
  }

  /**
   * The probe under one insert lock saw no free slot. Inserters of other homes may have freed and
   * re-claimed slots during it, so that is not yet "full at some moment": probe again holding every
   * insert lock. Then no slot becomes non-free during the probe (only inserters claim, and all are shut
   * out), so if every slot reads live, every one was live at the probe's first load: that load is
   * the linearization point of RT_REGISTRY_FULL.
   */
  private insertExclusive(key: NameCodec, initial: number, hooks: RegistryTestHooks | undefined): number {
    this.lockAll();
    try {
      const r = this.probeAndClaim(key, initial, hooks);
      if (r === NO_FREE_SLOT) {
        throw new ShmError('RT_REGISTRY_FULL', `registry is full: ${this.capacity} slots, ${countLive(this.i32, this.capacity, this.slotWords)} live; create it with a larger capacity`);
      }
      return r;
    } finally {
      this.unlockAll();
    }
  }

  /** Caller holds the name's home-slot lock (or all of them). */
  private probeAndClaim(key: NameCodec, initial: number, hooks: RegistryTestHooks | undefined): number {
    const i32 = this.i32;
    const mask = this.mask;
    for (;;) {
      let slot = key.hash & mask;
      let free = NOT_FOUND;
      let freeWord = EMPTY_WORD;
      for (let probes = 0; probes < this.capacity; probes++) {
        const b = L.HEADER_WORDS + slot * this.slotWords;
        const w = Atomics.load(i32, b + L.S_STATE);
        const tag = L.tagOf(w);
        if (tag === L.TAG_EMPTY) {
          if (free === NOT_FOUND) {
            free = slot;
            freeWord = w;
          }
          break;
        }
        if (tag === L.TAG_TOMBSTONE) {
          if (free === NOT_FOUND) {
            free = slot;
            freeWord = w;
          }
        } else if (tag === L.TAG_CLAIMING) {
          // Another home's name, never ours: a claimer of our name would hold our lock, and a
          // claim is complete (published) before its claimer unlocks. The slot was EMPTY or a
          // TOMBSTONE just before; if it was EMPTY our probe would have ended here, and we go on
          // past it instead. That is sound both ways: our name cannot be live beyond an EMPTY (I4),
          // so the duplicate check only reads more than it needs; and a free slot we claim beyond
          // this one keeps I4, because a claim never reverts — this slot will be live, not EMPTY,
          // and only a sweep (which needs our lock) empties slots.
        } else if (keyEquals(i32, b, key)) {
          return PRESENT; // our name's key cannot be written meanwhile: its inserts need our lock (I3)
        }
        slot = (slot + 1) & mask;
      }
      if (free === NOT_FOUND) return NO_FREE_SLOT;
      if (hooks !== undefined) hooks.beforeClaim?.(free);
      // The claim: from the exact word the probe read. It fails only if an inserter of ANOTHER
      // home claimed the slot since (EMPTY and TOMBSTONE change only by claims, and by sweeps,
      // which wait for our lock): probe again. It may succeed after a TOMBSTONE was claimed, used
      // and killed again in between (ABA): harmless, the chain before it has held no EMPTY since
      // our probe (no sweep can run) and our name cannot have been inserted (our lock).
      if (Atomics.compareExchange(i32, L.HEADER_WORDS + free * this.slotWords + L.S_STATE, freeWord, CLAIMING_WORD) !== freeWord) continue;
      this.writeKey(free, key);
      if (freeWord === EMPTY_WORD) Atomics.add(i32, L.H_USED, 1);
      const b = L.HEADER_WORDS + free * this.slotWords;
      Atomics.store(i32, b + L.S_OWNER, this.workerId);
      Atomics.add(i32, b + L.S_VERSION, 1);
      // Publication point: the key bytes above happen-before this store (seq-cst), so any thread
      // that sees the live word and then validates KEY_GEN reads the complete key.
      Atomics.store(i32, b + L.S_STATE, initial); // nobody waits on a slot that was not RESERVED: no notify
      return freeWord === EMPTY_WORD ? CLAIMED_EMPTY : CLAIMED;
    }
  }

  /** The claimer writes the key of its CLAIMING slot inside a KEY_GEN seqlock window (odd while writing). */
  private writeKey(slot: number, k: NameCodec): void {
    const i32 = this.i32;
    const b = L.HEADER_WORDS + slot * this.slotWords;
    Atomics.add(i32, b + L.S_KEY_GEN, 1); // odd: key being written
    Atomics.store(i32, b + L.S_HASH, k.hash | 0);
    Atomics.store(i32, b + L.S_NAME_LEN, k.length);
    // Atomics.store, like the readers' Atomics.load: the key words are then ordered between the two
    // KEY_GEN increments for every reader (plain writes would not be, by the JS memory model).
    for (let i = 0; i < k.wordCount; i++) Atomics.store(i32, b + L.SLOT_FIXED_WORDS + i, k.words[i]!); // zero tail included
    Atomics.add(i32, b + L.S_KEY_GEN, 1); // even: key stable
  }

  /**
   * Sweeps under every insert lock, unless another thread swept since we looked. The insert that
   * triggered it is already done and must be reported: if an insert lock cannot be had (a holder
   * stuck past the deadlock guard), the sweep is skipped, not thrown out of reserve/register (whose
   * caller would then hold a RESERVED it never heard of). H_SWEEP_AT is unchanged, so the next
   * EMPTY-claiming insert tries again; the stuck holder surfaces to whoever needs its lock.
   */
  private sweepAll(): void {
    try {
      this.lockAll();
    } catch (e) {
      if (e instanceof ShmError && e.code === 'RT_WAIT_TIMEOUT') return;
      throw e;
    }
    try {
      if (Atomics.load(this.i32, L.H_USED) > Atomics.load(this.i32, L.H_SWEEP_AT)) this.sweep();
    } finally {
      this.unlockAll();
    }
  }

  /**
   * Ascending order, so two threads taking all of them cannot deadlock; an inserter holds one
   * lock at most and never asks for another while holding it (insert releases its lock before it
   * sweeps or goes exclusive). O(capacity) lock operations, as the sweep's walk is O(capacity).
   */
  private lockAll(): void {
    let n = 0;
    try {
      for (; n < this.capacity; n++) this.locks.lock(this.lockWord(n));
    } catch (e) {
      while (n > 0) this.locks.unlock(this.lockWord(--n));
      throw e;
    }
  }

  private unlockAll(): void {
    for (let h = this.capacity - 1; h >= 0; h--) this.locks.unlock(this.lockWord(h));
  }

  /**
   * Under ALL insert locks: every TOMBSTONE that no live key's probe chain crosses becomes EMPTY
   * (I4 holds: only uncovered slots change, and no inserter is mid-probe). Without it,
   * distinct-name churn would leave every slot non-EMPTY for good (#7).
   *
   * One backward walk over the table unrolled twice: at position q, `need` is the lowest unrolled
   * home position of any live slot after q, so a tombstone at q < capacity is crossed by a live
   * chain iff need <= q. Keys cannot enter meanwhile (we hold every lock); a live slot that dies
   * during the walk only makes the result more conservative. Runs when H_USED exceeds H_SWEEP_AT,
   * which is then set by sweepAt: O(capacity) work per capacity/16 EMPTY-claiming inserts (about
   * 32 slot reads per insert amortised), and never while under half the slots are used — names
   * and their tombstones are then reused in place, and H_USED, the sweep and its capacity locks stay
   * off the insert path.
   */
  private sweep(): void {
    const cap = this.capacity;
    const i32 = this.i32;
    const mask = this.mask;
    const slotWords = this.slotWords;
    let need = Infinity;
    let freed = 0;
    // Plain loads on purpose (each Atomics.load is a builtin call here, and this walk reads 2 ×
    // capacity slots): we hold every insert lock, so every claim that made a slot live or wrote its
    // key happened-before this walk (its claimer published, then unlocked its lock, which we then
    // locked) and is visible; the only concurrent change is live → TOMBSTONE, and a stale "live"
    // read only keeps more tombstones (conservative).
    for (let q = 2 * cap - 1; q >= 0; q--) {
      const slot = q & mask;
      const b = L.HEADER_WORDS + slot * slotWords;
      const tag = L.tagOf(i32[b + L.S_STATE]!);
      if (tag >= L.TAG_RESERVED) {
        const home = i32[b + L.S_HASH]! & mask;
        need = Math.min(need, q - ((slot - home) & mask));
      } else if (tag === L.TAG_TOMBSTONE && q < cap && need > q) {
        Atomics.store(i32, b + L.S_STATE, EMPTY_WORD);
        freed++;
      }
    }
    const used = Atomics.sub(i32, L.H_USED, freed) - freed;
    Atomics.store(i32, L.H_SWEEP_AT, sweepAt(cap, used));
  }
}
