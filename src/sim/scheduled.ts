import { IsolateLock } from '../shm/isolate-lock.js';
import type { FutexMutex } from '../shm/futex-mutex.js';
import type { Disk } from '../storage/disk.js';
import type { Scheduler } from './scheduler.js';
import { SimDisk } from './sim-disk.js';

/**
 * `js.mu` as a strategy sees it under simulation: the production IsolateLock (its local queue in front
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

  async mkdirp(path: string): Promise<void> {
    await this.gate('mkdir', path);
    if (this.sync) this.sync.mkdirpSync(path);
    else await this.inner.mkdirp(path);
    for (let p = path; p.length > 1 && !this.paths.has(p); p = p.slice(0, p.lastIndexOf('/')) || '/') this.paths.add(p);
    if (this.observed) this.note(`mkdir ${path}`);
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    await this.gate('write', path);
    const sync = this.sync;
    if (sync) this.noted('write', path, () => sync.writeFileSync(path, data));
    else await (this.observed ? this.wrap(`write ${path}`, () => this.inner.writeFile(path, data)) : this.inner.writeFile(path, data));
    this.paths.add(path);
  }

  async readFile(path: string): Promise<Uint8Array> {
    await this.gate('read', path);
    const sync = this.sync;
    if (sync) return this.noted('read', path, () => sync.readFileSync(path));
    return this.observed ? this.wrap(`read ${path}`, () => this.inner.readFile(path)) : this.inner.readFile(path);
  }

  async rm(path: string): Promise<void> {
    await this.gate('rm', path);
    if (this.sync) this.sync.rmSync(path);
    else await this.inner.rm(path);
    this.drop(path);
    if (this.observed) this.note(`rm ${path}`);
  }

  async rename(from: string, to: string): Promise<void> {
    await this.gate('rename', from);
    const sync = this.sync;
    if (sync) {
      if (this.observed) this.noted('rename', `${from} → ${to}`, () => sync.renameSync(from, to));
      else sync.renameSync(from, to);
    }
    else await (this.observed ? this.wrap(`rename ${from} → ${to}`, () => this.inner.rename(from, to)) : this.inner.rename(from, to));
    const prefix = `${from}/`;
    const moved: string[] = [];
    for (const p of this.paths) if (p === from || p.startsWith(prefix)) moved.push(p);
    for (const p of moved) {
      this.paths.delete(p);
      this.paths.add(to + p.slice(from.length));
    }
  }

  async exists(path: string): Promise<boolean> {
    await this.gate('stat', path);
    const r = this.sync ? this.sync.existsSync(path) : await this.inner.exists(path);
    if (this.observed) this.note(`stat ${path} → ${r ? 'exists' : 'absent'}`);
    return r;
  }

  async readdir(path: string): Promise<string[]> {
    await this.gate('readdir', path);
    return this.sync ? this.sync.readdirSync(path) : this.inner.readdir(path);
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
  private noted<T>(op: string, subject: string, f: () => T): T {
    if (!this.observed) return f();
    const what = `${op} ${subject}`;
    try {
      const r = f();
      this.note(what);
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
