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
  /**
   * Set while the thread waits at an `atomic` point whose action has not run yet: the action, a
   * synchronous closure. A pause inside another thread's step may run it there (nested), after
   * which the thread's next step only continues past the point.
   */
  action: (() => void) | null = null;
  /** Offered as a step only when no other thread is ready (see Scheduler.enabled). */
  background = false;

  constructor(
    readonly id: number,
    readonly name: string,
  ) {}
}

/**
 * A process-wide id per buffer, for waiter keys: which number a buffer gets never shows (see
 * keyOf), so one table serves every scheduler instead of a WeakMap built per run.
 */
const bufferIds = new WeakMap<ArrayBufferLike, number>();
let nextBufferId = 0;

/** Names futex words for traces: which buffer (and word) a thread waits on. */
type WordNamer = (i32: Int32Array, index: number) => string;

export class Scheduler implements FutexHooks {
  readonly threads: SimThread[] = [];
  steps = 0;
  private current: SimThread | null = null;
  private stopped: (() => void) | null = null;
  /** Set while `drive` runs: what the end of each step does instead of settling `step`'s promise. */
  private driver: (() => void) | null = null;
  private readonly waiters = new Map<string, SimThread[]>();
  /** Waited-on words by name, so signatures do not depend on the order buffers were first waited on. */
  private readonly waitWords = new Map<string, string>();
  private bufferNames: ReadonlyMap<ArrayBufferLike, string> | null = null;
  /** Called when a notify makes a thread ready (waker is the running thread). */
  onWake: ((waker: SimThread, woken: SimThread) => void) | null = null;
  /**
   * Picks, at a pause inside the running thread's step, among [the running thread (= continue),
   * ...threads with a pending atomic action]. Null: pauses are not explored (always continue).
   */
  pauseChooser: ((candidates: readonly number[]) => number) | null = null;
  /** Atomic actions run nested inside another thread's pause (for traces and tests). */
  nestedActions = 0;
  private nesting = false;

  /**
   * A logical thread whose body starts at its first `step`. With `first`, the thread starts
   * waiting at an atomic point (see `atomic`): `first` runs before the body, either as its first
   * step or nested in another thread's pause; a throw from it ends the thread with that error.
   */
  spawn(name: string, body: (t: SimThread) => Promise<void>, first?: () => void): SimThread {
    const t = new SimThread(this.threads.length, name);
    let firstError: unknown = undefined;
    if (first) {
      t.action = () => {
        t.action = null;
        try {
          first();
        } catch (e) {
          firstError = e ?? new Error('thread failed');
        }
      };
    }
    t.resume = () => {
      t.action?.();
      if (firstError !== undefined) {
        // Ended through a microtask like any other end, so `step` still sees the stop after it awaits.
        const e = firstError;
        queueMicrotask(() => this.finish(t, e));
        return;
      }
      body(t).then(
        () => this.finish(t, undefined),
        (e: unknown) => this.finish(t, e ?? new Error('thread failed')),
      );
    };
    this.threads.push(t);
    return t;
  }

  /**
   * Threads that may take a step now, in thread-id order (the order every explorer indexes). A
   * background thread is offered only when no other thread is ready (it still runs nested in
   * pauses at any time): a restriction of the schedules, so every schedule explored is still one a
   * real machine can produce, but its pending action stays available to the pauses.
   */
  enabled(): SimThread[] {
    const ready = this.threads.filter((t) => t.status === 'ready');
    const fore = ready.filter((t) => !t.background);
    return fore.length > 0 ? fore : ready;
  }

  /**
   * The ids of `enabled()`, in one pass over the threads (the per-step path of every explorer).
   * With `into`, that array is cleared and filled instead of a new one (a caller that keeps
   * nothing between steps allocates nothing per step).
   */
  enabledIds(into: number[] = []): number[] {
    let n = 0;
    let background = false;
    for (const t of this.threads) {
      if (t.status !== 'ready') continue;
      if (!t.background) into[n++] = t.id;
      else background = true;
    }
    if (n === 0 && background) for (const t of this.threads) if (t.status === 'ready') into[n++] = t.id; // only background threads are ready
    if (into.length !== n) into.length = n; // rarely: the count of enabled threads changed
    return into;
  }

