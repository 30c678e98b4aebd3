import { IsolateLock } from '../shm/isolate-lock.js';
import type { FutexMutex } from '../shm/futex-mutex.js';
import { isErrnoError, type Disk } from '../storage/disk.js';
import type { Scheduler } from './scheduler.js';
import { SimDisk } from './sim-disk.js';

/**
 * `js.mu` as a strategy sees it under simulation: the production IsolateLock (async-mutex in front
 * of the FutexMutex), with one scheduling point before each acquisition. Each logical thread gets
 * its own IsolateLock over the server's one futex word, as a caller on its own worker would, so
 * contention is decided by the futex — whose waits and wakes go through the scheduler.
 */
export class ScheduledLock extends IsolateLock {
  constructor(
    futex: FutexMutex,
    private readonly sched: Scheduler,
    private readonly label: string,
  ) {
    super(futex);
  }

  override async run<T>(fn: () => Promise<T> | T): Promise<T> {
    await this.sched.yield(`lock ${this.label}`);
    return super.run(fn);
  }
}

/**
 * A Disk whose every operation is a scheduling point, over a real Disk (memfs or the SimDisk). It
 * also keeps the set of paths that exist, from the operations that succeeded, so a state signature
 * or a terminal check never has to list the volume. Over a SimDisk it calls the synchronous
 * operations: the thread's step runs the same code in the same order, in fewer microtasks.
 *
 * Invariant: `paths` is closed under ancestors (each operation that adds a path adds its missing
 * ancestors or needs them to exist already; removals take whole subtrees), so mkdirp can stop at
 * the first ancestor it finds there.
 */
export class ScheduledDisk implements Disk {
  readonly kind: Disk['kind'];
  readonly paths = new Set<string>();
  private readonly sync: SimDisk | null;

  constructor(
    private readonly inner: Disk,
    private readonly sched: Scheduler,
    /** Called after each operation with its outcome, for traces. */
    private readonly note: (text: string) => void,
    /** False: nothing is recorded, so no event text is built. */
    private readonly observed = true,
  ) {
    this.kind = inner.kind;
    this.sync = inner instanceof SimDisk ? inner : null;
  }

  // Over a SimDisk each operation is one Scheduler.yieldThen: the gate, then (when the thread is
  // picked) the synchronous operation, the path bookkeeping and the note, in that order, as the
  // async form below does them after its awaits.

  mkdirp(path: string): Promise<void> {
    const sync = this.sync;
    if (!sync) return this.mkdirpAsync(path);
    return this.sched.yieldThen(`mkdir ${path}`, () => {
      sync.mkdirpSync(path);
      this.addDirs(path);
      if (this.observed) this.note(`mkdir ${path}`);
    });
  }

  writeFile(path: string, data: Uint8Array): Promise<void> {
    const sync = this.sync;
    if (!sync) return this.writeFileAsync(path, data);
    return this.sched.yieldThen(`write ${path}`, () => {
      this.noted('write', path, () => sync.writeFileSync(path, data));
      this.paths.add(path);
    });
  }

  readFile(path: string): Promise<Uint8Array> {
    const sync = this.sync;
    if (!sync) return this.readFileAsync(path);
    return this.sched.yieldThen(`read ${path}`, () => this.noted('read', path, () => sync.readFileSync(path)));
  }

  /**
   * readFile with ENOENT as undefined: one scheduling point `read <path>` and the same events
   * (`read <path> → ENOENT` when missing) as readFile, without making and throwing the error.
   */
  readFileIfPresent(path: string): Promise<Uint8Array | undefined> {
    const sync = this.sync;
    if (!sync) return this.readFileIfPresentAsync(path);
    return this.sched.yieldThen(`read ${path}`, () => {
      if (!this.observed) return sync.readFileIfPresentSync(path);
      // Missing: the event readFile's failure records; any other failure goes through noted.
      return this.noted('read', path, () => sync.readFileIfPresentSync(path), (got) => (got === undefined ? 'ENOENT' : null));
    });
  }

  rm(path: string): Promise<void> {
    const sync = this.sync;
    if (!sync) return this.rmAsync(path);
    return this.sched.yieldThen(`rm ${path}`, () => {
      sync.rmSync(path);
      this.drop(path);
      if (this.observed) this.note(`rm ${path}`);
    });
  }

  rename(from: string, to: string): Promise<void> {
    const sync = this.sync;
    if (!sync) return this.renameAsync(from, to);
    return this.sched.yieldThen(`rename ${from}`, () => {
      if (this.observed) this.noted('rename', `${from} → ${to}`, () => sync.renameSync(from, to));
      else sync.renameSync(from, to);
      this.move(from, to);
    });
  }

