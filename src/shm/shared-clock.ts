import { ShmError } from './errors.js';

/**
 * A logical clock shared by threads: one Int32 counter ticked with Atomics.add. Every tick is a
 * distinct value, and since Atomics operations are sequentially consistent, a tick taken after an
 * operation returned is larger than any tick taken before that operation was invoked on any
 * thread — the real-time order a linearizability checker needs. Costs one contended add per tick.
 */
export class SharedClock {
  readonly i32: Int32Array;

  constructor(buffer?: SharedArrayBuffer) {
    const sab = buffer ?? new SharedArrayBuffer(4);
    if (sab.byteLength !== 4) throw new ShmError('RT_LAYOUT_MISMATCH', `clock buffer is ${sab.byteLength} bytes, expected 4`);
    this.i32 = new Int32Array(sab);
  }

  get buffer(): SharedArrayBuffer {
    return this.i32.buffer as SharedArrayBuffer;
  }

  /** A fresh, strictly larger value (starts at 1 after reset). */
  tick(): number {
    return Atomics.add(this.i32, 0, 1) + 1;
  }

  /** Only while no thread ticks (between rounds). */
  reset(): void {
    Atomics.store(this.i32, 0, 0);
  }
}
