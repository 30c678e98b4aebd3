import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** An output path that is not (and does not lead to) a regular file: never replaced, refused. */
export class NotARegularFile extends Error {
  override readonly name = 'NotARegularFile';
  constructor(
    readonly path: string,
    readonly kind: string,
  ) {
    super(`${path} is ${kind}, not a regular file; it is never replaced`);
  }
}

/** What a path is, in words, for a message. */
export function kindOf(s: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * The file an atomic write may replace for `path`: `path` itself if it is absent or a regular
 * file; the final target if `path` is a symlink to a regular file (the link is kept, the file it
 * names is replaced). Throws NotARegularFile for a directory, device, FIFO, socket
 * or dangling link: renaming over `/dev/null` as root replaced the device with a regular file.
 */
export async function writeTargetOf(path: string): Promise<string> {
  // ENOTDIR: a parent is a file; the path is absent (the caller's directory check says why).
  const l = await lstat(path).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'ENOTDIR' ? null : Promise.reject(e)));
  if (l === null) return path;
  if (l.isFile()) return path;
  if (l.isSymbolicLink()) {
    const s = await stat(path).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
    if (s === null) throw new NotARegularFile(path, 'a dangling link');
    if (!s.isFile()) throw new NotARegularFile(path, `a link to ${kindOf(s)}`);
    return realpath(path);
  }
  throw new NotARegularFile(path, kindOf(l));
}

/**
 * Writes a report so a reader never sees half of it: write a temp file beside the target, flush
 * it to disk, then rename over the target (atomic within one filesystem). The temp file is removed
 * if anything fails. A target that is not a regular file is never replaced (NotARegularFile); a
 * symlink is written through (the link stays, the file it names is replaced).
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const target = await writeTargetOf(path);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    // wx: never follow or reuse something already at the temp name.
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    // Checked again just before the rename: the target may have changed since the run began.
    await writeTargetOf(target);
    await rename(tmp, target);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
