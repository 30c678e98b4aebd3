import { ShmError } from './errors.js';

/** Group names are at most this many UTF-8 bytes unless a registry is built with another bound. */
export const DEFAULT_NAME_BYTES_MAX = 64;
/** Upper bound accepted for the per-slot name field, to keep a slot within a few cache lines. */
export const NAME_BYTES_LIMIT = 1024;

/**
 * Validates a group name and encodes it as UTF-8 into a reused scratch buffer, hashing it in the
 * same pass (FNV-1a, never 0). No allocation on the hot path: TextEncoder.encode costs ~270 ns per
 * call here, several times a whole registry lookup.
 *
 * Names are non-empty, at most `maxBytes` UTF-8 bytes, and contain no control character, '/' or
 * '\\', no lone surrogate (it would alias U+FFFD), and are not '.' or '..' (they become directory names). After `encode` returns, `bytes`
 * [0, `length`) holds the name until the next `encode` on this codec (single-threaded use only).
 */
export class NameCodec {
  readonly bytes: Uint8Array;
  /** The same scratch as Int32 words: the registry compares and copies names a word at a time. */
  readonly words: Int32Array;
  length = 0;
  /** Words covering `length` bytes; the bytes past `length` in the last word are zero. */
  wordCount = 0;
  hash = 0;

  constructor(readonly maxBytes: number) {
    const buf = new ArrayBuffer(Math.ceil((maxBytes + 4) / 4) * 4); // +4: a code point is written before the bound check
    this.bytes = new Uint8Array(buf);
    this.words = new Int32Array(buf);
  }

  encode(name: unknown): void {
    if (typeof name !== 'string') throw new ShmError('RT_NAME_INVALID', `name must be a string, got ${typeof name}`);
    if (name.length === 0) throw new ShmError('RT_NAME_INVALID', 'name must not be empty');
    if (name === '.' || name === '..') throw new ShmError('RT_NAME_INVALID', `name ${JSON.stringify(name)} is '.' or '..'`);
    if (!this.encodePlainAscii(name)) this.encodeGeneral(name);
  }

  /** Fast path: printable ASCII without separators, within the bound. False: use the general path. */
  private encodePlainAscii(name: string): boolean {
    const len = name.length;
    if (len > this.maxBytes) return false;
    const b = this.bytes;
    let h = 0x811c9dc5;
    for (let i = 0; i < len; i++) {
      const c = name.charCodeAt(i);
      if (c < 0x20 || c >= 0x7f || c === 0x2f || c === 0x5c) return false;
      b[i] = c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    this.finish(len, h);
    return true;
  }

  private encodeGeneral(name: string): void {
    const b = this.bytes;
    let n = 0;
    let h = 0x811c9dc5;
    for (let i = 0; i < name.length; i++) {
      let c = name.charCodeAt(i);
      if (c < 0x80) {
        if (c < 0x20 || c === 0x7f || c === 0x2f || c === 0x5c) {
          throw new ShmError('RT_NAME_INVALID', `name ${JSON.stringify(name)} contains a control character, '/' or '\\'`);
        }
        if (n >= this.maxBytes) throw this.tooLong(name);
        b[n++] = c;
        h = Math.imul(h ^ c, 0x01000193);
        continue;
      }
      const start = n;
      if (c < 0x800) {
        b[n++] = 0xc0 | (c >> 6);
        b[n++] = 0x80 | (c & 63);
      } else {
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < name.length) {
          const d = name.charCodeAt(i + 1);
          if (d >= 0xdc00 && d <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            i++;
          }
        }
        if (c >= 0xd800 && c <= 0xdfff) {
          // TextEncoder would write U+FFFD, making 'g\uD800', 'g\uDC00' and 'g\uFFFD' one key.
          throw new ShmError('RT_NAME_INVALID', `name ${JSON.stringify(name)} contains a lone surrogate (U+${c.toString(16).toUpperCase()} at index ${i}); names must be well-formed UTF-16`);
        }
        if (c >= 0x10000) {
          b[n++] = 0xf0 | (c >> 18);
          b[n++] = 0x80 | ((c >> 12) & 63);
        } else {
          b[n++] = 0xe0 | (c >> 12);
        }
        b[n++] = 0x80 | ((c >> 6) & 63);
        b[n++] = 0x80 | (c & 63);
      }
      if (n > this.maxBytes) throw this.tooLong(name);
      for (let k = start; k < n; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
    }
    this.finish(n, h);
  }

  private finish(n: number, h: number): void {
    this.length = n;
    this.wordCount = (n + 3) >> 2;
    for (let k = n; k < this.wordCount * 4; k++) this.bytes[k] = 0;
    const u = h >>> 0;
    this.hash = u === 0 ? 1 : u;
  }

  private tooLong(name: string): ShmError {
    const bytes = Buffer.byteLength(name, 'utf8');
    return new ShmError('RT_NAME_INVALID', `name is ${bytes} UTF-8 bytes; the limit is ${this.maxBytes}`);
  }
}
