import { randomFillSync } from 'node:crypto';
import { ShmError } from './errors.js';
import * as L from './registry-layout.js';

/** Instance ids taken from the shared counter at a time (see IdAllocator.allocate). */
const ID_BLOCK = 64;

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

export function checkIdSource(ids: unknown): SharedArrayBuffer | undefined {
  if (ids === undefined) return undefined;
  if (!(ids instanceof SharedArrayBuffer) || ids.byteLength !== ID_SOURCE_WORDS * 4 || Atomics.load(new Int32Array(ids), ID_MAGIC) !== ID_SOURCE_MAGIC) {
    throw new ShmError('RT_LAYOUT_MISMATCH', `idSource must be a ${ID_SOURCE_WORDS * 4}-byte SharedArrayBuffer from newIdSource()`);
  }
  return ids;
}

/** create(): the table records which id source it was made with; attach refuses any other (I2). */
export function recordIdSource(h: Int32Array, ids: SharedArrayBuffer | undefined): void {
  if (!ids) return;
  const src = new Int32Array(ids);
  h[L.H_ID_EXTERNAL] = 1;
  h[L.H_ID_TOKEN_LO] = src[ID_TOKEN_LO]!;
  h[L.H_ID_TOKEN_HI] = src[ID_TOKEN_HI]!;
}

export function checkSameIdSource(h: Int32Array, ids: SharedArrayBuffer | undefined): void {
  const external = h[L.H_ID_EXTERNAL] === 1;
  if (!external && ids === undefined) return;
  if (!external) throw new ShmError('RT_LAYOUT_MISMATCH', 'this registry counts its own instance ids; attach it without an id source');
  if (ids === undefined) throw new ShmError('RT_LAYOUT_MISMATCH', 'this registry takes instance ids from an id source (newIdSource); attach it with that same source');
  const src = new Int32Array(ids);
  if (src[ID_TOKEN_LO] !== h[L.H_ID_TOKEN_LO] || src[ID_TOKEN_HI] !== h[L.H_ID_TOKEN_HI]) {
    throw new ShmError('RT_LAYOUT_MISMATCH', 'this registry was created with a different id source; attach it with that same source');
  }
}

export function checkId(id: number): number {
  if (!Number.isInteger(id) || id < 1 || id > L.INSTANCE_ID_MAX) {
    throw new ShmError('RT_LOCK_MISUSE', `instanceId must be an integer in [1, ${L.INSTANCE_ID_MAX}], got ${String(id)}`);
  }
  return id;
}

/** One isolate's view of a table's id source: the table's own header counter, or a newIdSource() buffer. */
export class IdAllocator {
  private readonly ids: Int32Array;
  private readonly idIndex: number;
  /** This isolate's current block of ids: [idNext, idEnd). */
  private idNext = 0;
  private idEnd = 0;

  constructor(table: Int32Array, idSource: SharedArrayBuffer | undefined) {
    this.ids = idSource ? new Int32Array(idSource) : table;
    this.idIndex = idSource ? ID_COUNTER : L.H_NEXT_ID;
  }

  /**
   * A fresh instance id, unique for the life of the id source; ids are never reused. Ids are taken
   * from the shared counter in blocks of ID_BLOCK per isolate, so creators on different threads do
   * not write the same cache line for every creation (ids stay unique; their order across threads
   * no longer follows time, and a block's unused tail is a gap).
   */
  allocate(): number {
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

  /** Drops this isolate's block (see SharedRegistry.reset): a restored counter hands its ids out again. */
  dropBlock(): void {
    this.idNext = 0;
    this.idEnd = 0;
  }

  /** The next id the shared counter would hand out (ids below it were handed out to some isolate). */
  next(): number {
    return Atomics.load(this.ids, this.idIndex);
  }

  /**
   * A blind register must carry an id this table's id source already handed out: an id from the
   * future would later be handed out again, and two live words with one id break I2.
   */
  checkHandedOut(id: number): number {
    checkId(id);
    if (id >= Atomics.load(this.ids, this.idIndex)) {
      throw new ShmError('RT_LOCK_MISUSE', `instanceId ${id} was never handed out by this table's id source (use allocateInstanceId)`);
    }
    return id;
  }
}
