import { median } from 'simple-statistics';
import { METRICS, SIDES, type CalibrationResult, type Side } from './calibration.js';

const SIDE_HEAD: Record<Side, string> = { real: 'real', model: 'model', modelK1: 'model k=1' };

/**
 * Reproducibility of two calibration runs of the same shape: per side and metric, each run's
 * median, the ratio between runs, and the stated spread — the largest max ÷ min over the repeats
 * within either run. The pair is "within spread" when the run-to-run ratio is no larger than that
 * repeat-to-repeat spread (the second run says nothing the noise of the first did not already).
 */
export function renderReproducibility(a: CalibrationResult, b: CalibrationResult): string {
  const lines = [
    '| side | metric | run A | run B | B ÷ A | stated spread (max ÷ min within a run) | within spread |',
    '|---|---|---:|---:|---:|---:|---|',
  ];
  for (const side of SIDES) {
    for (const m of METRICS) {
      if (m.key === 'persistentOrphans' && side !== 'model') continue;
      const va = a.runs.filter((r) => r.side === side).map((r) => r.figures[m.key]);
      const vb = b.runs.filter((r) => r.side === side).map((r) => r.figures[m.key]);
      if (va.length === 0 || vb.length === 0) continue;
      const ma = median(va);
      const mb = median(vb);
      const spreadOf = (v: number[]): number => (Math.min(...v) > 0 ? Math.max(...v) / Math.min(...v) : Math.max(...v) === 0 ? 1 : Number.POSITIVE_INFINITY);
      const spread = Math.max(spreadOf(va), spreadOf(vb));
      const ratio = ma === 0 && mb === 0 ? 1 : ma === 0 ? Number.POSITIVE_INFINITY : mb / ma;
      const within = Math.max(ratio, 1 / ratio) <= spread;
      const d = m.digits;
      lines.push(`| ${SIDE_HEAD[side]} | ${m.label} | ${ma.toFixed(d)} | ${mb.toFixed(d)} | ${Number.isFinite(ratio) ? ratio.toFixed(2) : '∞'} | ${Number.isFinite(spread) ? spread.toFixed(2) : '∞'} | ${within ? 'yes' : '**no**'} |`);
    }
  }
  return lines.join('\n');
}