  /** No thread can run: every thread is done (terminal) or some are blocked forever (deadlock). */
  get finished(): boolean {
    for (const t of this.threads) if (t.status === 'ready') return false;
    return true;
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

  /**
   * Runs the threads `next` picks, one step each, until it returns null: the same steps as
   * `await step(next())` in a loop, without a promise and three async frames per step. The end of
   * a step (the point where `step`'s promise would settle) queues the next pick as one microtask,
   * so the stopped thread's synchronous code has finished before another thread runs, as with step.
   * A throw from `next` rejects the returned promise.
   */
  drive(next: () => SimThread | null): Promise<void> {
    if (this.current !== null || this.driver !== null) throw new Error('sim: drive while a step runs');
    return new Promise<void>((resolve, reject) => {
      const settled = Promise.resolve();
      const go = (): void => {
        let t: SimThread | null;
        try {
          t = next();
          if (t !== null && (t.status !== 'ready' || t.resume === null)) throw new Error(`sim: thread ${t.name} cannot step (status ${t.status})`);
        } catch (e) {
          this.driver = null;
          reject(e instanceof Error ? e : new Error(String(e)));
          return;
        }
        if (t === null) {
          this.driver = null;
          resolve();
          return;
        }
        const resume = t.resume!;
        t.resume = null;
        t.status = 'running';
        this.current = t;
        resume();
      };
      this.driver = () => {
        this.current = null;
        this.steps++;
        void settled.then(go); // a V8 microtask; Node's queueMicrotask adds async-context bookkeeping per call
      };
      go();
    });
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

  /**
   * `yield(next)`, then `fn` as the first thing the thread does when it is picked again, its
   * result (or throw) settling the returned promise: the same as `await yield(next); return fn()`
   * in an async function, without that function's frame and second promise. Unlike `atomic`, a
   * pause never runs `fn` early: it belongs to the thread's next step like any code after a yield.
   */
  yieldThen<T>(next: string, fn: () => T): Promise<T> {
    const t = this.current;
    if (!t) return Promise.reject(new Error('sim: yield outside a simulated thread'));
    return new Promise<T>((resolve, reject) => {
      t.status = 'ready';
      t.next = next;
      t.resume = () => {
        try {
          resolve(fn());
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      };
      this.stop();
    });
  }

  /**
   * A scheduling point followed by `fn`, a synchronous action (no await inside). Picked as an
   * ordinary step, the thread runs `fn` and continues to its next point, as after `yield`. But
   * while it waits here, a `pause` inside another thread's step may run `fn` right there; the
   * thread's next step then only continues past this point. Either way `fn` runs exactly once and
   * its result (or throw) is what this promise settles with.
   */
  atomic<T>(next: string, fn: () => T): Promise<T> {
    const t = this.mustRun('atomic');
    return new Promise<T>((resolve, reject) => {
      let settle: () => void = () => undefined;
      t.action = () => {
        t.action = null;
        try {
          const v = fn();
          settle = () => resolve(v);
        } catch (e) {
          settle = () => reject(e instanceof Error ? e : new Error(String(e)));
        }
      };
      t.status = 'ready';
      t.next = next;
      t.resume = () => {
        t.action?.();
        settle();
      };
      this.stop();
    });
  }

  /**
   * A pause point inside the running thread's synchronous code (e.g. a registry hook). The pause
   * chooser may run pending atomic actions of other ready threads here, one at a time, until it
   * picks the running thread. Not re-entrant: a pause reached inside a nested action continues.
   */
  pause(): void {
    const cur = this.current;
    const choose = this.pauseChooser;
    if (!cur || !choose || this.nesting) return;
    for (;;) {
      const candidates = [cur.id];
      for (const t of this.threads) if (t !== cur && t.status === 'ready' && t.action) candidates.push(t.id);
      if (candidates.length === 1) return;
      const pick = choose(candidates);
      const t = this.threads[pick];
      if (!t || t === cur || !t.action) return;
      this.nesting = true;
      this.current = t; // the action's notes and wakes are the nested thread's
      try {
        t.action();
      } finally {
        this.current = cur;
        this.nesting = false;
      }
      this.nestedActions++;
      t.next = `after ${t.next}`;
    }
  }

  /** Names buffers for traces, e.g. "js.mu of S0": a table made once per world memory, not per run. */
  nameBuffers(names: ReadonlyMap<ArrayBufferLike, string>): void {
    this.bufferNames = names;
  }

  wordName: WordNamer = (i32) => this.bufferNames?.get(i32.buffer) ?? 'a shared word';

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

  /** A waited-on word's key in `waiters`: internal only (signatures name words through `waitWords`). */
  private keyOf(i32: Int32Array, index: number): string {
    let id = bufferIds.get(i32.buffer);
    if (id === undefined) {
      id = nextBufferId++;
      bufferIds.set(i32.buffer, id);
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
    if (this.driver !== null) {
      this.driver();
      return;
    }
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