  exists(path: string): Promise<boolean> {
    const sync = this.sync;
    if (!sync) return this.existsAsync(path);
    return this.sched.yieldThen(`stat ${path}`, () => {
      const r = sync.existsSync(path);
      if (this.observed) this.note(`stat ${path} → ${r ? 'exists' : 'absent'}`);
      return r;
    });
  }

  readdir(path: string): Promise<string[]> {
    const sync = this.sync;
    if (!sync) return this.readdirAsync(path);
    return this.sched.yieldThen(`readdir ${path}`, () => sync.readdirSync(path));
  }

  // Over any other Disk (memfs): the gate, then the disk's own promise.

  private async mkdirpAsync(path: string): Promise<void> {
    await this.gate('mkdir', path);
    await this.inner.mkdirp(path);
    this.addDirs(path);
    if (this.observed) this.note(`mkdir ${path}`);
  }

  private async writeFileAsync(path: string, data: Uint8Array): Promise<void> {
    await this.gate('write', path);
    await (this.observed ? this.wrap(`write ${path}`, () => this.inner.writeFile(path, data)) : this.inner.writeFile(path, data));
    this.paths.add(path);
  }

  private async readFileAsync(path: string): Promise<Uint8Array> {
    await this.gate('read', path);
    return this.observed ? this.wrap(`read ${path}`, () => this.inner.readFile(path)) : this.inner.readFile(path);
  }

  private async readFileIfPresentAsync(path: string): Promise<Uint8Array | undefined> {
    try {
      return await this.readFileAsync(path);
    } catch (e) {
      if (isErrnoError(e) && e.code === 'ENOENT') return undefined;
      throw e;
    }
  }

  private async rmAsync(path: string): Promise<void> {
    await this.gate('rm', path);
    await this.inner.rm(path);
    this.drop(path);
    if (this.observed) this.note(`rm ${path}`);
  }

  private async renameAsync(from: string, to: string): Promise<void> {
    await this.gate('rename', from);
    await (this.observed ? this.wrap(`rename ${from} → ${to}`, () => this.inner.rename(from, to)) : this.inner.rename(from, to));
    this.move(from, to);
  }

  private async existsAsync(path: string): Promise<boolean> {
    await this.gate('stat', path);
    const r = await this.inner.exists(path);
    if (this.observed) this.note(`stat ${path} → ${r ? 'exists' : 'absent'}`);
    return r;
  }

  private async readdirAsync(path: string): Promise<string[]> {
    await this.gate('readdir', path);
    return this.inner.readdir(path);
  }

  /** `path` and its ancestors (stopping at the first one already there: see the class invariant). */
  private addDirs(path: string): void {
    for (let p = path; p.length > 1 && !this.paths.has(p); p = p.slice(0, p.lastIndexOf('/')) || '/') this.paths.add(p);
  }

  /** The subtree at `from` is now at `to`. */
  private move(from: string, to: string): void {
    const prefix = `${from}/`;
    const moved: string[] = [];
    for (const p of this.paths) if (p === from || p.startsWith(prefix)) moved.push(p);
    for (const p of moved) {
      this.paths.delete(p);
      this.paths.add(to + p.slice(from.length));
    }
  }

  /** Removes everything (between executions); not a scheduling point. */
  async reset(root: string): Promise<void> {
    await this.inner.rm(root);
    this.paths.clear();
  }

  private gate(op: string, path: string): Promise<void> {
    return this.sched.yield(`${op} ${path}`);
  }

  private async wrap<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      const r = await f();
      this.note(what);
      return r;
    } catch (e) {
      this.note(`${what} → ${(e as { code?: string }).code ?? 'error'}`);
      throw e;
    }
  }

  /** `wrap` for a synchronous operation; the event text (`op subject`) is only built when observed. */
  private noted<T>(op: string, subject: string, f: () => T, failure: (r: T) => string | null = () => null): T {
    if (!this.observed) return f();
    const what = `${op} ${subject}`;
    try {
      const r = f();
      const code = failure(r);
      this.note(code === null ? what : `${what} → ${code}`);
      return r;
    } catch (e) {
      this.note(`${what} → ${(e as { code?: string }).code ?? 'error'}`);
      throw e;
    }
  }

  private drop(path: string): void {
    const prefix = `${path}/`;
    for (const p of this.paths) if (p === path || p.startsWith(prefix)) this.paths.delete(p);
  }
}
