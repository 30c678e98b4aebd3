import { setFutexHooks, type FutexHooks, type WaitResult } from '../shm/wait.js';

/**
 * A deterministic single-thread scheduler for logical threads that are async tasks. Exactly one
 * logical thread runs at a time: `step(t)` resumes `t`, which runs (through any number of its own
 * microtasks and promises) until it reaches its next scheduling point — `yield`, a futex wait, or
 * its end — and only then does `step` return. A futex notify never runs the woken thread: it makes
 * it *ready*, and running it is a later scheduling choice like any other.
 *
 * Invariants: at most one thread is `running`; a `ready` thread has a `resume`; a `blocked` thread
 * is in exactly one waiter list; `done` threads never run again.
 */
export type ThreadStatus = 'ready' | 'running' | 'blocked' | 'done';

export class SimThread {
  status: ThreadStatus = 'ready';
  /** What the thread's next step starts with (for traces). */
  next = 'start';
  /** Error that ended the thread, if any. */
  error: unknown = undefined;
  resume: (() => void) | null = null;
  waitKey: string | null = null;

  constructor(
    readonly id: number,
    readonly name: string,
  ) {}
}

/** Names futex words for traces: which buffer (and word) a thread waits on. */
type WordNamer = (i32: Int32Array, index: number) => string;

export class Scheduler implements FutexHooks {
  readonly threads: SimThread[] = [];
  steps = 0;
  private current: SimThread | null = null;
  private stopped: (() => void) | null = null;
  private readonly waiters = new Map<string, SimThread[]>();
  /** Waited-on words by name, so signatures do not depend on the order buffers were first waited on. */
  private readonly waitWords = new Map<string, string>();
  private readonly bufferIds = new WeakMap<ArrayBufferLike, number>();
  private nextBufferId = 0;
  private readonly bufferNames = new WeakMap<ArrayBufferLike, string>();
  /** Called when a notify makes a thread ready (waker is the running thread). */
  onWake: ((waker: SimThread, woken: SimThread) => void) | null = null;

  /** A logical thread whose body starts at its first `step`. */
  spawn(name: string, body: (t: SimThread) => Promise<void>): SimThread {
    const t = new SimThread(this.threads.length, name);
    t.resume = () => {
      body(t).then(
        () => this.finish(t, undefined),
        (e: unknown) => this.finish(t, e ?? new Error('thread failed')),
      );
    };
    this.threads.push(t);
    return t;
  }

  /** Threads that may take a step now, in thread-id order (the order every explorer indexes). */
  enabled(): SimThread[] {
    return this.threads.filter((t) => t.status === 'ready');
  }

  /** No thread can run: every thread is done (terminal) or some are blocked forever (deadlock). */
  get finished(): boolean {
    return this.threads.every((t) => t.status !== 'ready');
  }

  get deadlocked(): boolean {
    return this.finished && this.threads.some((t) => t.status === 'blocked');
  }

  get running(): SimThread | null {
    return this.current;
  }

  /** Runs thread `t` to its next scheduling point. */
  async step(t: SimThread): Promise<void> {
    if (t.status !== 'ready' || this.current !== null || t.resume === null) {
      throw new Error(`sim: thread ${t.name} cannot step (status ${t.status})`);
    }
    const stopped = new Promise<void>((r) => (this.stopped = r));
    const resume = t.resume;
    t.resume = null;
    t.status = 'running';
    this.current = t;
    resume();
    await stopped;
    this.current = null;
    this.steps++;
  }

  /** A scheduling point of the running thread: it stops here until the scheduler picks it again. */
  yield(next: string): Promise<void> {
    const t = this.mustRun('yield');
    return new Promise<void>((resolve) => {
      t.status = 'ready';
      t.next = next;
      t.resume = resolve;
      this.stop();
    });
  }

  /** Gives a buffer a name for traces, e.g. "js.mu of S0". */
  nameBuffer(buffer: ArrayBufferLike, name: string): void {
    this.bufferNames.set(buffer, name);
  }

  wordName: WordNamer = (i32) => this.bufferNames.get(i32.buffer) ?? 'a shared word';

  // ---- FutexHooks: the one seam through which src/shm waits and wakes under simulation ----------

  waitAsync(i32: Int32Array, index: number, expected: number): Promise<WaitResult> {
    // A plain read is exact here: every logical thread runs on this one thread.
    if (i32[index] !== expected) return Promise.resolve('not-equal');
    const t = this.mustRun('futex wait');
    const key = this.keyOf(i32, index);
    return new Promise<WaitResult>((resolve) => {
      t.status = 'blocked';
      t.next = `woken on ${this.wordName(i32, index)}`;
      t.waitKey = key;
      t.resume = () => resolve('ok');
      const list = this.waiters.get(key);
      if (list) list.push(t);
      else {
        this.waiters.set(key, [t]);
        this.waitWords.set(key, `${this.wordName(i32, index)}@${i32.byteOffset / 4 + index}`);
      }
      this.stop();
    });
  }

  /** Wakes up to `count` waiters in FIFO order; they become ready, they do not run. */
  notify(i32: Int32Array, index: number, count: number): number {
    const key = this.keyOf(i32, index);
    const list = this.waiters.get(key);
    if (!list || list.length === 0) return 0;
    const woken = list.splice(0, Math.min(count, list.length));
    if (list.length === 0) this.waiters.delete(key);
    for (const w of woken) {
      w.status = 'ready';
      w.waitKey = null;
      if (this.current && this.onWake) this.onWake(this.current, w);
    }
    return woken.length;
  }

  /** Waiter lists, for state signatures: key → thread ids in wake order. */
  waiterSignature(): string {
    return [...this.waiters.entries()].map(([k, l]) => `${this.waitWords.get(k) ?? k}:${l.map((t) => t.id).join(',')}`).sort().join(';');
  }

  /** Routes src/shm's futex waits to this scheduler until the returned function is called. */
  install(): () => void {
    setFutexHooks(this);
    return uninstallFutexHooks;
  }

  private keyOf(i32: Int32Array, index: number): string {
    let id = this.bufferIds.get(i32.buffer);
    if (id === undefined) {
      id = this.nextBufferId++;
      this.bufferIds.set(i32.buffer, id);
    }
    return `${id}@${i32.byteOffset / 4 + index}`;
  }

  private finish(t: SimThread, error: unknown): void {
    t.status = 'done';
    t.error = error;
    t.next = 'done';
    this.stop();
  }

  private stop(): void {
    const s = this.stopped;
    this.stopped = null;
    if (s) s();
  }

  private mustRun(what: string): SimThread {
    if (!this.current) throw new Error(`sim: ${what} outside a simulated thread`);
    return this.current;
  }
}

/** Back to real Atomics waits (also after an exploration stopped mid-run). */
export function uninstallFutexHooks(): void {
  setFutexHooks(null);
}
