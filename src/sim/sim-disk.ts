import { isErrnoError, makeErrnoError, sortNames, type Disk, type DiskError, type KnownErrnoCode } from '../storage/disk.js';

type Entry = { readonly kind: 'dir' } | { readonly kind: 'file'; readonly data: Uint8Array };

const DIR: Entry = Object.freeze({ kind: 'dir' });

/**
 * The simulator's disk: a Map of absolute path → directory or file bytes, with the Disk contract
 * and the errors memfs (and node:fs) give for every op the simulation uses — ENOENT when a parent
 * directory is gone (the #5824 symptom), ENOTDIR/EISDIR on kind mismatches. Checked against
 * MemDisk by a differential test over random op sequences (test/sim/sim-disk.test.ts).
 *
 * Why not memfs: an op costs about 10 µs there (path resolution, permission checks, error objects),
 * which made it half of a random-mode schedule. Here an op is a few Map operations.
 *
 * Invariant: every entry's parent is in the map as a directory; "/" is always a directory.
 * Paths must be normalised absolute paths ("/a/b", no trailing "/", no "." or ".." segments,
 * no empty segment); anything else is a caller bug and throws a RangeError.
 */
export class SimDisk implements Disk {
  readonly kind = 'memfs' as const;
  private readonly entries = new Map<string, Entry>([['/', DIR]]);

  // The Disk contract, over the synchronous operations below: an errno failure rejects the
  // returned promise; a caller bug (a path that is not normalised, a rename into itself) throws.
  mkdirp(path: string): Promise<void> {
    return settle(() => this.mkdirpSync(path));
  }

  writeFile(path: string, data: Uint8Array): Promise<void> {
    return settle(() => this.writeFileSync(path, data));
  }

  readFile(path: string): Promise<Uint8Array> {
    return settle(() => this.readFileSync(path));
  }

  rm(path: string): Promise<void> {
    return settle(() => this.rmSync(path));
  }

  rename(from: string, to: string): Promise<void> {
    return settle(() => this.renameSync(from, to));
  }

  exists(path: string): Promise<boolean> {
    return settle(() => this.existsSync(path));
  }

  readdir(path: string): Promise<string[]> {
    return settle(() => this.readdirSync(path));
  }

  // The same operations, synchronous: an errno failure is thrown. ScheduledDisk calls these
  // directly (one promise and one microtask fewer per disk step of a simulated thread).

  mkdirpSync(path: string): void {
    checkPath(path);
    // Walk down from the root: every existing component must be a directory.
    let i = 0;
    for (;;) {
      i = path.indexOf('/', i + 1);
      const p = i === -1 ? path : path.slice(0, i);
      const e = this.entries.get(p);
      if (e === undefined) this.entries.set(p, DIR);
      // memfs: an existing FILE at the path itself is accepted silently; a file above it is ENOTDIR.
      else if (e.kind === 'file' && i !== -1) throw errnoError('ENOTDIR', 'mkdir', path);
      if (i === -1) return;
    }
  }

  writeFileSync(path: string, data: Uint8Array): void {
    checkPath(path);
    const bad = this.parentProblem(path) ?? (this.entries.get(path)?.kind === 'dir' ? 'EISDIR' : null);
    if (bad) throw errnoError(bad, 'open', path);
    this.entries.set(path, { kind: 'file', data: data.slice() });
  }

  readFileSync(path: string): Uint8Array {
    checkPath(path);
    const e = this.entries.get(path);
    if (e === undefined) throw errnoError(this.parentProblem(path) ?? 'ENOENT', 'open', path);
    if (e.kind === 'dir') throw errnoError('EISDIR', 'read', path);
    return e.data.slice();
  }

  /** readFileSync, with ENOENT as undefined instead of an error (no error made or thrown for it). */
  readFileIfPresentSync(path: string): Uint8Array | undefined {
    checkPath(path);
    const e = this.entries.get(path);
    if (e === undefined) {
      const problem = this.parentProblem(path) ?? 'ENOENT';
      if (problem === 'ENOENT') return undefined;
      throw errnoError(problem, 'open', path);
    }
    if (e.kind === 'dir') throw errnoError('EISDIR', 'read', path);
    return e.data.slice();
  }

  rmSync(path: string): void {
    checkPath(path);
    if (path === '/') {
      this.entries.clear();
      this.entries.set('/', DIR);
    } else if (this.entries.has(path)) this.removeTree(path);
    else if (this.parentProblem(path) === 'ENOTDIR') throw errnoError('ENOTDIR', 'lstat', path); // force ignores ENOENT only
  }

