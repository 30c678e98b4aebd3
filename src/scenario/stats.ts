import { max, mean, medianSorted, min, quantileSorted } from 'simple-statistics';

/** Robust summary of repeated measurements: medians and spreads, not means alone. */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Interquartile range as a percentage of the median (0 when the median is 0). */
  readonly iqrPct: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError('summarize needs at least one sample');
  const s = [...samples].sort((a, b) => a - b);
  const median = medianSorted(s);
  const p25 = quantileSorted(s, 0.25);
  const p75 = quantileSorted(s, 0.75);
  return { n: s.length, median, p25, p75, min: min(s), max: max(s), mean: mean(s), iqrPct: median === 0 ? 0 : ((p75 - p25) / Math.abs(median)) * 100 };
}

/** Percentile (0..1) of unsorted values; 0 for none. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  return quantileSorted([...values].sort((a, b) => a - b), q);
}

/**
 * Ratio of two medians with a conservative range from the quartiles (low = a.p25 / b.p75,
 * high = a.p75 / b.p25), for variants measured interleaved in the same run.
 */
export function ratio(a: Summary, b: Summary): { readonly median: number; readonly low: number; readonly high: number } {
  const safe = (x: number, y: number): number => (y === 0 ? Number.POSITIVE_INFINITY : x / y);
  return { median: safe(a.median, b.median), low: safe(a.p25, b.p75), high: safe(a.p75, b.p25) };
}
