import type { CalibrationResult, Side } from './calibration.js';

/**
 * Is the model's rate of transient tav.idx failures per deletion within FACTOR× of the real
 * cluster's? Both are rare counts over many deletions, so each side's count is Poisson in its
 * deletions and the question is about the ratio of two Poisson rates ρ = λ_model / λ_real.
 *
 * The interval is the exact conditional one: given x = x_model + x_real failures in all, x_model
 * is Binomial(x, π) with π = ρ·n_model / (ρ·n_model + n_real); a Clopper–Pearson interval for π
 * maps to one for ρ. It is exact (never narrower than its confidence promises) for any counts,
 * including 0, where normal approximations of a log-ratio break down.
 */
export const FACTOR = 3;
export const CONFIDENCE = 0.95;

/** P(X ≤ k) for X ~ Binomial(n, p), summed in log space (n here is a count of failures: small). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n || p <= 0) return 1;
  if (p >= 1) return 0;
  let logTerm = n * Math.log1p(-p); // log P(X = 0)
  let sum = Math.exp(logTerm);
  for (let i = 1; i <= k; i++) {
    logTerm += Math.log((n - i + 1) / i) + Math.log(p) - Math.log1p(-p);
    sum += Math.exp(logTerm);
  }
  return Math.min(1, sum);
}

/** The p in [0, 1] where a decreasing f crosses `target`, by bisection (60 halvings: below 1e-18). */
function solveDecreasing(f: (p: number) => number, target: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > target) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Clopper–Pearson interval for a binomial proportion: x successes in n trials. */
export function clopperPearson(x: number, n: number, confidence = CONFIDENCE): { low: number; high: number } {
  if (!Number.isInteger(x) || !Number.isInteger(n) || x < 0 || n < 1 || x > n) throw new RangeError(`clopperPearson needs integers 0 <= x <= n, n >= 1; got ${x}/${n}`);
  const tail = (1 - confidence) / 2;
  // low: P(X ≥ x | p) = tail, i.e. cdf(x − 1) = 1 − tail (cdf falls as p rises); high: cdf(x) = tail.
  const low = x === 0 ? 0 : solveDecreasing((p) => binomialCdf(x - 1, n, p), 1 - tail);
  const high = x === n ? 1 : solveDecreasing((p) => binomialCdf(x, n, p), tail);
  return { low, high };
}

export interface RateRatio {
  /** Point estimate (x_m/n_m) ÷ (x_r/n_r); NaN when both counts are 0, ∞ when only the real one is. */
  readonly ratio: number;
  readonly low: number;
  /** ∞ when the real side saw no failure (nothing bounds the ratio from above). */
  readonly high: number;
}

/** Exact conditional interval for λ_model / λ_real from counts over deletions. */
export function rateRatioInterval(xModel: number, nModel: number, xReal: number, nReal: number, confidence = CONFIDENCE): RateRatio {
  const total = xModel + xReal;
  const ratio = xReal === 0 ? (xModel === 0 ? Number.NaN : Number.POSITIVE_INFINITY) : xModel / nModel / (xReal / nReal);
  if (total === 0 || nModel <= 0 || nReal <= 0) return { ratio, low: 0, high: Number.POSITIVE_INFINITY };
  const pi = clopperPearson(xModel, total, confidence);
  const toRho = (p: number): number => (p >= 1 ? Number.POSITIVE_INFINITY : (p / (1 - p)) * (nReal / nModel));
  return { ratio, low: toRho(pi.low), high: toRho(pi.high) };
}

export type Decision = 'within' | 'beyond' | 'undetermined';

/** 'within': the whole interval lies in [1/f, f]; 'beyond': none of it does; else undetermined. */
export function decide(r: RateRatio, factor = FACTOR): Decision {
  if (r.low >= 1 / factor && r.high <= factor) return 'within';
  if (r.high < 1 / factor || r.low > factor) return 'beyond';
  return 'undetermined';
}

/**
 * Deletions per side that would decide the question if the observed rates held: the smallest n
 * (equal on both sides) whose expected counts round(rate × n) give a decided interval. Null when
 * the real side has no failure yet (no rate to plan with) or nothing below `limit` decides.
 */
