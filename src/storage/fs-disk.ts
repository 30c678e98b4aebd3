import * as fsp from 'node:fs/promises';
import { isErrnoError, sortNames, type Disk } from './disk.js';

/**
 * The node:fs backend: real directories, really shared by every worker thread of the process
 * (the default for threaded runs). Errors are node's own, untouched.
 */
export class FsDisk implements Disk {
  readonly kind = 'fs' as const;

  async mkdirp(path: string): Promise<void> {
    await fsp.mkdir(path, { recursive: true });
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    // Flag 'w': open(O_CREAT|O_TRUNC) by path, write, close; no fsync (as v2.10.18's os.WriteFile).
    await fsp.writeFile(path, data, { flag: 'w' });
  }

  async readFile(path: string): Promise<Uint8Array> {
    // Copy into a plain Uint8Array: the contract is backend-independent values, not Buffers.
    return new Uint8Array(await fsp.readFile(path));
  }

  async rm(path: string): Promise<void> {
    // Retries: a node still writing into the directory (a duplicate's tav.idx, path-based as in
    // v2.10.18) can recreate a file between the unlinks and the rmdir (ENOTEMPTY).
    await fsp.rm(path, { recursive: true, force: true, maxRetries: 10, retryDelay: 1 });
  }

  async rename(from: string, to: string): Promise<void> {
    await fsp.rename(from, to);
  }

  async exists(path: string): Promise<boolean> {
    try {
      await fsp.access(path);
      return true;
    } catch (e) {
      if (isErrnoError(e) && (e.code === 'ENOENT' || e.code === 'ENOTDIR')) return false;
      throw e;
    }
  }

  async readdir(path: string): Promise<string[]> {
    return sortNames(await fsp.readdir(path));
  }
}

