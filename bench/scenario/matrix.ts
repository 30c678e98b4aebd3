import { deriveSeed } from '../../src/scenario/seeds.js';
import { STRATEGY_NAMES, TEST_STRATEGY_NAMES, type StrategyName } from '../../src/create/strategy.js';
import { buildConfig, type PresetName, type ScenarioConfig } from '../../src/scenario/config.js';
import type { ScenarioResult } from '../../src/scenario/result.js';
import { runScenario } from '../../src/scenario/run.js';
import { median } from 'simple-statistics';
import { ratio, summarize, type Summary } from '../../src/scenario/stats.js';

/** Creation pressure: how many concurrent callers ask for each (server, group), and how many groups churn at once. */
export const PRESSURES = {
  normal: { callersPerCreate: 2, concurrency: 16 },
  high: { callersPerCreate: 4, concurrency: 32 },
} as const satisfies Record<string, Partial<ScenarioConfig>>;
export type PressureName = keyof typeof PRESSURES;

export interface MatrixCell {
  readonly pressure: PressureName;
  readonly load: PresetName;
}

export const CELLS: readonly MatrixCell[] = [
  { pressure: 'normal', load: 'light' },
  { pressure: 'high', load: 'light' },
  { pressure: 'normal', load: 'heavy' },
  { pressure: 'high', load: 'heavy' },
];

export interface MatrixOptions {
  readonly repeats: number;
  readonly groups: number;
  readonly workers: number;
  readonly seed: number;
  /** Observation window after the churn, NATS seconds (the orphan-rate experiment measures the rate precisely). */
  readonly observeNatsSeconds: number;
  readonly signal?: AbortSignal;
  readonly onRun?: (done: number, total: number, r: ScenarioResult) => void;
  /** Strategies to run (default: the public four); tests pass broken-cas here. */
  readonly strategies?: readonly StrategyName[];
}

/** One (cell, strategy) over all repeats. */
export interface CellSummary {
  readonly cell: MatrixCell;
  readonly strategy: StrategyName;
  readonly runs: number;
  readonly createsPerSec: Summary;
  /** Ratio of medians to the same cell's racy / locked, with a quartile range. */
  readonly vsRacy: ReturnType<typeof ratio>;
  readonly vsLocked: ReturnType<typeof ratio>;
  readonly createP50Ms: number;
  readonly createP99Ms: number;
  readonly deleteP99Ms: number;
  readonly createRequests: number;
  readonly duplicates: number;
  readonly orphansAtEnd: number;
  readonly runsWithLeak: number;
  readonly tavTransient: number;
  readonly tavPersistent: number;
  readonly safetyViolations: number;
  readonly lockWaitMs: number;
  readonly outcomes: Readonly<Record<'clean' | 'leaked' | 'forbidden', number>>;
}

export function cellConfig(cell: MatrixCell, strategy: StrategyName, seed: number, groups: number, workers: number, observeNatsSeconds: number): ScenarioConfig {
  return buildConfig({ ...PRESSURES[cell.pressure], strategy, seed, groups, workers, observeNatsSeconds }, cell.load);
}

/**
 * Every cell × strategy, `repeats` times. Within a repeat every strategy runs the same seed, in an
 * order rotated each repeat, so machine drift and seed luck hit every strategy alike.
 */
export async function runMatrix(o: MatrixOptions): Promise<{ results: ScenarioResult[]; summaries: CellSummary[] }> {
  const results: ScenarioResult[] = [];
  const strategies = o.strategies ?? STRATEGY_NAMES;
  const total = o.repeats * CELLS.length * strategies.length;
  for (let r = 0; r < o.repeats && !o.signal?.aborted; r++) {
    for (const cell of CELLS) {
      const order = rotate(strategies, r);
      for (const strategy of order) {
        if (o.signal?.aborted) break;
        const res = await runScenario(cellConfig(cell, strategy, deriveSeed(o.seed, r), o.groups, o.workers, o.observeNatsSeconds), o.signal ? { signal: o.signal } : {});
        results.push(res);
        o.onRun?.(results.length, total, res);
      }
    }
  }
  return { results, summaries: summarizeMatrix(results) };
}

export function rotate<T>(xs: readonly T[], by: number): T[] {
  const k = by % xs.length;
  return [...xs.slice(k), ...xs.slice(0, k)];
}

function cellOf(r: ScenarioResult): MatrixCell {
  const pressure = (Object.keys(PRESSURES) as PressureName[]).find((p) => PRESSURES[p].callersPerCreate === r.config.callersPerCreate) ?? 'normal';
  return { pressure, load: r.config.cpuBusyShare > 0 ? 'heavy' : 'light' };
}

export function summarizeMatrix(results: readonly ScenarioResult[]): CellSummary[] {
  const out: CellSummary[] = [];
  for (const cell of CELLS) {
    const inCell = results.filter((r) => {
      const c = cellOf(r);
      return c.pressure === cell.pressure && c.load === cell.load;
    });
    const thr = (s: StrategyName): Summary | null => {
      const xs = inCell.filter((r) => r.strategy === s).map((r) => r.throughput.createsPerSec);
      return xs.length ? summarize(xs) : null;
    };
    const racy = thr('racy');
    const lockedT = thr('locked');
    for (const strategy of [...STRATEGY_NAMES, ...TEST_STRATEGY_NAMES]) {
      const rs = inCell.filter((r) => r.strategy === strategy);
      if (rs.length === 0) continue;
      const t = summarize(rs.map((r) => r.throughput.createsPerSec));
      const sum = (f: (r: ScenarioResult) => number): number => rs.reduce((n, r) => n + f(r), 0);
      const nan = { median: Number.NaN, low: Number.NaN, high: Number.NaN };
      out.push({
        cell,
        strategy,
        runs: rs.length,
        createsPerSec: t,
        vsRacy: racy ? ratio(t, racy) : nan,
        vsLocked: lockedT ? ratio(t, lockedT) : nan,
        createP50Ms: median(rs.map((r) => r.latencyMs.create.p50)),
        createP99Ms: median(rs.map((r) => r.latencyMs.create.p99)),
        deleteP99Ms: median(rs.map((r) => r.latencyMs.delete.p99)),
        createRequests: sum((r) => r.counts.createRequests),
        duplicates: sum((r) => r.counts.duplicates),
        orphansAtEnd: sum((r) => r.leaks.orphansAtEnd),
        runsWithLeak: rs.filter((r) => r.leaks.orphansAtEnd > 0).length,
        tavTransient: sum((r) => r.tav.transient),
        tavPersistent: sum((r) => r.tav.persistent),
        safetyViolations: sum((r) => r.counts.raftSafetyViolations ?? 0),
        lockWaitMs: sum((r) => r.locks?.waitMs ?? 0),
        outcomes: {
          clean: rs.filter((r) => r.verdict.outcome === 'clean').length,
          leaked: rs.filter((r) => r.verdict.outcome === 'leaked').length,
          forbidden: rs.filter((r) => r.verdict.outcome === 'forbidden').length,
        },
      });
    }
  }
  return out;
}
