import { runLincheck, type LincheckSummary } from '../../src/lincheck/run.js';

/**
 * The soak's linearizability phase: `npm run lincheck`'s loop for `seconds`, all profiles, 2–8
 * threads, seeded from the soak's seed. The caller reports `ops` as "operations checked" and treats
 * `violations > 0` as a forbidden outcome (the shrunk history is in `violation`).
 */
export async function runLincheckSoak(seconds: number, seed: number, stop?: { requested: boolean }): Promise<LincheckSummary & { seconds: number; opsPerSec: number }> {
  const t0 = performance.now();
  const s = await runLincheck({ seconds, threads: undefined, seed: seed >>> 0, ...(stop ? { stop } : {}) });
  const secs = (performance.now() - t0) / 1000;
  return { ...s, seconds: secs, opsPerSec: s.ops / secs };
}