export function deletionsNeeded(realRate: number, modelRate: number, factor = FACTOR, limit = 10_000_000): number | null {
  if (!(realRate > 0)) return null;
  const decided = (n: number): boolean => decide(rateRatioInterval(Math.round(modelRate * n), n, Math.round(realRate * n), n), factor) !== 'undetermined';
  let hi = 16;
  while (!decided(hi)) {
    hi *= 2;
    if (hi > limit) return null;
  }
  let lo = hi / 2;
  // decided() is monotone in n up to the rounding of expected counts: bisect, then report the bound found.
  while (hi - lo > Math.max(1, hi / 200)) {
    const mid = Math.floor((lo + hi) / 2);
    if (decided(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

export interface PooledSide {
  readonly transient: number;
  readonly deletions: number;
  readonly runs: number;
}

/** Sums one side's transient failures and deletions over the runs of several reports. */
export function poolSide(reports: readonly CalibrationResult[], side: Side): PooledSide {
  let transient = 0;
  let deletions = 0;
  let runs = 0;
  for (const rep of reports) {
    for (const r of rep.runs) {
      if (r.side !== side || r.harnessFailure !== null) continue;
      transient += r.figures.transient;
      deletions += Math.round(r.figures.deletions);
      runs++;
    }
  }
  return { transient, deletions, runs };
}

function fmt(x: number, d = 2): string {
  return Number.isNaN(x) ? '–' : Number.isFinite(x) ? x.toFixed(d) : '∞';
}

/** One line: the pooled ratio of a model side to the real cluster, its interval, the decision and what deciding needs. */
export function transientVerdict(model: PooledSide, real: PooledSide, label: string, factor = FACTOR): string {
  if (model.deletions === 0 || real.deletions === 0) return `- ${label}: not run on both sides.`;
  const r = rateRatioInterval(model.transient, model.deletions, real.transient, real.deletions);
  const d = decide(r, factor);
  const realRate = real.transient / real.deletions;
  const modelRate = model.transient / model.deletions;
  const counts = `model ${model.transient}/${model.deletions}, real ${real.transient}/${real.deletions}`;
  const ratio = `ratio ${fmt(r.ratio)}× (${CONFIDENCE * 100}% exact conditional interval ${fmt(r.low, 3)}–${fmt(r.high)})`;
  if (d !== 'undetermined') return `- ${label}: ${counts}: ${ratio}: **${d === 'within' ? `within ${factor}×` : `beyond ${factor}×`}**.`;
  const need = deletionsNeeded(realRate, modelRate, factor);
  const plan = need === null ? 'no failure on the real side yet, so no rate to plan with' : `at these rates ~${need.toLocaleString('en-US')} deletions per side would decide`;
  return `- ${label}: ${counts}: ${ratio}: **undetermined** (${plan}).`;
}

/** Pools several reports of one shape and server and says, per model side, whether the transient rate is within FACTOR×. */
export function renderTransientPool(reports: readonly CalibrationResult[]): string {
  const real = poolSide(reports, 'real');
  return [
    `Pooled over ${reports.length} report(s), runs with a harness failure left out; real: ${real.transient} transient in ${real.deletions} deletions (${real.runs} runs).`,
    '',
    transientVerdict(poolSide(reports, 'modelK1'), real, 'model k=1 ÷ real'),
    transientVerdict(poolSide(reports, 'model'), real, 'model, same knobs ÷ real'),
  ].join('\n');
}

/**
 * The shape fields that must agree for reports to be pooled, the group count included: with every
 * group alive at once ('after'), 400 groups saturated the model on 2 workers (transient rate ~50×)
 * where 200 did not, so runs of different sizes are different workloads.
 */
const POOLED_SHAPE = ['groups', 'servers', 'replicas', 'concurrency', 'callersPerCreate', 'callerSpreadMs', 'groupLifetimeMs', 'entriesPerSecondPerGroup', 'timeScaleMs', 'deletePhase'] as const;

/**
 * The reports as they may be pooled: all of one workload shape and one server version (else a
 * RangeError naming the first difference). A model side depends on the model's version profile, so
 * model runs are kept only from reports of the newest report's `modelVersion`; real runs from all.
 */
export function poolable(reports: readonly CalibrationResult[], what = 'reports'): CalibrationResult[] {
  const first = reports[0];
  if (first === undefined) throw new RangeError(`${what}: no report to pool`);
  for (const r of reports) {
    if (r.server.version !== first.server.version) throw new RangeError(`${what}: server versions differ (${first.server.version}, ${r.server.version})`);
    for (const k of POOLED_SHAPE) if (r.shape[k] !== first.shape[k]) throw new RangeError(`${what}: shape.${k} differs (${String(first.shape[k])}, ${String(r.shape[k])})`);
  }
  const model = reports.map((r) => r.modelVersion).filter((v) => v !== undefined).at(-1);
  return reports.map((r) => (r.modelVersion === model ? r : { ...r, runs: r.runs.filter((x) => x.side === 'real') }));
}
