/**
 * Wilcoxon signed-rank test with the Hodges–Lehmann estimate and its distribution-free interval,
 * exact for the sample sizes a gate uses (n ≤ 60 pairs). Chosen over a bootstrap because it is
 * exact and deterministic at 8–30 pairs (a percentile bootstrap of the median is too narrow there
 * and would make a verdict depend on a resampling seed), and robust to the one process that another
 * job on a shared runner slowed down (ranks, not magnitudes).
 */

/** Ranks 1..n of |d| with midranks for ties, doubled so they stay integers. */
function doubledRanks(abs: readonly number[]): number[] {
  const idx = abs.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(abs.length).fill(0);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1]![0] === idx[i]![0]) j++;
    const twiceMid = i + 1 + (j + 1); // (i+1 + j+1) / 2, doubled
    for (let k = i; k <= j; k++) out[idx[k]![1]] = twiceMid;
    i = j + 1;
  }
  return out;
}

/** counts[s] = number of sign assignments whose doubled positive-rank sum is s (exact null distribution). */
function nullCounts(ranks2: readonly number[]): number[] {
  const total = ranks2.reduce((a, b) => a + b, 0);
  let counts = new Array<number>(total + 1).fill(0);
  counts[0] = 1;
  for (const r of ranks2) {
    const next = counts.slice();
    for (let s = 0; s + r <= total; s++) if (counts[s]! > 0) next[s + r]! += counts[s]!;
    counts = next;
  }
  return counts;
}

export const WILCOXON_N_MAX = 60;

/** Two-sided exact p-value of H0: the differences are symmetric around 0. Zeros are dropped (Wilcoxon's rule); no non-zero difference gives p = 1. */
export function signedRankP(d: readonly number[]): number {
  const nz = d.filter((x) => x !== 0);
  if (nz.length === 0) return 1;
  if (nz.length > WILCOXON_N_MAX) throw new RangeError(`signedRankP: at most ${WILCOXON_N_MAX} pairs, got ${nz.length}`);
  const r2 = doubledRanks(nz.map(Math.abs));
  const w = nz.reduce((acc, x, i) => (x > 0 ? acc + r2[i]! : acc), 0);
  const counts = nullCounts(r2);
  const all = 2 ** nz.length;
  let le = 0;
  let ge = 0;
  for (let s = 0; s < counts.length; s++) {
    if (s <= w) le += counts[s]!;
    if (s >= w) ge += counts[s]!;
  }
  return Math.min(1, (2 * Math.min(le, ge)) / all);
}

/** Sorted Walsh averages (d_i + d_j) / 2, i ≤ j. */
function walsh(d: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < d.length; i++) for (let j = i; j < d.length; j++) out.push((d[i]! + d[j]!) / 2);
  return out.sort((a, b) => a - b);
}

function medianSorted(s: readonly number[]): number {
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface ShiftEstimate {
  readonly n: number;
  /** Hodges–Lehmann: the median of the Walsh averages. */
  readonly estimate: number;
  /** Exact distribution-free interval at ≥ `confidence`; null bounds when n is too small to reach it. */
  readonly lo: number | null;
  readonly hi: number | null;
  /** The coverage the interval really has (discrete distribution), ≥ the requested one. */
  readonly achievedConfidence: number;
  readonly p: number;
}

/**
 * The shift of `d` around 0 with its interval: [W_(c+1), W_(M−c)] of the M sorted Walsh averages,
 * where c is the largest rank sum with P(W⁺ ≤ c) ≤ (1 − confidence) / 2 under H0 (no ties).
 */
export function hodgesLehmann(d: readonly number[], confidence = 0.95): ShiftEstimate {
  const n = d.length;
  if (n === 0) return { n, estimate: 0, lo: null, hi: null, achievedConfidence: 0, p: 1 };
  if (n > WILCOXON_N_MAX) throw new RangeError(`hodgesLehmann: at most ${WILCOXON_N_MAX} values, got ${n}`);
  const w = walsh(d);
  const counts = nullCounts(Array.from({ length: n }, (_, i) => 2 * (i + 1)));
  const all = 2 ** n;
  const tail = (1 - confidence) / 2;
  let c = -1;
  let cum = 0;
  for (let s = 0; s * 2 < counts.length; s++) {
    cum += counts[2 * s]!;
    if (cum / all <= tail) c = s;
    else break;
  }
  const p = signedRankP(d);
  if (c < 0) return { n, estimate: medianSorted(w), lo: null, hi: null, achievedConfidence: 0, p };
  let below = 0;
  for (let s = 0; s <= c; s++) below += counts[2 * s]!;
  return { n, estimate: medianSorted(w), lo: w[c]!, hi: w[w.length - 1 - c]!, achievedConfidence: 1 - (2 * below) / all, p };
}

/** Holm–Bonferroni step-down adjusted p-values, in the input order. */
export function holm(ps: readonly number[]): number[] {
  const order = ps.map((p, i) => [p, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(ps.length).fill(1);
  let running = 0;
  order.forEach(([p, i], k) => {
    running = Math.max(running, Math.min(1, (ps.length - k) * p));
    out[i] = running;
  });
  return out;
}
