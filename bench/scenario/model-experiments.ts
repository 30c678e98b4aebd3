// The model experiments of issue #9, runnable alone (each invocation bounded by its arguments):
//   node dist/bench/scenario/model-experiments.js throughput <synthetic|restart> <repeats> <groups> <out.json>
//   node dist/bench/scenario/model-experiments.js leaks <synthetic|restart> <racyRuns> <atomicRequests> <groups> <out.json>
// throughput: R3 creation throughput per strategy with 1 ms per disk op (runThroughputExperiment).
// leaks: racy under the heavy preset (share of runs that leak, Wilson interval), then locked,
// inflight and cas in turn until `atomicRequests` creation requests were made (any duplicate or
// leak there is forbidden). Both write JSON to <out.json> and print a one-screen summary.
import { writeFileSync } from 'node:fs';
import { ATOMIC_STRATEGIES } from '../../src/create/index.js';
import { wilsonInterval } from '../../src/scenario/binomial.js';
import { buildConfig } from '../../src/scenario/config.js';
import type { ScenarioResult } from '../../src/scenario/result.js';
import { runScenario } from '../../src/scenario/run.js';
import { runThroughputExperiment } from './experiments.js';

const [what, workloadArg, ...rest] = process.argv.slice(2);
const workload = workloadArg === 'restart' ? 'restart' : 'synthetic';
const num = (i: number): number => {
  const v = Number(rest[i]);
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`argument ${i + 3} must be a positive integer, got ${String(rest[i])}`);
  return v;
};
const workers = 2;

if (what === 'throughput') {
  const t = await runThroughputExperiment({
    repeats: num(0), groups: num(1), workers, seed: 1, workload,
    onRun: (r) => console.log(`  ${r.strategy.padEnd(8)} ${r.throughput.createsPerSec.toFixed(1)} creates/s, create p50 ${r.latencyMs.create.p50.toFixed(0)} ms, dup ${r.counts.duplicates}, orphans ${r.leaks.orphansAtEnd} — ${r.verdict.outcome} ${r.verdict.reasons.join('; ')}`),
  });
  const out = { workload, repeats: t.repeats, groups: num(1), perStrategy: t.perStrategy, casVsLocked: t.casVsLocked, casVsInflight: t.casVsInflight, casVsRacy: t.casVsRacy, forbidden: t.results.filter((r) => r.verdict.outcome === 'forbidden').length };
  writeFileSync(rest[2]!, JSON.stringify(out, null, 2));
  console.log(JSON.stringify(out, null, 1));
} else if (what === 'leaks') {
  const racyRuns = num(0);
  const atomicRequests = num(1);
  const groups = num(2);
  function summary(): Record<string, unknown> {
    const leaked = racy.filter((r) => r.leaks.orphansAtEnd > 0).length;
    const bad = atomic.filter((r) => r.counts.duplicates > 0 || r.leaks.orphansAtEnd > 0 || r.leaks.orphansSeenDuringRun > 0);
    const out = {
      workload, groups, racyRuns, racyRunsWithLeak: leaked, detection: wilsonInterval(leaked, racyRuns),
      racyOrphansPerRun: racy.map((r) => r.leaks.orphansAtEnd),
      atomicRuns: atomic.length, atomicCreateRequests: requests, atomicRunsWithDuplicateOrLeak: bad.length, badSeeds: bad.map((r) => r.config.seed),
      harnessFailures: [...racy, ...atomic].filter((r) => r.harnessFailure !== null).length,
    };
    writeFileSync(rest[3]!, JSON.stringify(out, null, 2));
    return out;
  }
  const racy: ScenarioResult[] = [];
  for (let i = 0; i < racyRuns; i++) {
    const r = await runScenario(buildConfig({ strategy: 'racy', seed: 1000 + i, groups, workers, workload, observeNatsSeconds: 0 }, 'heavy'));
    console.log(`  racy seed ${r.config.seed}: ${r.counts.createRequests} requests, dup ${r.counts.duplicates}, orphans at end ${r.leaks.orphansAtEnd}`);
    racy.push(r);
  }
  const atomic: ScenarioResult[] = [];
  let requests = 0;
  for (let i = 0; requests < atomicRequests; i++) {
    const strategy = ATOMIC_STRATEGIES[i % ATOMIC_STRATEGIES.length]!;
    const r = await runScenario(buildConfig({ strategy, seed: 2000 + i, groups, workers, workload, observeNatsSeconds: 0 }, 'heavy'));
    requests += r.counts.createRequests;
    if (r.verdict.outcome !== 'clean') console.log(`  ${strategy} seed ${r.config.seed}: ${r.verdict.outcome} ${r.verdict.reasons.join('; ')}`);
    atomic.push(r);
    summary(); // partial results survive an interrupted run
    if (i % 6 === 5) console.log(`  atomic: ${requests} creation requests so far`);
  }
  const out = summary();
  console.log(JSON.stringify(out, null, 1));
  if ((out.atomicRunsWithDuplicateOrLeak as number) > 0) process.exitCode = 3;
} else {
  console.error('raftrace: experiment: must be throughput or leaks');
  process.exitCode = 2;
}
