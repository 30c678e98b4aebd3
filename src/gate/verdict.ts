import { hodgesLehmann, holm, type ShiftEstimate } from './wilcoxon.js';

/**
 * One round of one benchmark: four fresh processes, base and head interleaved. Even rounds run
 * A B B A (base, head, head, base), odd rounds B A A B, so a linear drift of the machine cancels in
 * the A/B pairs and in the A/A pairs over every two rounds. `base[0]` / `head[0]` are each side's
 * earlier process in the round.
 */
export interface Round {
  readonly order: 'ABBA' | 'BAAB';
  readonly base: readonly [number, number];
  readonly head: readonly [number, number];
}

export type Verdict = 'regressed' | 'improved' | 'unchanged' | 'inconclusive' | 'accepted';

export interface GateSettings {
  /** Family-wise error rate over the suite (Holm). */
  readonly alpha: number;
  /** The practical threshold's floor, as a ratio change in percent (5 → ±5%). */
  readonly floorPct: number;
  /** T = max(floor, k × the A/A noise bound of the same run). */
  readonly noiseK: number;
  /**
   * Above this T (percent) a benchmark cannot be called `unchanged`: "no change beyond ±40%" says
   * nothing a user wants to hear, so a run that noisy is inconclusive instead. Regressions beyond
   * such a T are still reported.
   */
  readonly ceilingPct: number;
}

export const DEFAULT_SETTINGS: GateSettings = { alpha: 0.05, floorPct: 5, noiseK: 1, ceilingPct: 20 };

/** Per-round log-ratios head/base: two A/B pairs per round (each pair is two adjacent processes). */
export function abPairs(rounds: readonly Round[]): number[] {
  return rounds.flatMap((r) => [Math.log(r.head[0] / r.base[0]), Math.log(r.head[1] / r.base[1])]);
}

/**
 * A/A pairs from the same rounds: head against head and base against base (identical code on both
 * sides of each pair). Signed later/earlier in ABBA rounds and earlier/later in BAAB rounds, so a
 * drift within rounds cancels over each two rounds instead of posing as a difference.
 */
export function aaPairs(rounds: readonly Round[]): number[] {
  return rounds.flatMap((r) => {
    const s = r.order === 'ABBA' ? 1 : -1;
    return [s * Math.log(r.head[1] / r.head[0]), s * Math.log(r.base[1] / r.base[0])];
  });
}

export interface BenchmarkJudgement {
  readonly change: ShiftEstimate;
  readonly aa: ShiftEstimate;
  readonly pHolm: number;
  readonly aaPHolm: number;
  /** The practical threshold T, in log-ratio units (report with Math.expm1). */
  readonly thresholdLog: number;
  /** The A/A noise bound: the largest |end| of the A/A interval (log units); Infinity if n is too small. */
  readonly aaNoiseLog: number;
  readonly verdict: Verdict;
  readonly acceptedReason: string | null;
}

/**
 * The decision for one benchmark. regressed / improved: the change is significant after Holm AND
 * its estimate lies beyond ±T (a significant 1% change on a noisy runner is not worth a red build);
 * unchanged: the whole interval lies inside ±T and T is at most the ceiling; otherwise inconclusive (more rounds may settle it).
 * A regression named by a `Perf-Regression-Accepted` trailer becomes `accepted`, never silent.
 */
export function decide(change: ShiftEstimate, pHolm: number, thresholdLog: number, settings: GateSettings, acceptedReason: string | null): Verdict {
  const alpha = settings.alpha;
  let v: Verdict = 'inconclusive';
  if (pHolm < alpha && change.estimate > thresholdLog) v = 'regressed';
  else if (pHolm < alpha && change.estimate < -thresholdLog) v = 'improved';
  else if (change.lo !== null && change.hi !== null && change.lo > -thresholdLog && change.hi < thresholdLog && thresholdLog <= Math.log1p(settings.ceilingPct / 100)) v = 'unchanged';
  return v === 'regressed' && acceptedReason !== null ? 'accepted' : v;
}

/** Judges every benchmark of a run together (Holm over the suite, for changes and for A/A separately). */
export function judgeAll(
  byName: ReadonlyMap<string, readonly Round[]>,
  settings: GateSettings,
  accepted: ReadonlyMap<string, string>,
): Map<string, BenchmarkJudgement> {
  const names = [...byName.keys()];
  const changes = names.map((n) => hodgesLehmann(abPairs(byName.get(n)!)));
  const aas = names.map((n) => hodgesLehmann(aaPairs(byName.get(n)!)));
  const pH = holm(changes.map((c) => c.p));
  const aaH = holm(aas.map((a) => a.p));
  const floorLog = Math.log1p(settings.floorPct / 100);
  const out = new Map<string, BenchmarkJudgement>();
  names.forEach((n, i) => {
    const aa = aas[i]!;
    const aaNoiseLog = aa.lo === null || aa.hi === null ? Infinity : Math.max(Math.abs(aa.lo), Math.abs(aa.hi));
    const thresholdLog = Math.max(floorLog, settings.noiseK * aaNoiseLog);
    const reason = accepted.get(n) ?? null;
    out.set(n, {
      change: changes[i]!, aa, pHolm: pH[i]!, aaPHolm: aaH[i]!, thresholdLog, aaNoiseLog,
      verdict: decide(changes[i]!, pH[i]!, thresholdLog, settings, reason), acceptedReason: reason,
    });
  });
  return out;
}

/** True when some benchmark's A/A pairs differ significantly (Holm): the run measured noise, not code. */
export function aaShowsDifference(j: ReadonlyMap<string, BenchmarkJudgement>, alpha: number): string[] {
  return [...j].filter(([, b]) => b.aaPHolm < alpha).map(([n]) => n);
}
