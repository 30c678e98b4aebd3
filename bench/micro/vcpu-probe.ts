// Speed of each vCPU for one fixed thread-local JavaScript loop, probed by a child process pinned
// to that CPU with `taskset`. On this workplace's 2-vCPU machines one vCPU intermittently runs such
// code at about half speed (a neighbour on the host, not steal time: /proc/stat shows none), which
// moves any 2-thread ÷ 1-thread ratio by itself; the probe puts that beside the ratio it moves.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

// String building, a Map and small objects: the kinds of work a get-or-create does per op, but no
// shared memory. Prints the timed loop's ms after an untimed warm-up.
const PROBE_SOURCE = `
const f = (n) => { const m = new Map(); let s = 0;
  for (let i = 0; i < n; i++) { const k = 'w1-' + (i & 63); const o = { k, i }; m.set(k, o); s = (s + m.get(k).i + k.length) | 0; }
  return s; };
f(2e5); const t0 = performance.now(); const s = f(2e6); process.stdout.write(String(performance.now() - t0) + ' ' + (s & 1));`;

export interface VcpuSpeeds {
  /** The probe loop's ms on each CPU, index = CPU number. */
  readonly msPerCpu: readonly number[];
  /** Slowest CPU's ms ÷ fastest's: 1 when the CPUs are alike. */
  readonly slowOverFast: number;
}

/** undefined where `taskset` is missing or fails (the figure is a diagnostic, never a requirement). */
export function probeVcpus(): VcpuSpeeds | undefined {
  const msPerCpu: number[] = [];
  try {
    for (let cpu = 0; cpu < availableParallelism(); cpu++) {
      const out = execFileSync('taskset', ['-c', String(cpu), process.execPath, '-e', PROBE_SOURCE], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'ignore'] });
      const ms = Number(out.split(' ')[0]);
      if (!Number.isFinite(ms) || ms <= 0) return undefined;
      msPerCpu.push(ms);
    }
  } catch {
    return undefined;
  }
  return { msPerCpu, slowOverFast: Math.max(...msPerCpu) / Math.min(...msPerCpu) };
}
