import { readFileSync } from 'node:fs';

/**
 * CPU time this thread has run, in ms, from Linux's `/proc/thread-self/schedstat` (first field:
 * ns on the CPU; Node 20 has no per-thread CPU clock, and `process.cpuUsage()` sums every thread,
 * both workers and V8's helpers). A run queue shared with other work inflates wall time, not this.
 * NaN where the file does not exist (not Linux): callers report NaN as "not measured".
 */
export function threadCpuMs(): number {
  try {
    const s = readFileSync('/proc/thread-self/schedstat', 'latin1');
    return Number(s.slice(0, s.indexOf(' '))) / 1e6;
  } catch {
    return Number.NaN;
  }
}
