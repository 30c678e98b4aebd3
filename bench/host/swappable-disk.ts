import type { Disk } from '../../src/storage/disk.js';
import { MemDisk } from '../../src/storage/mem-disk.js';

/**
 * A MemDisk the bench can drop whole. memfs keeps roughly 0.8 KiB of heap per removed directory
 * and per removed file even after `rm` (measured with memfs 4.80.1), so removing the tree does not
 * give the heap back; replacing the volume does. `dropVolume()` swaps in a fresh, empty MemDisk so
 * the old volume becomes garbage and a following GC leaves the host's own heap. After it, every
 * path is gone (a write would fail with ENOENT): call it only once measuring is done.
 */
export class SwappableMemDisk implements Disk {
  readonly kind = 'memfs' as const;
  private inner: MemDisk = new MemDisk();

  dropVolume(): void {
    this.inner = new MemDisk();
  }

  mkdirp(path: string): Promise<void> {
    return this.inner.mkdirp(path);
  }
  writeFile(path: string, data: Uint8Array): Promise<void> {
    return this.inner.writeFile(path, data);
  }
  readFile(path: string): Promise<Uint8Array> {
    return this.inner.readFile(path);
  }
  rm(path: string): Promise<void> {
    return this.inner.rm(path);
  }
  rename(from: string, to: string): Promise<void> {
    return this.inner.rename(from, to);
  }
  exists(path: string): Promise<boolean> {
    return this.inner.exists(path);
  }
  readdir(path: string): Promise<string[]> {
    return this.inner.readdir(path);
  }
}
