/**
 * Timers that one AbortSignal ends together, behind ONE listener on the signal however many sleep.
 *
 * Why not `timers/promises` `setTimeout(ms, v, { signal })`: each such sleep adds an abort listener
 * and removes it when it ends, and Node's EventTarget walks its whole listener list on every add
 * and remove (duplicate check). With tens of thousands of callers asleep at once (8192 groups,
 * concurrency 512, 64 callers) that made the plan O(n²) and kept the main thread at 100% CPU,
 * starving its own signal handling. Here adding and ending a sleep is O(1) (a Set).
 *
 * Invariant: after the signal aborts, every pending sleep has resolved `false` and no timer of
 * this object is left armed (nothing holds the event loop).
 */
export class AbortableSleeps {
  private readonly pending = new Set<() => void>();
  private readonly onAbort = (): void => {
    for (const wake of this.pending) wake();
    this.pending.clear();
  };

  constructor(private readonly signal?: AbortSignal) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Sleeps `ms`; resolves true if it slept the whole time, false (at once) if the signal aborts. */
  sleep(ms: number): Promise<boolean> {
    if (this.signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.pending.delete(wake);
        resolve(true);
      }, ms);
      this.pending.add(wake);
    });
  }

  /** Sleeps currently pending (for tests and the torture suite). */
  get size(): number {
    return this.pending.size;
  }

  /** Ends every pending sleep (false) and removes the one listener. Idempotent. */
  dispose(): void {
    this.signal?.removeEventListener('abort', this.onAbort);
    this.onAbort();
  }
}

/**
 * Resolves `ms` after `signal` aborts (at once + ms if it already has); never otherwise. The timer
 * is armed only after the abort, so an uninterrupted run holds nothing. `cancel` disarms it.
 */
export function afterAbort(signal: AbortSignal | undefined, ms: number): { readonly promise: Promise<'abandoned'>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  let onAbort: (() => void) | undefined;
  const promise = new Promise<'abandoned'>((resolve) => {
    if (!signal) return;
    onAbort = (): void => {
      if (!cancelled) timer = setTimeout(() => resolve('abandoned'), ms);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  return {
    promise,
    cancel(): void {
      cancelled = true;
      if (timer) clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** `p`, or `fallback` if it takes longer than `ms` (p's later rejection is swallowed: it was abandoned). */
export async function withDeadline<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  p.catch(() => undefined);
  try {
    return await Promise.race([p, new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
