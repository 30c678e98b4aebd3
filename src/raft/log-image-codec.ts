/**
 * The WAL image of a stopped node (see {@link LogImage}) as raftrace stores it in the group's
 * `msgs/` directory: one block per node, written whole when the node stops (NATS `Stop()` flushes
 * the filestore's buffered blocks; its `storeToWAL` writes each append entry into them as it is
 * accepted, so after a graceful stop the disk holds every entry the node held). Layout, little
 * endian: `u32 magic`, `f64 snapIndex`, `f64 snapTerm`, `f64 commit`, `u32 count`, then per entry
 * `f64 term`, `u32 byteLength`, UTF-8 data. Indexes are implicit (`snapIndex + 1 + k`); numbers are
 * f64 so every safe integer round-trips. Pure: no I/O here (the cluster's start/stop paths do it).
 */
import { RaftError } from './errors.js';
import type { Entry, LogImage } from './types.js';

/** File name of the block inside the group's `msgs/` directory (NATS numbers its blocks from 1). */
export const WAL_BLOCK_FILE = '1.blk';

const MAGIC = 0x4c41_5752; // "RWAL"
const HEADER_BYTES = 4 + 8 * 3 + 4;
const ENTRY_HEADER_BYTES = 8 + 4;

/** Encodes an image; the entries' data as UTF-8. */
export function encodeLogImage(img: LogImage): Uint8Array {
  const enc = new TextEncoder();
  const datas = img.entries.map((e) => enc.encode(e.data));
  let size = HEADER_BYTES;
  for (const d of datas) size += ENTRY_HEADER_BYTES + d.length;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, MAGIC, true);
  v.setFloat64(4, img.snapIndex, true);
  v.setFloat64(12, img.snapTerm, true);
  v.setFloat64(20, img.commit, true);
  v.setUint32(28, img.entries.length, true);
  let at = HEADER_BYTES;
  for (let k = 0; k < datas.length; k++) {
    const d = datas[k]!;
    v.setFloat64(at, img.entries[k]!.term, true);
    v.setUint32(at + 8, d.length, true);
    out.set(d, at + ENTRY_HEADER_BYTES);
    at += ENTRY_HEADER_BYTES + d.length;
  }
  return out;
}

/**
 * Decodes a block. Throws `RaftError('BAD_RESTORED')` on a short, torn or foreign file; the
 * invariants of the log itself are checked where it is restored (RaftLog.restored).
 */
export function decodeLogImage(b: Uint8Array): LogImage {
  const bad = (what: string): never => {
    throw new RaftError('BAD_RESTORED', `WAL block: ${what}`);
  };
  if (b.length < HEADER_BYTES) bad(`${b.length} bytes, shorter than its ${HEADER_BYTES}-byte header`);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint32(0, true) !== MAGIC) bad('not a raftrace WAL block (bad magic)');
  const snapIndex = v.getFloat64(4, true);
  const snapTerm = v.getFloat64(12, true);
  const commit = v.getFloat64(20, true);
  const count = v.getUint32(28, true);
  const dec = new TextDecoder('utf-8', { fatal: true });
  const entries: Entry[] = [];
  let at = HEADER_BYTES;
  for (let k = 0; k < count; k++) {
    if (at + ENTRY_HEADER_BYTES > b.length) bad(`torn: entry ${k} of ${count} is cut off`);
    const term = v.getFloat64(at, true);
    const len = v.getUint32(at + 8, true);
    if (at + ENTRY_HEADER_BYTES + len > b.length) bad(`torn: entry ${k} of ${count} is cut off`);
    entries.push({ index: snapIndex + 1 + k, term, data: dec.decode(b.subarray(at + ENTRY_HEADER_BYTES, at + ENTRY_HEADER_BYTES + len)) });
    at += ENTRY_HEADER_BYTES + len;
  }
  if (at !== b.length) bad(`${b.length - at} trailing byte(s)`);
  return { snapIndex, snapTerm, commit, entries };
}
