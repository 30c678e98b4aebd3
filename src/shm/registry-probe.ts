import type { NameCodec } from './name-codec.js';
import * as L from './registry-layout.js';

export const NOT_FOUND = -1;
const CACHE_MAX = 1 << 14;

/**
 * Test-only pause points. Unset in production (one field load and a compare per use); tests set
 * them with `SharedRegistry.setTestHooks` to run another caller's steps at an exact point of this
 * caller's operation, which turns a rare interleaving into a certain one.
 */
export interface RegistryTestHooks {
  /** find(): the key of `slot` was compared under the seqlock; the STATE word is read next. */
  beforeStateReread?(slot: number): void;
  /** transition(): between the STATE exchange and the waiter-count check. */
  betweenExchangeAndWaiterCheck?(slot: number): void;
  /** insert(): the lock-free probe missed; the name's home-slot lock is taken next. */
  beforeInsertLock?(): void;
  /** insert(): under the home-slot lock the probe chose free `slot`; its claiming compareExchange is next. */
  beforeClaim?(slot: number): void;
  /** awaitReservation(Sync): a wait returned `result`; the state is examined next. */
  afterWait?(result: string): void;
  /**
   * Deadlock guard of the insert locks (FutexWords timeoutMs) while these hooks are installed: a
   * test that makes a caller of its own thread wait for a lock it holds gets RT_WAIT_TIMEOUT after
   * this long instead of the 30 s default.
   */
  readonly insertLockTimeoutMs?: number;
}

/** Key words are read with Atomics.load so that they are ordered between the two KEY_GEN loads (plain loads are not). */
export function keyEquals(i32: Int32Array, b: number, k: NameCodec): boolean {
  const words = k.words;
  const n = k.wordCount;
  if (Atomics.load(i32, b + L.S_HASH) >>> 0 !== k.hash || Atomics.load(i32, b + L.S_NAME_LEN) !== k.length) return false;
  const start = b + L.SLOT_FIXED_WORDS;
  for (let i = 0; i < n; i++) if (Atomics.load(i32, start + i) !== words[i]) return false;
  return true;
}

/** Live slots, counted by a scan: O(capacity), for stats and error messages only. */
export function countLive(i32: Int32Array, capacity: number, slotWords: number): number {
  let n = 0;
  for (let slot = 0; slot < capacity; slot++) if (L.isLive(Atomics.load(i32, L.HEADER_WORDS + slot * slotWords + L.S_STATE))) n++;
  return n;
}

/** The lock-free probe of one attachment: finds a name's live slot (through this isolate's slot cache, then the table). */
export class RegistryProbe {
  private readonly mask: number;
  /** STATE word of the last successful `find` (valid until the next call in this isolate). */
  foundWord = 0;
  /** KEY_GEN value under which the last successful `find` validated the key. */
  foundGen = 0;
  hooks: RegistryTestHooks | undefined;
  /** The name `key` holds encoded, if any (encoding is skipped when the slot cache answers). */
  private encodedName: string | undefined;
  /**
   * This isolate's memory of where a name was last found: name → { slot, KEY_GEN then }. Only a
   * hint: a hit is trusted only if the slot's KEY_GEN still equals the remembered value around the
   * STATE load (the key has not been rewritten since, see findName). Cleared when it grows past
   * CACHE_MAX names.
   */
  private readonly slotCache = new Map<string, { slot: number; gen: number }>();

  constructor(
    private readonly i32: Int32Array,
    private readonly capacity: number,
    private readonly slotWords: number,
    /** Scratch for the name of the operation in progress; the registry encodes into it first. */
    readonly key: NameCodec,
  ) {
    this.mask = capacity - 1;
  }

  /**
   * Forgets every hint about the table (see SharedRegistry.reset): a (slot, KEY_GEN) remembered
   * from contents that were overwritten wholesale can match another name in the new contents (a
   * restored table restarts KEY_GEN, so gen values recur), and a hit is then trusted for the
   * wrong name.
   */
  forget(): void {
    if (this.slotCache.size !== 0) this.slotCache.clear(); // clearing an empty Map still reallocates it
    this.encodedName = undefined;
    this.foundWord = 0;
    this.foundGen = 0;
  }

  /**
   * Lock-free probe for a live slot holding exactly the encoded key; NOT_FOUND if none. On a hit,
   * `foundWord` is the slot's live STATE word read after the key was validated. A slot that dies
   * or is re-keyed while being compared is compared again (I5). CLAIMING and TOMBSTONE slots are
   * passed over; only EMPTY ends the probe (I4).
   */
  find(): number {
    // Fields are read into locals once: every Atomics operation is a compiler barrier, after which
    // V8 would otherwise reload them (this cost a third of a lookup).
    const i32 = this.i32;
    const mask = this.mask;
    const slotWords = this.slotWords;
    const hooks = this.hooks;
    const key = this.key;
    let slot = key.hash & mask;
    for (let probes = 0; probes < this.capacity; probes++) {
      const b = L.HEADER_WORDS + slot * slotWords;
      for (;;) {
        const tag = L.tagOf(Atomics.load(i32, b + L.S_STATE));
        if (tag === L.TAG_EMPTY) return NOT_FOUND;
        if (tag < L.TAG_RESERVED) break; // CLAIMING or TOMBSTONE: not (yet) a match
        const g1 = Atomics.load(i32, b + L.S_KEY_GEN);
        if ((g1 & 1) === 1) continue;
        const same = keyEquals(i32, b, key);
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

  /**
   * find() for `name`, first through the slot cache (`remember`: add an entry on a hit; the
   * by-instance operations pass false — a create's publish and delete would fill it with names
   * nobody looks up again): if this isolate found `name` in slot s under
   * KEY_GEN g, and KEY_GEN is still g before and after a STATE load, the key was not rewritten since
   * (a rewrite adds 2 to KEY_GEN), so a live word read there is `name`'s (I5 again, with the key
   * compared when g was cached). Anything else — no entry, another KEY_GEN, a dead slot — takes the
   * full probe, which also validates and encodes the name. Saves the name encoding and the
   * word-by-word key comparison (each Atomics.load is a builtin call in Node 20, ~8 ns).
   * (KEY_GEN is 32 bits: a stale hint would need exactly 2^31 rewrites of one slot between two
   * lookups of this isolate to be mistaken for a current one.)
   */
  findName(name: string, remember: boolean): number {
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
}
