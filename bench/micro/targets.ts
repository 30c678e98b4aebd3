import { ratio } from '../../src/scenario/stats.js';
import type { GocResult } from './multi-thread.js';
import type { MicroResult } from './single-thread.js';

/** A target from the issue, its measured value, and whether it was met in this run. */
export interface TargetCheck {
  readonly id: string;
  readonly description: string;
  readonly measured: number;
  readonly goal: string;
  readonly met: boolean;
}

function micro(results: readonly MicroResult[], prefix: string): MicroResult {
  const r = results.find((x) => x.name.startsWith(prefix));
  if (!r) throw new Error(`micro result ${prefix} missing`);
  return r;
}

function goc(results: readonly GocResult[], variant: GocResult['variant'], threads: number, pattern: GocResult['pattern']): GocResult {
  const r = results.find((x) => x.variant === variant && x.threads === threads && x.pattern === pattern);
  if (!r) throw new Error(`goc result ${variant}/${threads}/${pattern} missing`);
  return r;
}

export function microTargets(single: readonly MicroResult[], multi: readonly GocResult[]): TargetCheck[] {
  const lookup = micro(single, 'registry lookup hit').nsPerOpMedian / micro(single, 'bare Atomics').nsPerOpMedian;
  const pmHit = goc(multi, 'postMessage', 1, 'hit').nsPerOpPerThread / goc(multi, 'cas', 1, 'hit').nsPerOpPerThread;
  const pmChurn = goc(multi, 'postMessage', 1, 'disjoint').nsPerOpPerThread / goc(multi, 'cas', 1, 'disjoint').nsPerOpPerThread;
  const out: TargetCheck[] = [
    { id: 'lookup-vs-floor', description: 'registry lookup hit ÷ bare CAS+store floor (ns/op medians)', measured: lookup, goal: '≤ 6×', met: lookup <= 6 },
    { id: 'shm-vs-postMessage-hit', description: 'postMessage registry ÷ shared-memory registry (cas), ns per get-or-create of an existing name, 1 thread', measured: pmHit, goal: '≥ 100×', met: pmHit >= 100 },
    { id: 'shm-vs-postMessage-churn', description: 'postMessage registry ÷ shared-memory registry (cas), ns per create+unregister of a new name, 1 thread', measured: pmChurn, goal: '(info)', met: true },
  ];
  for (const s of ['cas', 'inflight', 'locked', 'racy'] as const) {
    const r = ratio(goc(multi, s, 2, 'disjoint').opsPerSec, goc(multi, s, 1, 'disjoint').opsPerSec).median;
    out.push({ id: `scaling-2t-${s}`, description: `${s}: disjoint-name get-or-create, 2 threads ÷ 1 thread (ops/s medians)`, measured: r, goal: s === 'cas' ? '≥ 1.6×' : '(info)', met: s === 'cas' ? r >= 1.6 : true });
  }
  return out;
}
