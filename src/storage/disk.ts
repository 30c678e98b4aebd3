/**
 * The disk as raftrace's Raft nodes see it: a small, async, path-based file API, shaped like the
 * calls nats-server v2.10.18 makes (`os.MkdirAll`, `os.WriteFile`, `os.ReadFile`, `os.RemoveAll`,
 * `os.Rename`). Path-based matters: only a write by path sees ENOENT after its directory was
 * removed (a write through an fd opened earlier succeeds silently on Linux), and that ENOENT is
 * the #5824 symptom we measure.
 *
 * Every backend rejects with errors of node's own shape (`code`, `errno`, `syscall`, `path`, and
 * `dest` for rename; message `ENOENT: no such file or directory, open '<path>'`), so callers and
 * tests never care which backend produced an error.
 */

/** The operations of a {@link Disk}, by method name (used to select ops for fault injection). */
export type DiskOp = 'mkdirp' | 'writeFile' | 'readFile' | 'rm' | 'rename' | 'exists' | 'readdir';

/** Every {@link DiskOp}, in declaration order. */
export const DISK_OPS: readonly DiskOp[] = Object.freeze([
  'mkdirp',
  'writeFile',
  'readFile',
  'rm',
  'rename',
  'exists',
  'readdir',
]);

/**
 * An async, path-based disk. Paths are absolute. Implementations: `FsDisk` (node:fs, really shared
 * by all threads), `MemDisk` (memfs, one volume per instance, per isolate), `FaultyDisk` (wrapper).
 */
export interface Disk {
  /** Which storage really sits underneath (a wrapper reports its inner disk's kind). */
  readonly kind: 'fs' | 'memfs';
  /** Create a directory and any missing parents; no error if it already exists (`os.MkdirAll`). */
  mkdirp(path: string): Promise<void>;
  /**
   * Write a whole file by path, in place: create or truncate, write, close. No fsync, no temp
   * file, exactly like v2.10.18's `os.WriteFile`. Rejects with ENOENT if the directory is gone.
   */
  writeFile(path: string, data: Uint8Array): Promise<void>;
  /** Read a whole file; resolves to a plain `Uint8Array` (never a Buffer) on every backend. */
  readFile(path: string): Promise<Uint8Array>;
  /** Remove a file or a directory tree; no error if it does not exist (`os.RemoveAll`). */
  rm(path: string): Promise<void>;
  /** Rename a file or directory (`os.Rename`). */
  rename(from: string, to: string): Promise<void>;
  /** Whether something exists at `path`. Resolves false for ENOENT/ENOTDIR, rejects on other errors. */
  exists(path: string): Promise<boolean>;
  /** Names in a directory, sorted by UTF-16 code unit so every backend lists in the same order. */
  readdir(path: string): Promise<string[]>;
}

/**
 * Linux errno numbers as node reports them (negative, from libuv), for the codes raftrace
 * produces or injects.
 */
export const LINUX_ERRNO = Object.freeze({
  ENOENT: -2,
  EIO: -5,
  EACCES: -13,
  EEXIST: -17,
  ENOTDIR: -20,
  EISDIR: -21,
  ENOSPC: -28,
  ENOTEMPTY: -39,
} as const);

/** A code in {@link LINUX_ERRNO}. */
export type KnownErrnoCode = keyof typeof LINUX_ERRNO;

/** libuv's descriptions, which node puts in its messages (`uv_strerror`). */
const UV_DESCRIPTION: Readonly<Record<KnownErrnoCode, string>> = {
  ENOENT: 'no such file or directory',
  EIO: 'i/o error',
  EACCES: 'permission denied',
  EEXIST: 'file already exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'illegal operation on a directory',
  ENOSPC: 'no space left on device',
  ENOTEMPTY: 'directory not empty',
};

/** Go's descriptions (`syscall.Errno.Error()` on Linux), used to render errors in NATS's words. */
const GO_DESCRIPTION: Readonly<Record<KnownErrnoCode, string>> = {
  ENOENT: 'no such file or directory',
  EIO: 'input/output error',
  EACCES: 'permission denied',
  EEXIST: 'file exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on device',
  ENOTEMPTY: 'directory not empty',
};

function isKnownCode(code: string): code is KnownErrnoCode {
  return Object.hasOwn(LINUX_ERRNO, code);
}

/** node's system-error shape, plus `dest` (set by rename errors, missing from @types/node 20). */
export interface DiskError extends NodeJS.ErrnoException {
  dest?: string;
}

/** True if `e` is an Error carrying a string `code`, i.e. node's system-error shape. */
export function isErrnoError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'string';
}

/**
 * Build an error exactly as node's fs would report it: message
 * `<CODE>: <description>, <syscall> '<path>'` (`... -> '<dest>'` when `dest` is given), with
 * `errno`, `code`, `syscall`, `path` (and `dest`) own properties.
 */
export function makeErrnoError(
  code: KnownErrnoCode,
  syscall: string,
  path: string,
  dest?: string,
): DiskError {
  const target = dest === undefined ? `'${path}'` : `'${path}' -> '${dest}'`;
  const err: DiskError = new Error(`${code}: ${UV_DESCRIPTION[code]}, ${syscall} ${target}`);
  err.errno = LINUX_ERRNO[code];
  err.code = code;
  err.syscall = syscall;
  err.path = path;
  if (dest !== undefined) err.dest = dest;
  return err;
}

/**
 * Render an error the way Go's `*os.PathError` prints it, which is what NATS logs:
 * `open /x/tav.idx: no such file or directory`. Falls back to node's message (or `String(e)`)
 * when the error lacks a syscall or path.
 */
export function goErrorText(e: unknown): string {
  if (!isErrnoError(e)) return e instanceof Error ? e.message : String(e);
  const { code, syscall, path, dest } = e as DiskError;
  if (code === undefined || syscall === undefined || path === undefined) return e.message;
  let description: string;
  if (isKnownCode(code)) {
    description = GO_DESCRIPTION[code];
  } else {
    // node's message is "<CODE>: <description>, <syscall> ..."; keep the description part.
    const m = /^[A-Z0-9_]+: ([^,]*),/.exec(e.message);
    description = m?.[1] ?? code;
  }
  // Go's *os.LinkError (rename) prints "rename <old> <new>: <err>".
  return dest === undefined ? `${syscall} ${path}: ${description}` : `${syscall} ${path} ${dest}: ${description}`;
}

/** Sorted copy helper shared by the backends (the readdir contract). */
export function sortNames(names: readonly string[]): string[] {
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
