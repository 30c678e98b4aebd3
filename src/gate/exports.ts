import type { GateResult } from './result.js';

/**
 * Bencher Metric Format: { benchmark: { measure: { value, lower_value?, upper_value? } } }. The head's
 * median with the range of its per-process values; the measure is named by the unit.
 */
export function renderBencherMetricFormat(r: GateResult): string {
  const out: Record<string, Record<string, { value: number; lower_value: number; upper_value: number }>> = {};
  for (const b of r.benchmarks) {
    const head = b.rounds.flatMap((x) => x.head);
    if (head.length === 0) continue;
    out[b.name] = { [b.unit.replace('/', '-per-')]: { value: b.headMedian, lower_value: Math.min(...head), upper_value: Math.max(...head) } };
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** github-action-benchmark `customSmallerIsBetter`: [{ name, unit, value, range, extra }]. */
export function renderCustomSmallerIsBetter(r: GateResult): string {
  const out = r.benchmarks
    .filter((b) => b.rounds.length > 0)
    .map((b) => ({
      name: b.name,
      unit: b.unit,
      value: b.headMedian,
      range: b.ciPct ? `${b.ciPct.lo.toFixed(1)}% to ${b.ciPct.hi.toFixed(1)}% vs base` : 'n/a',
      extra: `verdict ${b.verdict}; base median ${b.baseMedian}; ${b.pairs} pairs; base ${r.refs.base.commit.slice(0, 10)}`,
    }));
  return `${JSON.stringify(out, null, 2)}\n`;
}
