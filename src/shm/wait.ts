/**
 * Futex-style waiting on one Int32 word, sync and async. Both return why they woke. The async form
 * holds a ref'd timer while parked because a pending `Atomics.waitAsync` alone does not keep a
 * worker's event loop alive (node-platform.md: a raw worker waiting only on it exits mid-work).
 */
export type WaitResult = 'ok' | 'not-equal' | 'timed-out';

export function waitSync(i32: Int32Array, index: number, expected: number, timeoutMs: number): WaitResult {
  return Atomics.wait(i32, index, expected, timeoutMs);
}

export function waitAsync(i32: Int32Array, index: number, expected: number, timeoutMs: number): Promise<WaitResult> {
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
  return Atomics.notify(i32, index);
}

export function notifyOne(i32: Int32Array, index: number): number {
  return Atomics.notify(i32, index, 1);
}
