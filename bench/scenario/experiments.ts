import { STRATEGY_NAMES, type StrategyName } from '../../src/create/strategy.js';
import { wilsonInterval } from '../../src/scenario/binomial.js';
import { buildConfig } from '../../src/scenario/config.js';
import { measureOrphanRate, type OrphanRateResult } from '../../src/scenario/orphan-rate.js';
import type { ScenarioResult } from '../../src/scenario/result.js';
import { runScenario } from '../../src/scenario/run.js';
import { ratio, summarize, type Summary } from '../../src/scenario/stats.js';
import { rotate } from './matrix.js';

/**
 * The throughput comparison on R3 groups (NATS's createRaftGroup does nothing for R1):
 * 3 servers, 4 groups in flight, one caller per (server, group) with the synthetic workload (so
 * no races) or NATS's restart callers, 1 ms of injected latency per disk operation (14 in each
 * window, as NATS does), no other load, creation phase timed alone. js.mu is taken by its real
 * users (assignment processing, the delete path) in every strategy; what differs is whether the
 * creation holds it across the disk I/O.
 */
export interface ThroughputExperiment {
  readonly repeats: number;
  readonly perStrategy: Readonly<Record<StrategyName, Summary>>;
  readonly casVsLocked: ReturnType<typeof ratio>;
  readonly casVsInflight: ReturnType<typeof ratio>;
  readonly casVsRacy: ReturnType<typeof ratio>;
  readonly results: readonly ScenarioResult[];
}

export async function runThroughputExperiment(o: { repeats: number; groups: number; workers: number; seed: number; workload?: 'synthetic' | 'restart'; signal?: AbortSignal; onRun?: (r: ScenarioResult) => void }): Promise<ThroughputExperiment> {
  const samples = Object.fromEntries(STRATEGY_NAMES.map((s) => [s, [] as number[]])) as Record<StrategyName, number[]>;
  const results: ScenarioResult[] = [];
  for (let r = 0; r < o.repeats && !o.signal?.aborted; r++) {
    for (const strategy of rotate(STRATEGY_NAMES, r)) {
      const cfg = buildConfig({
        strategy, seed: o.seed + r, groups: o.groups, workers: o.workers, servers: 3, replicas: 3, concurrency: 4, callersPerCreate: 1, callerSpreadMs: 0,
        workload: o.workload ?? 'synthetic',
        groupLifetimeMs: 0, deletePhase: 'after', diskLatencyMinMs: 1, diskLatencyMaxMs: 1, cpuBusyShare: 0, entriesPerSecondPerGroup: 0, observeNatsSeconds: 0,
        // Raft at 1 NATS s = 100 ms: the live groups' elections and heartbeats stay a small share of the
        // CPU, so what is compared is the creation path itself (lock held across disk I/O or not).
        timeScaleMs: 100,
      });
      const res = await runScenario(cfg, o.signal ? { signal: o.signal } : {});
      results.push(res);
      o.onRun?.(res);
      samples[strategy].push(res.throughput.createsPerSec);
    }
  }
  const per = Object.fromEntries(STRATEGY_NAMES.map((s) => [s, summarize(samples[s].length ? samples[s] : [0])])) as Record<StrategyName, Summary>;
  return {
    repeats: o.repeats,
    perStrategy: per,
    casVsLocked: ratio(per.cas, per.locked),
    casVsInflight: ratio(per.cas, per.inflight),
    casVsRacy: ratio(per.cas, per.racy),
    results,
  };
}

/** Detection of the race by racy runs under the heavy preset, and leak-freedom of the atomic strategies. */
export interface DetectionStats {
  readonly racyHeavyRuns: number;
  readonly racyHeavyRunsWithLeak: number;
  readonly detection: ReturnType<typeof wilsonInterval>;
  readonly atomicRuns: number;
  readonly atomicCreateRequests: number;
  readonly atomicRunsWithDuplicateOrLeak: number;
}

export function detectionStats(results: readonly ScenarioResult[]): DetectionStats {
  const racyHeavy = results.filter((r) => r.strategy === 'racy' && r.config.cpuBusyShare > 0 && !r.partial);
  const withLeak = racyHeavy.filter((r) => r.leaks.orphansAtEnd > 0).length;
  const atomic = results.filter((r) => r.strategy !== 'racy');
  return {
    racyHeavyRuns: racyHeavy.length,
    racyHeavyRunsWithLeak: withLeak,
    detection: wilsonInterval(withLeak, racyHeavy.length),
    atomicRuns: atomic.length,
    atomicCreateRequests: atomic.reduce((n, r) => n + r.counts.createRequests, 0),
    atomicRunsWithDuplicateOrLeak: atomic.filter((r) => r.counts.duplicates > 0 || r.leaks.orphansAtEnd > 0 || r.leaks.orphansSeenDuringRun > 0).length,
  };
}

/**
 * A self-consistency check, not an external anchor: it compares the tick loop's orphan failure rate
 * with the rate the model's own timing constants imply. The external anchor is a real cluster.
 */
export function runOrphanRateExperiment(o: { groups: number; workers: number; observeNatsSeconds: number; seed: number }): Promise<OrphanRateResult> {
  return measureOrphanRate({ ...o, timeScaleMs: 10 });
}
