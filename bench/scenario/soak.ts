import { deriveSeed } from '../../src/scenario/seeds.js';
import { ATOMIC_STRATEGIES } from '../../src/create/index.js';
import type { StrategyName } from '../../src/create/strategy.js';
import { wilsonInterval } from '../../src/scenario/binomial.js';
import type { ScenarioResult } from '../../src/scenario/result.js';
import { runScenario } from '../../src/scenario/run.js';
import { cellConfig } from './matrix.js';

export interface SoakOptions {
  /** racy runs under the heavy preset (default pressure), for the detection rate. */
  readonly racyRuns: number;
  /** Keep running locked, inflight and cas (in turn) until this many creation requests were made. */
  readonly atomicCreateRequests: number;
  readonly groups: number;
  readonly workers: number;
  readonly seed: number;
  readonly signal?: AbortSignal;
  readonly onRun?: (r: ScenarioResult) => void;
}

export interface SoakResult {
  readonly racyRuns: number;
  readonly racyRunsWithLeak: number;
  readonly detection: ReturnType<typeof wilsonInterval>;
  readonly racyOrphansPerRun: { readonly min: number; readonly max: number };
  readonly atomic: Readonly<Record<string, { readonly runs: number; readonly createRequests: number; readonly runsWithDuplicateOrLeak: number }>>;
  readonly atomicCreateRequests: number;
  readonly forbiddenRuns: number;
  readonly forbiddenSeeds: readonly number[];
}

/**
 * The long form of the two correctness claims: how often racy shows the leak under heavy load
 * (with a binomial interval), and that the atomic strategies never do, over a fixed budget of
 * creation requests. Every run uses its own seed (seed + i), recorded for replay.
 */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const racy: ScenarioResult[] = [];
  const atomic: ScenarioResult[] = [];
  const cell = { pressure: 'normal', load: 'heavy' } as const;
  for (let i = 0; i < o.racyRuns && !o.signal?.aborted; i++) {
    const r = await runScenario(cellConfig(cell, 'racy', deriveSeed(o.seed, i), o.groups, o.workers, 0), o.signal ? { signal: o.signal } : {});
    racy.push(r);
    o.onRun?.(r);
  }
  let requests = 0;
  for (let i = 0; requests < o.atomicCreateRequests && !o.signal?.aborted; i++) {
    const strategy = ATOMIC_STRATEGIES[i % ATOMIC_STRATEGIES.length] as StrategyName;
    const r = await runScenario(cellConfig(cell, strategy, deriveSeed(o.seed, 10_000 + i), o.groups, o.workers, 0), o.signal ? { signal: o.signal } : {});
    atomic.push(r);
    requests += r.counts.createRequests;
    o.onRun?.(r);
  }
  const complete = racy.filter((r) => !r.partial);
  const leaked = complete.filter((r) => r.leaks.orphansAtEnd > 0).length;
  const bad = (r: ScenarioResult): boolean => r.counts.duplicates > 0 || r.leaks.orphansAtEnd > 0 || r.leaks.orphansSeenDuringRun > 0;
  const perStrategy = Object.fromEntries(
    ATOMIC_STRATEGIES.map((s) => {
      const rs = atomic.filter((r) => r.strategy === s);
      return [s, { runs: rs.length, createRequests: rs.reduce((n, r) => n + r.counts.createRequests, 0), runsWithDuplicateOrLeak: rs.filter(bad).length }];
    }),
  );
  const forbidden = atomic.filter((r) => r.verdict.outcome === 'forbidden');
  const orphans = complete.map((r) => r.leaks.orphansAtEnd);
  return {
    racyRuns: complete.length,
    racyRunsWithLeak: leaked,
    detection: wilsonInterval(leaked, complete.length),
    racyOrphansPerRun: { min: orphans.length ? Math.min(...orphans) : 0, max: orphans.length ? Math.max(...orphans) : 0 },
    atomic: perStrategy,
    atomicCreateRequests: requests,
    forbiddenRuns: forbidden.length,
    forbiddenSeeds: forbidden.map((r) => r.seed),
  };
}

export function renderSoak(s: SoakResult, groups: number): string {
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  return [
    `racy, heavy preset, ${groups} groups per run: leaked in **${s.racyRunsWithLeak} of ${s.racyRuns}** runs (${pct(s.detection.rate)}; 95% Wilson interval ${pct(s.detection.low)}–${pct(s.detection.high)}); orphans per run ${s.racyOrphansPerRun.min}–${s.racyOrphansPerRun.max}.`,
    '',
    '| strategy | runs | creation requests | runs with a duplicate or leak |',
    '|---|---:|---:|---:|',
    ...Object.entries(s.atomic).map(([k, v]) => `| ${k} | ${v.runs} | ${v.createRequests.toLocaleString('en-US')} | ${v.runsWithDuplicateOrLeak} |`),
    '',
    `In all: ${s.atomicCreateRequests.toLocaleString('en-US')} creation requests under the atomic strategies, ${s.forbiddenRuns} forbidden run(s)${s.forbiddenSeeds.length ? ` (seeds ${s.forbiddenSeeds.join(', ')})` : ''}.`,
  ].join('\n');
}
