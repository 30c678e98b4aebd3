import type { Sample } from '../../src/gate/process.js';
import type { Measure } from '../../src/gate/rounds.js';

/** A synthetic measurement function: value(side, name, call#) and an optional correctness record. */
export function syntheticMeasure(
  value: (side: 'base' | 'head', name: string, call: number) => number,
  correctness: (side: 'base' | 'head', name: string, call: number) => Sample['correctness'] = () => null,
): { measure: Measure; calls: () => number } {
  let n = 0;
  return {
    measure: async (root, name) => {
      const side = root === 'BASE' ? 'base' : 'head';
      const call = n++;
      return { value: value(side, name, call), correctness: correctness(side, name, call) };
    },
    calls: () => n,
  };
}

/** Deterministic jitter in [-a, a]. */
export function jitter(seed: number, a: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32 - 0.5) * 2 * a;
  };
}

export const SIDES = { base: 'BASE', head: 'HEAD' } as const;

import { benchmarkReport, countVerdicts, GATE_SCHEMA_ID, type GateResult } from '../../src/gate/result.js';
import { judgeAll, DEFAULT_SETTINGS, type Round } from '../../src/gate/verdict.js';

/** A complete GateResult from synthetic rounds (no git, no processes), for renderer tests. */
export function syntheticResult(byName: Map<string, Round[]>, over: Partial<GateResult> = {}, accepted = new Map<string, string>()): GateResult {
  const j = judgeAll(byName, DEFAULT_SETTINGS, accepted);
  const benchmarks = [...byName].map(([name, rounds]) => benchmarkReport({ name, unit: 'ns/op', description: `synthetic ${name}` }, rounds, j.get(name)!, false));
  return {
    schema: GATE_SCHEMA_ID, status: 'pass', exitCode: 0, headline: 'Pass: no regression beyond the threshold.', partial: false,
    startedAt: '2026-12-01T03:00:00.000Z', wallSeconds: 42,
    environment: { cores: 2, cpuModel: 'test cpu', memoryGiB: 24, node: 'v20.20.2', platform: 'linux-x64', loadAverage1m: 1.5, ci: false },
    refs: { base: { ref: 'HEAD~1', commit: 'a'.repeat(40), why: 'HEAD~1' }, head: { ref: 'working tree', commit: null, dirty: true } },
    config: { ...DEFAULT_SETTINGS, suite: 'quick', initialRounds: 4, maxRounds: 8, strict: false },
    preparation: { base: { nodeModules: 'reused (identical lock file)', build: 'cached' }, head: { nodeModules: 'own', build: 'built' }, harness: 'head' },
    calibration: { aaShowsDifference: [], medianAaNoisePct: 2 },
    benchmarks, notJudged: [], correctness: { forbidden: false, records: [] }, counts: countVerdicts(benchmarks), processes: 64, harnessFailure: null,
    ...over,
  };
}

/** Rounds where head = base × ratio × exp(jitter). */
export function roundsOf(n: number, ratio: number, j: () => number): Round[] {
  return Array.from({ length: n }, (_, r) => ({
    order: r % 2 === 0 ? 'ABBA' : 'BAAB',
    base: [100 * Math.exp(j()), 100 * Math.exp(j())],
    head: [100 * ratio * Math.exp(j()), 100 * ratio * Math.exp(j())],
  }));
}
