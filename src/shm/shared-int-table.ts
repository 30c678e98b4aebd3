import { ShmError } from './errors.js';

/**
 * A fixed-size table of Int32 cells in a SharedArrayBuffer, each read and written atomically.
 * Used for the assignment records (`rg.node` per (server, group)) and the hosting directory
 * (live instances per (group, server, worker)).
 */
export class SharedIntTable {
  readonly i32: Int32Array;

  constructor(
    readonly size: number,
    buffer?: SharedArrayBuffer,
    /** Named in errors, e.g. "assignment table". */
    readonly what = 'table',
  ) {
    if (!Number.isInteger(size) || size < 1 || size > 1 << 26) {
      throw new ShmError('RT_CAPACITY_INVALID', `${what} size must be an integer in [1, ${1 << 26}], got ${String(size)}`);
    }
    const sab = buffer ?? new SharedArrayBuffer(size * 4);
    if (!(sab instanceof SharedArrayBuffer) || sab.byteLength !== size * 4) {
      throw new ShmError('RT_LAYOUT_MISMATCH', `${what} buffer must be a ${size * 4}-byte SharedArrayBuffer`);
    }
    this.i32 = new Int32Array(sab);
  }

  get buffer(): SharedArrayBuffer {
    return this.i32.buffer as SharedArrayBuffer;
  }

  get(i: number): number {
    return Atomics.load(this.i32, i);
  }

  set(i: number, v: number): void {
    Atomics.store(this.i32, i, v);
  }

  /** Returns the new value. */
  add(i: number, n: number): number {
    return Atomics.add(this.i32, i, n) + n;
  }

  /** Stores `to` only if the cell holds `from`; true on success. */
  compareAndSet(i: number, from: number, to: number): boolean {
    return Atomics.compareExchange(this.i32, i, from, to) === from;
  }
}
