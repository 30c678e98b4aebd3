import type { MachineFacts } from '../scenario/machine.js';
import type { CorrectnessRecord } from './rounds.js';
import type { BenchmarkJudgement, GateSettings, Round, Verdict } from './verdict.js';

export const GATE_SCHEMA_ID = 'raftrace.gate/1';

/** The run as a whole. `inconclusive` passes unless --strict; the rest map to the exit-code table. */
export type GateStatus = 'pass' | 'regressed' | 'forbidden' | 'inconclusive' | 'harness-failure' | 'interrupted';

export interface Interval {
  readonly lo: number;
  readonly hi: number;
}

export interface BenchmarkReport {
  readonly name: string;
  readonly unit: string;
  readonly description: string;
  /** Every process's value, per round, both sides (earlier process first). */
  readonly rounds: readonly Round[];
  readonly baseMedian: number;
  readonly headMedian: number;
  /** Hodges–Lehmann estimate of head/base − 1, in percent. */
  readonly changePct: number;
  /** 95% interval of the change in percent; null when there were too few pairs. */
  readonly ciPct: Interval | null;
  readonly pairs: number;
  readonly p: number;
  readonly pHolm: number;
  readonly aa: { readonly estimatePct: number; readonly ciPct: Interval | null; readonly p: number; readonly pHolm: number; readonly noisePct: number | null };
  /** The practical threshold T in percent; null when the A/A noise could not be bounded (too few pairs). */
  readonly thresholdPct: number | null;
  readonly verdict: Verdict;
  readonly acceptedReason: string | null;
  readonly extended: boolean;
}

export interface GateResult {
  readonly schema: typeof GATE_SCHEMA_ID;
  readonly status: GateStatus;
  readonly exitCode: number;
  /** One sentence a person reads first (the loud line of an inconclusive A/A check goes here). */
  readonly headline: string;
  readonly partial: boolean;
  readonly startedAt: string;
  readonly wallSeconds: number;
  readonly environment: MachineFacts & { readonly loadAverage1m: number; readonly ci: boolean };
  readonly refs: {
    readonly base: { readonly ref: string; readonly commit: string; readonly why: string };
    readonly head: { readonly ref: string; readonly commit: string | null; readonly dirty: boolean };
  };
  readonly config: GateSettings & { readonly suite: string; readonly initialRounds: number; readonly maxRounds: number; readonly strict: boolean };
  readonly preparation: { readonly base: { readonly nodeModules: string; readonly build: string }; readonly head: { readonly nodeModules: string; readonly build: string }; readonly harness: 'head' };
  readonly calibration: { readonly aaShowsDifference: readonly string[]; readonly medianAaNoisePct: number | null };
  readonly benchmarks: readonly BenchmarkReport[];
  /** Benchmarks of the suite the base could not run (new since base, or the harness needs an API the base lacks): no verdict. */
  readonly notJudged: readonly { readonly name: string; readonly reason: string }[];
  readonly correctness: { readonly forbidden: boolean; readonly records: readonly CorrectnessRecord[] };
  readonly counts: Readonly<Record<Verdict, number>>;
  readonly processes: number;
  readonly harnessFailure: string | null;
}

const pct = (log: number): number => Math.expm1(log) * 100;
const ci = (lo: number | null, hi: number | null): Interval | null => (lo === null || hi === null ? null : { lo: pct(lo), hi: pct(hi) });

function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** One benchmark's report from its rounds and its judgement. */
export function benchmarkReport(spec: { name: string; unit: string; description: string }, rounds: readonly Round[], j: BenchmarkJudgement, extended: boolean): BenchmarkReport {
  return {
    ...spec,
    rounds,
    baseMedian: median(rounds.flatMap((r) => r.base)),
    headMedian: median(rounds.flatMap((r) => r.head)),
    changePct: pct(j.change.estimate),
    ciPct: ci(j.change.lo, j.change.hi),
    pairs: j.change.n,
    p: j.change.p,
    pHolm: j.pHolm,
    aa: { estimatePct: pct(j.aa.estimate), ciPct: ci(j.aa.lo, j.aa.hi), p: j.aa.p, pHolm: j.aaPHolm, noisePct: Number.isFinite(j.aaNoiseLog) ? pct(j.aaNoiseLog) : null },
    thresholdPct: Number.isFinite(j.thresholdLog) ? pct(j.thresholdLog) : null,
    verdict: j.verdict,
    acceptedReason: j.acceptedReason,
    extended,
  };
}

export function countVerdicts(bs: readonly BenchmarkReport[]): Record<Verdict, number> {
  const c: Record<Verdict, number> = { regressed: 0, improved: 0, unchanged: 0, inconclusive: 0, accepted: 0 };
  for (const b of bs) c[b.verdict]++;
  return c;
}

export function medianOf(xs: readonly number[]): number | null {
  return xs.length === 0 ? null : median(xs);
}
