import { ShmError } from './errors.js';
import { checkIdSource, checkSameIdSource, recordIdSource } from './registry-ids.js';
import { sweepAt } from './registry-insert.js';
import * as L from './registry-layout.js';

/**
 * SharedRegistry.create: a new table buffer with its header written. Header words are written
 * plainly and the magic last: the buffer reaches other threads only after create returns (and
 * postMessage orders it anyway), and a buffer whose magic is set is fully initialised.
 */
export function newTableBuffer(capacity: number, nameBytesMax: number, idSource: unknown): { sab: SharedArrayBuffer; ids: SharedArrayBuffer | undefined } {
  const g = L.geometry(capacity, nameBytesMax);
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
  h[L.H_SWEEP_AT] = sweepAt(g.capacity, 0);
  recordIdSource(h, ids);
  Atomics.store(h, L.H_MAGIC, L.MAGIC);
  return { sab, ids };
}

/** SharedRegistry.attach: checks magic, layout version, size and id source; returns the id source to use. */
export function checkTableBuffer(buffer: unknown, idSource: unknown): SharedArrayBuffer | undefined {
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
  return ids;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v).constructor.name;
  return typeof v;
}
