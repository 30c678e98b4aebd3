import { ShmError } from './errors.js';
import { NAME_BYTES_LIMIT } from './name-codec.js';

/**
 * Named offsets of the SharedRegistry buffer, in Int32 words. The buffer is
 * `[header: HEADER_WORDS][slot 0][slot 1]…`, each slot SLOT_FIXED_WORDS + ceil(nameBytesMax / 4)
 * words rounded up to whole cache lines. A buffer is attached only if magic, layout version and size all match.
 */
export const MAGIC = 0x52465452; // 'RFTR'
export const LAYOUT_VERSION = 6;

/**
 * Words per 64-byte cache line. Every word that several threads write lives on its own line, and
 * slots are whole lines: two threads working on different names never invalidate each other's
 * cache lines (false sharing cost the 2-thread scaling ~10% when the hot words shared one line).
 */
export const LINE_WORDS = 16;

// Line 0: read-only after create.
export const H_MAGIC = 0;
export const H_VERSION = 1;
export const H_CAPACITY = 2;
export const H_NAME_BYTES_MAX = 3;
export const H_SLOT_WORDS = 4;
/** 1 if instance ids come from an external id source (newIdSource), 0 if from H_NEXT_ID; then the source's 64-bit token. */
export const H_ID_EXTERNAL = 5;
export const H_ID_TOKEN_LO = 6;
export const H_ID_TOKEN_HI = 7;
/** Line 1: next instance id to hand out (Atomics.add); ids start at 1 and are never reused. */
export const H_NEXT_ID = LINE_WORDS;
/**
 * Line 2: slots that are not EMPTY (CLAIMING, TOMBSTONE or live). Added to only by an insert that
 * claims an EMPTY slot (rare once names and their tombstones are reused), lowered only by a sweep.
 */
export const H_USED = 2 * LINE_WORDS;
/** Same line: a full tombstone sweep runs when H_USED exceeds this (see registry-insert.ts sweep). Written under every insert lock. */
export const H_SWEEP_AT = 2 * LINE_WORDS + 1;
export const HEADER_WORDS = 3 * LINE_WORDS;

/** Slot fields. STATE is the one word whose transitions are the registry's truth. */
export const S_STATE = 0;
/** Seqlock counter for the key bytes: odd while the key is being written (by the slot's claimer). */
export const S_KEY_GEN = 1;
/** Bumped after every successful STATE transition; diagnostic, never used for correctness. */
export const S_VERSION = 2;
/** Worker id of the last claimer/publisher; advisory (written after the transition). */
export const S_OWNER = 3;
export const S_HASH = 4;
export const S_NAME_LEN = 5;
/**
 * Creators parked on this slot's STATE word right now. Transitions notify only when it is non-zero:
 * Atomics.notify goes through a process-wide lock in V8, which would otherwise serialise every
 * creation on every thread.
 */
export const S_WAITERS = 6;
/**
 * The insert lock of the names whose HOME is this slot (a futex, FUTEX_WORDS = 2 words: 7 and 8).
 * It lives in the home slot's own line, which is where an uncollided name also lives: an insert
 * writes no line that inserters of other names write, unless their homes or chains meet. (With
 * 64 stripes in the header, two threads creating disjoint names wrote one lock line in about 60 %
 * of inserts, and reached a median 0.85× of what two private tables reach; with the lock in the
 * home slot, 0.96× — README, "Proving the registry".)
 */
export const S_INSERT_LOCK = 7;
export const SLOT_FIXED_WORDS = 9;

/**
 * STATE word = payload * 8 + tag. The payload is an instance id for the live tags. Every live word
 * therefore carries a run-unique id, so compare-and-exchange on a live word cannot suffer ABA.
 */
export const TAG_EMPTY = 0; // never used since the slot was last swept; ends every probe
export const TAG_CLAIMING = 1; // key bytes being written; exists only while its claimer holds its home-slot lock
export const TAG_TOMBSTONE = 2; // dead key; probes continue past it; reused by a claiming compareExchange under a home-slot lock
export const TAG_RESERVED = 3; // RESERVED(id): a creator claimed the name and is building instance id
export const TAG_RUNNING = 4; // RUNNING(id): instance id is registered
export const TAG_BITS = 3;
export const TAG_MASK = 0b111;
/** Largest instance id that fits the payload and keeps the word a positive int32. */
export const INSTANCE_ID_MAX = 2 ** 28 - 1;

export const CAPACITY_MAX = 1 << 22;
/** Largest registry buffer: capacity × slot size must fit in it (1 GiB). */
export const REGISTRY_BYTES_MAX = 2 ** 30;

export const tagOf = (word: number): number => word & TAG_MASK;
export const payloadOf = (word: number): number => word >>> TAG_BITS;
export const wordOf = (tag: number, payload: number): number => payload * 8 + tag;
export const isLive = (word: number): boolean => tagOf(word) >= TAG_RESERVED;

export interface RegistryGeometry {
  readonly capacity: number;
  readonly nameBytesMax: number;
  readonly slotWords: number;
  readonly byteLength: number;
}

export function geometry(capacity: unknown, nameBytesMax: unknown): RegistryGeometry {
  if (typeof capacity !== 'number' || !Number.isInteger(capacity) || capacity < 2 || capacity > CAPACITY_MAX || (capacity & (capacity - 1)) !== 0) {
    throw new ShmError('RT_CAPACITY_INVALID', `capacity must be a power of two in [2, ${CAPACITY_MAX}], got ${String(capacity)}`);
  }
  if (typeof nameBytesMax !== 'number' || !Number.isInteger(nameBytesMax) || nameBytesMax < 1 || nameBytesMax > NAME_BYTES_LIMIT) {
    throw new ShmError('RT_CAPACITY_INVALID', `nameBytesMax must be an integer in [1, ${NAME_BYTES_LIMIT}], got ${String(nameBytesMax)}`);
  }
  const slotWords = Math.ceil((SLOT_FIXED_WORDS + Math.ceil(nameBytesMax / 4)) / LINE_WORDS) * LINE_WORDS;
  const byteLength = (HEADER_WORDS + capacity * slotWords) * 4;
  if (byteLength > REGISTRY_BYTES_MAX) {
    throw new ShmError(
      'RT_CAPACITY_INVALID',
      `capacity ${capacity} × ${slotWords * 4}-byte slots (nameBytesMax ${nameBytesMax}) needs ${byteLength} bytes; the limit is ${REGISTRY_BYTES_MAX} bytes: lower capacity or nameBytesMax`,
    );
  }
  return { capacity, nameBytesMax, slotWords, byteLength };
}
