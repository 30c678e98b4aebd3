import { makeErrnoError, type Disk } from '../../src/storage/disk.js';

/** One shared ENOENT: callers only read its code, and building an Error per read was most of a create's CPU. */
const ENOENT = makeErrnoError('ENOENT', 'open', '(null disk)');

/**
 * Bench only: a disk that stores nothing. Every directory op and write succeeds at once; every read
 * finds nothing (ENOENT), so each create runs NATS's whole window op for op as a first creation,
 * but no volume grows in the heap. Used where the figure is the host's own cost (1M nodes: a memfs
 * volume would hold several GiB, see swappable-disk.ts). Term/vote writes "land" and are forgotten.
 */
export class NullDisk implements Disk {
  readonly kind = 'memfs' as const;

  mkdirp(): Promise<void> {
    return Promise.resolve();
  }
  writeFile(): Promise<void> {
    return Promise.resolve();
  }
  readFile(): Promise<Uint8Array> {
    return Promise.reject(ENOENT);
  }
  rm(): Promise<void> {
    return Promise.resolve();
  }
  rename(): Promise<void> {
    return Promise.resolve();
  }
  exists(): Promise<boolean> {
    return Promise.resolve(false);
  }
  readdir(): Promise<string[]> {
    return Promise.resolve([]);
  }
}
