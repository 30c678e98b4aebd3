/**
 * Futex-style waiting on one Int32 word, sync and async. Both return why they woke. The async form
 * holds a ref'd timer while parked because a pending `Atomics.waitAsync` alone does not keep a
 * worker's event loop alive (node-platform.md: a raw worker waiting only on it exits mid-work).
 */
export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

/**
 * Simulation seam (src/sim): while installed, the async wait and both notifies go to a scheduler
 * that runs every logical thread in this one thread, instead of to Atomics. Only the deterministic
 * simulator installs it; nothing else in the isolate may then wait on shared memory.
 */
export interface FutexHooks {
  waitAsync(i32: Int32Array, index: number, expected: number): Promise<WaitResult>;
  notify(i32: Int32Array, index: number, count: number): number;
}

let hooks: FutexHooks | null = null;

/** Installs (or with null removes) the simulation's futex; returns the previous hooks. */
export function setFutexHooks(h: FutexHooks | null): FutexHooks | null {
  const prev = hooks;
  hooks = h;
  return prev;
}

/**
 * True while the simulation's hooks are installed: every logical thread then runs on this one
 * thread, so a shared word cannot change while the running code spins on it.
 */
export function simulated(): boolean {
  return hooks !== null;
}

export function waitSync(i32: Int32Array, index: number, expected: number, timeoutMs: number): WaitResult {
  return Atomics.wait(i32, index, expected, timeoutMs);
}

export function waitAsync(i32: Int32Array, index: number, expected: number, timeoutMs: number): Promise<WaitResult> {
  if (hooks) return hooks.waitAsync(i32, index, expected);
  const r = Atomics.waitAsync(i32, index, expected, timeoutMs);
  if (!r.async) return Promise.resolve(r.value);
  // Keep-alive: a ref'd timer slightly past the wait's own timeout; cleared as soon as it settles.
  const keepAlive = setTimeout(() => undefined, Number.isFinite(timeoutMs) ? timeoutMs + 1000 : 2 ** 31 - 1);
  return r.value.then(
    (v) => {
      clearTimeout(keepAlive);
      return v;
    },
    (e: unknown) => {
      clearTimeout(keepAlive);
      throw e;
    },
  );
}

export function notifyAll(i32: Int32Array, index: number): number {
  if (hooks) return hooks.notify(i32, index, Infinity);
  return Atomics.notify(i32, index);
}

export function notifyOne(i32: Int32Array, index: number): number {
  if (hooks) return hooks.notify(i32, index, 1);
  return Atomics.notify(i32, index, 1);
}