  renameSync(from: string, to: string): void {
    checkPath(from);
    checkPath(to);
    const src = this.entries.get(from);
    const bad = src === undefined ? (this.parentProblem(from) ?? 'ENOENT') : this.parentProblem(to);
    if (bad) throw errnoError(bad, 'rename', from, to);
    // rename(2) says EINVAL; nothing in the simulation does it, so it is refused as a caller bug.
    if (src!.kind === 'dir' && to.startsWith(`${from}/`)) throw new RangeError(`sim disk: cannot rename ${from} into itself (${to})`);
    if (from === to) return;
    // memfs replaces whatever is at the target, a non-empty directory or one of another kind included
    // (rename(2) would refuse those with ENOTEMPTY / EISDIR / ENOTDIR); the simulation only renames
    // onto fresh names, and this disk follows memfs so that both explore the same states.
    if (this.entries.has(to)) this.removeTree(to);
    if (src!.kind === 'file') {
      this.entries.delete(from);
      this.entries.set(to, src!);
      return;
    }
    const prefix = `${from}/`;
    const moved: string[] = [];
    for (const p of this.entries.keys()) if (p === from || p.startsWith(prefix)) moved.push(p);
    const kept: Entry[] = moved.map((p) => this.entries.get(p)!);
    for (const p of moved) this.entries.delete(p);
    for (let k = 0; k < moved.length; k++) this.entries.set(to + moved[k]!.slice(from.length), kept[k]!);
  }

  existsSync(path: string): boolean {
    checkPath(path);
    return this.entries.has(path);
  }

  readdirSync(path: string): string[] {
    checkPath(path);
    const e = this.entries.get(path);
    if (e === undefined) throw errnoError(this.parentProblem(path) ?? 'ENOENT', 'scandir', path);
    if (e.kind === 'file') throw errnoError('ENOTDIR', 'scandir', path);
    const prefix = path === '/' ? '/' : `${path}/`;
    const names: string[] = [];
    for (const p of this.entries.keys()) if (p !== '/' && p.startsWith(prefix) && p.indexOf('/', prefix.length) === -1) names.push(p.slice(prefix.length));
    return sortNames(names);
  }

  /** ENOENT if some ancestor is missing, ENOTDIR if the nearest existing one is a file, null if the parent is a directory. */
  private parentProblem(path: string): 'ENOENT' | 'ENOTDIR' | null {
    const parent = parentOf(path);
    const e = this.entries.get(parent);
    if (e?.kind === 'dir') return null;
    if (e?.kind === 'file') return 'ENOTDIR';
    // The parent is missing: node reports ENOTDIR if a file sits higher up the path, else ENOENT.
    for (let p = parentOf(parent); ; p = parentOf(p)) {
      const a = this.entries.get(p);
      if (a !== undefined) return a.kind === 'file' ? 'ENOTDIR' : 'ENOENT';
    }
  }

  private removeTree(path: string): void {
    this.entries.delete(path);
    const prefix = `${path}/`;
    for (const p of this.entries.keys()) if (p.startsWith(prefix)) this.entries.delete(p);
  }
}

/**
 * makeErrnoError without a stack trace, and made once per (code, syscall, path, dest): the
 * simulation raises ENOENT on every build (tav.idx does not exist yet), and building the error
 * (message, four own properties, the stack-limit dance) was the costliest part of that. Nobody
 * reads these stacks: the code, syscall and path say everything. The errors are frozen, so sharing
 * one between throws is unobservable to a catcher, which can only read it.
 */
function errnoError(code: KnownErrnoCode, syscall: string, path: string, dest?: string): DiskError {
  let known = errnoErrors.get(path);
  if (known === undefined) {
    if (errnoErrors.size >= CACHE_MAX) errnoErrors.clear();
    errnoErrors.set(path, (known = []));
  }
  for (const e of known) if (e.code === code && e.syscall === syscall && e.dest === dest) return e;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    const err = Object.freeze(makeErrnoError(code, syscall, path, dest));
    known.push(err);
    return err;
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Bound of each per-process cache below (trash names carry instance labels, so keys are not a fixed set). */
const CACHE_MAX = 4096;
/** By path: the errors made for it so far (a path meets one or two codes and syscalls). */
const errnoErrors = new Map<string, DiskError[]>();
/** Paths checkPath has accepted (the simulation names a few dozen, over and over). */
const validPaths = new Set<string>();

/** `op()` as a promise: its value, or its errno failure as a rejection; any other throw (a caller bug) propagates. */
function settle<T>(op: () => T): Promise<T> {
  try {
    return Promise.resolve(op());
  } catch (e) {
    if (isErrnoError(e)) return Promise.reject(e);
    throw e;
  }
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

function checkPath(path: string): void {
  if (path === '/' || validPaths.has(path)) return;
  if (path[0] !== '/' || path.endsWith('/') || path.includes('//') || /\/\.\.?(\/|$)/.test(path)) {
    throw new RangeError(`sim disk: path must be a normalised absolute path, got ${JSON.stringify(path)}`);
  }
  if (validPaths.size >= CACHE_MAX) validPaths.clear();
  validPaths.add(path);
}
