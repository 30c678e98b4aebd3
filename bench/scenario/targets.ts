import type { OrphanRateResult } from '../../src/scenario/orphan-rate.js';
import type { TargetCheck } from '../micro/targets.js';
import type { DetectionStats, ThroughputExperiment } from './experiments.js';

/** The scenario targets, judged on this run's measurements. */
export function scenarioTargets(t: ThroughputExperiment, o: OrphanRateResult, d: DetectionStats): TargetCheck[] {
  const rel = o.relativeError;
  return [
    { id: 'racy-detection', description: `racy under heavy load leaks in ≥ 95% of runs (${d.racyHeavyRunsWithLeak}/${d.racyHeavyRuns} runs; Wilson low ${(d.detection.low * 100).toFixed(0)}%)`, measured: d.detection.rate, goal: '≥ 0.95', met: d.racyHeavyRuns > 0 && d.detection.rate >= 0.95 },
    { id: 'atomic-no-leak', description: `locked, inflight, cas: runs with a duplicate or leak (over ${d.atomicCreateRequests} creation requests)`, measured: d.atomicRunsWithDuplicateOrLeak, goal: '0', met: d.atomicRunsWithDuplicateOrLeak === 0 },
    { id: 'cas-vs-locked', description: 'creation throughput cas ÷ locked (1 ms disk, 4 creators, distinct names)', measured: t.casVsLocked.median, goal: '≥ 2×', met: t.casVsLocked.median >= 2 },
    { id: 'cas-vs-inflight', description: 'creation throughput cas ÷ inflight (same; "not below": quartile range reaches 1)', measured: t.casVsInflight.median, goal: '≥ 1× (range)', met: t.casVsInflight.high >= 1 },
    { id: 'cas-vs-racy', description: 'creation throughput cas ÷ racy (same)', measured: t.casVsRacy.median, goal: '≥ 0.9×', met: t.casVsRacy.median >= 0.9 },
    { id: 'orphan-rate', description: 'orphan tav.idx failures per NATS second ÷ NATS-implied rate', measured: rel === null ? Number.NaN : 1 + rel, goal: 'within 20% (0.8–1.2)', met: rel !== null && Math.abs(rel) <= 0.2 },
  ];
}
